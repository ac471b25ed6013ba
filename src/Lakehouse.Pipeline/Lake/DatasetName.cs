namespace Lakehouse.Lake;

/// <summary>A dataset's full name, <c>source.dataset</c> (<c>spacex.launches</c>).</summary>
internal sealed record DatasetName(string Source, string Name)
{
    public static DatasetName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == value.Length - 1 || value.IndexOf('.', dot + 1) >= 0)
        {
            throw new FormatException($"\"{value}\" is not a dataset name: expected source.dataset, like spacex.launches.");
        }

        return new DatasetName(value[..dot], value[(dot + 1)..]);
    }

    public override string ToString() => $"{Source}.{Name}";
}
