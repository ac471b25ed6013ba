using System.Globalization;
using Lakehouse.Configuration;
using Lakehouse.DuckDb;
using Lakehouse.Gold;
using Lakehouse.Querying;

namespace Lakehouse.Web.Gold;

/// <summary>The gold tables, their columns and row counts, read through <c>query</c>'s locked-down connection.</summary>
internal sealed class GoldCatalog(GoldRestorer restorer, GoldOptions gold, TimeProvider time)
{
    /// <summary>Whether this node has a gold database at all (a new lake has none until its first run).</summary>
    public bool Exists => File.Exists(gold.DatabasePath);

    /// <summary>Every table of gold's main schema, by name, with its columns in order and its exact row count.</summary>
    /// <exception cref="GoldDatabaseException">There is no gold, or it cannot be opened.</exception>
    public async Task<IReadOnlyList<GoldTable>> ReadAsync(CancellationToken ct)
    {
        await restorer.PrepareForReadingAsync(ct);
        await using var connection = await GoldDatabase.OpenReadOnlyAsync(gold.DatabasePath, TimeSpan.FromSeconds(5), time, ct);
        var columns = connection.Query(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() " +
            "WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name, column_index",
            r => (Table: r.GetString(0), Column: new GoldColumn(r.GetString(1), r.GetString(2))),
            ct);
        var names = columns.Select(c => c.Table).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            return [];
        }

        // count(*) of a DuckDB table reads its row groups' counts, not its rows: one statement for every table.
        var counts = connection.Query(
            string.Join(" UNION ALL ", names.Select(n => string.Create(CultureInfo.InvariantCulture, $"SELECT '{n.Replace("'", "''", StringComparison.Ordinal)}', count(*) FROM \"{n.Replace("\"", "\"\"", StringComparison.Ordinal)}\""))),
            r => (Table: r.GetString(0), Rows: r.GetInt64(1)),
            ct).ToDictionary(c => c.Table, c => c.Rows, StringComparer.Ordinal);
        return [.. names.Select(n => new GoldTable(n, counts[n], [.. columns.Where(c => c.Table == n).Select(c => c.Column)]))];
    }
}

internal sealed record GoldTable(string Name, long Rows, IReadOnlyList<GoldColumn> Columns);

internal sealed record GoldColumn(string Name, string Type);
