using System.Collections;
using System.Data.Common;

namespace Lakehouse.DuckDb;

/// <summary>The parameters of a <see cref="DuckDbCommand"/>, in binding order for positional placeholders.</summary>
public sealed class DuckDbParameterCollection : DbParameterCollection, IList<DuckDbParameter>
{
    private readonly List<DuckDbParameter> items = [];

    internal DuckDbParameterCollection()
    {
    }

    public override int Count => items.Count;

    public override object SyncRoot => ((ICollection)items).SyncRoot;

    public new DuckDbParameter this[int index]
    {
        get => items[index];
        set => items[index] = value;
    }

    public new DuckDbParameter this[string parameterName]
    {
        get => items[IndexOrThrow(parameterName)];
        set => items[IndexOrThrow(parameterName)] = value;
    }

    internal IReadOnlyList<DuckDbParameter> Items => items;

    public DuckDbParameter Add(DuckDbParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        items.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a named parameter; the name may be written with or without its <c>$</c>.</summary>
    public DuckDbParameter AddWithValue(string parameterName, object? value) => Add(new DuckDbParameter(parameterName, value));

    /// <summary>Adds a positional parameter, bound to the next <c>?</c> / <c>$n</c>.</summary>
    public DuckDbParameter AddWithValue(object? value) => Add(new DuckDbParameter(value));

    public override int Add(object value)
    {
        items.Add(Cast(value));
        return items.Count - 1;
    }

    public override void AddRange(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            Add(value!);
        }
    }

    public override void Clear() => items.Clear();

    void ICollection<DuckDbParameter>.Add(DuckDbParameter item) => Add(item);

    public bool Contains(DuckDbParameter item) => items.Contains(item);

    public void CopyTo(DuckDbParameter[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);

    public int IndexOf(DuckDbParameter item) => items.IndexOf(item);

    public void Insert(int index, DuckDbParameter item) => items.Insert(index, item);

    public bool Remove(DuckDbParameter item) => items.Remove(item);

    IEnumerator<DuckDbParameter> IEnumerable<DuckDbParameter>.GetEnumerator() => items.GetEnumerator();

    public override bool Contains(object value) => value is DuckDbParameter parameter && items.Contains(parameter);

    public override bool Contains(string value) => IndexOf(value) >= 0;

    public override void CopyTo(Array array, int index) => ((ICollection)items).CopyTo(array, index);

    public override IEnumerator GetEnumerator() => items.GetEnumerator();

    public override int IndexOf(object value) => value is DuckDbParameter parameter ? items.IndexOf(parameter) : -1;

    public override int IndexOf(string parameterName)
    {
        var name = DuckDbParameter.NormaliseName(parameterName);
        return items.FindIndex(p => string.Equals(p.BindingName, name, StringComparison.OrdinalIgnoreCase));
    }

    public override void Insert(int index, object value) => items.Insert(index, Cast(value));

    public override void Remove(object value) => items.Remove(Cast(value));

    public override void RemoveAt(int index) => items.RemoveAt(index);

    public override void RemoveAt(string parameterName) => items.RemoveAt(IndexOrThrow(parameterName));

    protected override DbParameter GetParameter(int index) => items[index];

    protected override DbParameter GetParameter(string parameterName) => items[IndexOrThrow(parameterName)];

    protected override void SetParameter(int index, DbParameter value) => items[index] = Cast(value);

    protected override void SetParameter(string parameterName, DbParameter value) =>
        items[IndexOrThrow(parameterName)] = Cast(value);

    private static DuckDbParameter Cast(object value) =>
        value as DuckDbParameter
        ?? throw new InvalidCastException($"Expected a {nameof(DuckDbParameter)}, got {value?.GetType().Name ?? "null"}.");

    private int IndexOrThrow(string parameterName)
    {
        var index = IndexOf(parameterName);
        return index >= 0
            ? index
            : throw new ArgumentException($"No parameter named '{parameterName}'.", nameof(parameterName));
    }
}
