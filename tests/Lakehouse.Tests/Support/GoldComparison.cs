using DuckDB.NET.Data;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Compares two gold databases table by table, as sets of rows with duplicates counted. Columns that name or time
/// runs (run ids, landing times, lineage columns starting with <c>_</c>) differ between two lakes by construction and
/// are left out; so are <c>meta_run</c>, <c>meta_build</c> and <c>meta_silver_file</c> (which names the silver files), and <c>agg_launch_snapshot</c> is compared by its
/// latest row.
/// </summary>
internal static class GoldComparison
{
    /// <summary>The tables that differ (or exist on one side only), each with a reason; empty when gold is the same.</summary>
    public static IReadOnlyList<string> Differences(string expectedPath, string actualPath)
    {
        using var connection = DuckDbTestConnections.OpenInMemory();
        Execute(connection, $"ATTACH '{expectedPath}' AS expected (READ_ONLY); ATTACH '{actualPath}' AS actual (READ_ONLY);");

        var expected = Strings(connection, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'expected' ORDER BY 1");
        var actual = Strings(connection, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'actual' ORDER BY 1");
        var differences = expected.Except(actual).Select(t => $"{t}: missing").Concat(actual.Except(expected).Select(t => $"{t}: unexpected")).ToList();
        if (!expected.Contains("fact_launch"))
        {
            differences.Add("fact_launch: not in the expected gold");
        }

        foreach (var table in expected.Intersect(actual).Where(t => t is not "meta_run" and not "meta_build" and not "meta_silver_file"))
        {
            var columns = Strings(connection, $"""
                SELECT column_name FROM duckdb_columns() WHERE database_name = 'expected' AND table_name = '{table}'
                  AND column_name NOT LIKE '%run\_id%' ESCAPE '\' AND column_name NOT LIKE 'run\_%' ESCAPE '\'
                  AND column_name NOT LIKE '\_%' ESCAPE '\' AND column_name NOT LIKE '%landed\_at%' ESCAPE '\'
                ORDER BY column_index
                """);
            var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
            var latest = table == "agg_launch_snapshot" ? "QUALIFY row_number() OVER (ORDER BY run_id DESC) = 1" : "";
            var count = Strings(connection, $"""
                SELECT count(*)::VARCHAR FROM (
                  (SELECT {list} FROM expected.{table} {latest} EXCEPT ALL SELECT {list} FROM actual.{table} {latest})
                  UNION ALL
                  (SELECT {list} FROM actual.{table} {latest} EXCEPT ALL SELECT {list} FROM expected.{table} {latest}))
                """).Single();
            if (count != "0")
            {
                differences.Add($"{table}: {count} rows differ");
            }
        }

        return differences;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Strings(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}

/// <summary>Writes settings as the nested JSON a <c>--config</c> file holds.</summary>
internal static class ConfigFile
{
    /// <summary><c>"A:B:C" = v</c> pairs as nested objects.</summary>
    public static Dictionary<string, object> Nest(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new Dictionary<string, object>();
        foreach (var (key, value) in settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child))
                {
                    child = new Dictionary<string, object>();
                    node[part] = child;
                }

                node = (Dictionary<string, object>)child;
            }

            node[parts[^1]] = value!;
        }

        return root;
    }
}
