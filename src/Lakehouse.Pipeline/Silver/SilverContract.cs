using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Lakehouse.DuckDb;

namespace Lakehouse.Silver;

/// <summary>
/// What one silver table promises to other engines: its columns in order, each with its type and whether it may be
/// NULL. Every file published to the table is checked against it (<see cref="Mismatches"/>) before its commit marker
/// is written.
/// </summary>
/// <param name="Table">E.g. <c>spacex_launches</c>.</param>
/// <param name="Columns">In the order the files hold them: gold reads silver files by position.</param>
internal sealed record SilverTableContract(string Table, IReadOnlyList<SilverColumn> Columns)
{
    /// <summary>
    /// How the file described by <paramref name="footer"/> breaks the contract, one line each (a renamed column is a
    /// missing one and an extra one); empty when it keeps it.
    /// </summary>
    public IReadOnlyList<string> Mismatches(ParquetFooter footer)
    {
        ArgumentNullException.ThrowIfNull(footer);
        var found = footer.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var declared = Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var column in Columns)
        {
            if (!found.TryGetValue(column.Name, out var actual))
            {
                problems.Add($"column {column.Name} ({column.Describe()}) is missing");
                continue;
            }

            if (!string.Equals(column.Type, actual.Type, StringComparison.Ordinal))
            {
                problems.Add($"column {column.Name} is declared {column.Type}, the file has {actual.Type}");
            }

            // A column the file marks REQUIRED can hold no NULL; otherwise the footer's null counts say.
            if (!column.Nullable && !actual.Required && actual.Nulls is not 0)
            {
                problems.Add(actual.Nulls is { } nulls
                    ? $"column {column.Name} is declared NOT NULL, the file has {nulls} NULL{(nulls == 1 ? "" : "s")}"
                    : $"column {column.Name} is declared NOT NULL, the file allows NULLs and does not count them");
            }
        }

        problems.AddRange(footer.Columns.Where(c => !declared.Contains(c.Name)).Select(c => $"column {c.Name} ({c.Type}) is not declared"));
        if (problems.Count == 0)
        {
            // The same columns in another order: gold (and any engine reading by position) would mix them up.
            for (var i = 0; i < Columns.Count; i++)
            {
                if (footer.Columns[i].Name != Columns[i].Name)
                {
                    var at = footer.Columns.Select(c => c.Name).ToList().IndexOf(Columns[i].Name);
                    problems.Add($"column {Columns[i].Name} is declared at position {i + 1}, the file has it at {at + 1}");
                    break;
                }
            }
        }

        return problems;
    }
}

/// <summary>One declared column.</summary>
/// <param name="Name">As in the files, e.g. <c>flight_number</c>.</param>
/// <param name="Type">
/// DuckDB's spelling of the type, e.g. <c>INTEGER</c>, <c>VARCHAR[]</c>, <c>STRUCT(id INTEGER, name VARCHAR)[]</c>,
/// with struct field names unquoted (<see cref="SilverContracts.CanonicalType"/>).
/// </param>
/// <param name="Nullable">False for NOT NULL.</param>
internal sealed record SilverColumn(string Name, string Type, bool Nullable)
{
    public string Describe() => Nullable ? Type : Type + " NOT NULL";
}

/// <summary>
/// The contracts of every silver table, by table name. Today they are derived from the <c>CREATE TABLE</c> statements
/// of each registered source's silver <c>schema.sql</c> (<see cref="FromDdl"/>, through
/// <see cref="Sources.SourceCatalog.Contracts"/>); the contract itself knows nothing of where it came from.
/// </summary>
internal sealed partial class SilverContracts
{
    private readonly FrozenDictionary<string, SilverTableContract> tables;

    public SilverContracts(IEnumerable<SilverTableContract> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.tables = tables.ToFrozenDictionary(t => t.Table, StringComparer.Ordinal);
    }

    public IEnumerable<SilverTableContract> Tables => tables.Values.OrderBy(t => t.Table, StringComparer.Ordinal);

    /// <summary>The contract of <paramref name="table"/>, or null when none is declared.</summary>
    public SilverTableContract? For(string table) => tables.GetValueOrDefault(table);

    /// <summary>
    /// The contracts of the tables that <paramref name="ddl"/> creates, as DuckDB itself understands the statements
    /// (run in an in-memory database; the columns read back from <c>duckdb_columns()</c>), so that the contract and
    /// the transform, which writes its files from the same tables, read the DDL the same way.
    /// </summary>
    public static SilverContracts FromDdl(string ddl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ddl);
        using var connection = DuckDbConnections.OpenInMemory();
        connection.Execute(ddl, CancellationToken.None);
        var columns = connection.Query(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index;",
            r => (Table: r.GetString(0), Column: new SilverColumn(r.GetString(1), CanonicalType(r.GetString(2)), r.GetBoolean(3))),
            CancellationToken.None);
        return new SilverContracts(columns
            .GroupBy(c => c.Table, StringComparer.Ordinal)
            .Select(g => new SilverTableContract(g.Key, [.. g.Select(c => c.Column)])));
    }

    /// <summary>
    /// A type as DuckDB spells it, with the quotes DuckDB puts around struct field names that are keywords
    /// (<c>STRUCT(id INTEGER, "name" VARCHAR)</c>) taken off, so that it compares with the type read from a file.
    /// </summary>
    public static string CanonicalType(string type) => QuotedIdentifier().Replace(type, "$1");

    [GeneratedRegex("\"([A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex QuotedIdentifier();
}
