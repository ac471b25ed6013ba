using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Storage;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Checks a gold build published to a lake against the gold DuckDB file it came from, with two readers that do not
/// share code with the export: Parquet.Net (<see cref="ParquetRows"/>) row for row, and DuckDB itself over the build's
/// folder with a wildcard, as another engine would read it.
/// </summary>
internal static class GoldExport
{
    /// <summary>The lake's pointer, or a failed assertion when there is none.</summary>
    public static async Task<GoldPointer> PointerAsync(IObjectStore store) =>
        (await LakeJson.ReadAsync<GoldPointer>(store, LakeKeys.GoldPointer, CancellationToken.None)).ShouldNotBeNull("the lake has gold/current.json");

    /// <summary>
    /// Copies the build <paramref name="pointer"/> names out of the lake into <paramref name="folder"/> (keys as paths),
    /// and asserts that every gold table of <paramref name="goldPath"/> is there and holds the same rows.
    /// </summary>
    public static async Task ShouldEqualGoldAsync(IObjectStore store, GoldPointer pointer, string goldPath, string folder)
    {
        foreach (var key in pointer.Keys)
        {
            await store.DownloadToFileAsync(ObjectKey.Parse(key), Path.Combine(folder, key), CancellationToken.None);
        }

        using var gold = DuckDbTestConnections.OpenFile(goldPath, readOnly: true);
        var tables = Strings(gold, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1");
        pointer.Tables.Select(t => t.Name).ShouldBe(tables, "the pointer lists every gold table");
        Strings(gold, "SELECT build_id FROM meta_build").ShouldBe([pointer.BuildId], "the gold file is the build the pointer names");
        var withRows = 0;
        foreach (var table in pointer.Tables)
        {
            // DuckDB's own rows, in table order, as text
            var expected = Rows(gold, $"SELECT * FROM \"{table.Name}\"");
            table.Rows.ShouldBe(expected.Count, $"{table.Name}: rows in the pointer");
            table.Prefix.ShouldBe($"gold/builds/{pointer.BuildId}/{table.Name}/");
            table.Files.ShouldNotBeEmpty(table.Name);

            // Parquet.Net, file by file in key order
            var columns = Strings(gold, $"SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = '{table.Name}' ORDER BY column_index");
            var actual = new List<string[]>();
            foreach (var file in table.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var local = Path.Combine(folder, file.Key);
                new FileInfo(local).Length.ShouldBe(file.Bytes, file.Key);
                var (names, rows) = await ParquetRows.ReadAsync(local);
                names.ShouldBe(columns, $"{file.Key}: columns");
                actual.AddRange(rows);
            }

            actual.Count.ShouldBe(expected.Count, $"{table.Name}: rows read with Parquet.Net");
            for (var i = 0; i < expected.Count; i++)
            {
                actual[i].ShouldBe(expected[i], $"{table.Name}, row {i}: Parquet.Net against DuckDB");
            }

            // DuckDB over the build's folder with a wildcard, as Trino or Spark would be pointed at it
            var glob = Path.Combine(folder, table.Prefix, "*.parquet").Replace("'", "''", StringComparison.Ordinal);
            Strings(gold, $"""
                SELECT count(*)::VARCHAR FROM (
                  (SELECT * FROM read_parquet('{glob}') EXCEPT ALL SELECT * FROM "{table.Name}")
                  UNION ALL
                  (SELECT * FROM "{table.Name}" EXCEPT ALL SELECT * FROM read_parquet('{glob}')))
                """).ShouldBe(["0"], $"{table.Name}: DuckDB over {table.Prefix}*.parquet");
            withRows += expected.Count > 1 ? 1 : 0;
        }

        withRows.ShouldBeGreaterThan(3, "the comparison covered tables with rows, not only unknown members");
    }

    private static List<string[]> Rows(DuckDB.NET.Data.DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => ParquetRows.Text(reader.IsDBNull(i) ? null : reader.GetValue(i)))]);
        }

        return rows;
    }

    private static List<string> Strings(DuckDB.NET.Data.DuckDBConnection connection, string sql) =>
        [.. Rows(connection, sql).Select(r => r[0])];
}
