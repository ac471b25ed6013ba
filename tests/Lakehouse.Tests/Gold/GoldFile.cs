using DuckDB.NET.Data;
using System.Globalization;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Gold;

/// <summary>
/// A gold database opened the way a query opens it (read-only). Dispose it before the next build: in one process,
/// every connection to a file shares one DuckDB instance, and a read-only one would keep the builder out.
/// </summary>
internal sealed class GoldFile : IDisposable
{
    private readonly DuckDBConnection connection;

    private GoldFile(string path)
    {
        connection = DuckDbTestConnections.OpenFile(path, readOnly: true);
    }

    public static GoldFile Open(string path) => new(path);

    public void Dispose() => connection.Dispose();

    public List<Dictionary<string, object?>> Rows(string sql)
    {
        using var command = connection.Command(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public Dictionary<string, object?> Single(string sql) => Rows(sql).ShouldHaveSingleItem();

    public T Scalar<T>(string sql) => connection.Scalar<T>(sql);

    /// <summary>
    /// Every table's rows as text, sorted, so two gold files compare as sets of rows per table (the build's own id in
    /// <c>meta_build</c> left out).
    /// </summary>
    public static SortedDictionary<string, List<string>> Contents(string path)
    {
        using var gold = Open(path);
        var contents = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var tables = gold.Rows("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1")
            .Select(r => (string)r["table_name"]!);
        foreach (var table in tables)
        {
            // Each build has an id of its own; two builds of the same silver differ in nothing else.
            var rows = gold.Rows(table == "meta_build" ? $"SELECT * EXCLUDE (build_id) FROM {table}" : $"SELECT * FROM {table}")
                .Select(r => string.Join(" | ", r.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))))
                .Order(StringComparer.Ordinal)
                .ToList();
            contents[table] = rows;
        }

        return contents;
    }
}

internal static class GoldContentsAssertions
{
    /// <summary>
    /// Asserts two results of <see cref="GoldFile.Contents"/> are equal, naming the first table that differs.
    /// meta_silver_file is left out: it names the silver files read, which another copy of silver names otherwise.
    /// </summary>
    public static void ShouldHaveSameContents(this SortedDictionary<string, List<string>> actual, SortedDictionary<string, List<string>> expected)
    {
        actual.Keys.ShouldBe(expected.Keys);
        foreach (var (table, rows) in expected.Where(t => t.Key != "meta_silver_file"))
        {
            var missing = rows.Except(actual[table]).Take(3).ToList();
            var unexpected = actual[table].Except(rows).Take(3).ToList();
            (missing.Count + unexpected.Count).ShouldBe(0, $"{table}: missing {string.Join(" / ", missing)}; unexpected {string.Join(" / ", unexpected)}");
            actual[table].Count.ShouldBe(rows.Count, $"{table}: row count");
        }
    }
}
