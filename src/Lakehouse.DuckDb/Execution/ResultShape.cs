using Lakehouse.DuckDb.Native;
using Lakehouse.DuckDb.Reading;

namespace Lakehouse.DuckDb.Execution;

/// <summary>The columns a statement returns, and which of them the reader can only show as DuckDB's text.</summary>
internal sealed class ResultShape
{
    private ResultShape(string[] names, string[] typeNames, bool[] asText, bool isUnknown)
    {
        Names = names;
        TypeNames = typeNames;
        AsText = asText;
        IsUnknown = isUnknown;
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<string> TypeNames { get; }

    public IReadOnlyList<bool> AsText { get; }

    /// <summary>
    /// DuckDB could not type the columns yet: a prepared statement whose result depends on parameter types reports
    /// a single column of type INVALID until it is executed.
    /// </summary>
    public bool IsUnknown { get; }

    public bool NeedsText => !IsUnknown && AsText.Contains(true);

    public static ResultShape Of(PreparedStatement statement) =>
        Describe(statement.ColumnCount, statement.ColumnName, statement.ColumnType);

    public static ResultShape Of(QueryResult result) => Describe(result.ColumnCount, result.ColumnName, result.ColumnType);

    private static ResultShape Describe(int count, Func<int, string> name, Func<int, LogicalTypeHandle> type)
    {
        var names = new string[count];
        var typeNames = new string[count];
        var asText = new bool[count];
        var unknown = false;
        for (var i = 0; i < count; i++)
        {
            using var columnType = type(i);
            var id = LogicalTypes.TypeId(columnType);
            unknown |= id == DuckDbTypeId.Invalid;
            asText[i] = LogicalTypes.ClrType(id) is null;
            typeNames[i] = LogicalTypes.Name(columnType);
            names[i] = name(i);
        }

        return new ResultShape(names, typeNames, asText, unknown);
    }
}
