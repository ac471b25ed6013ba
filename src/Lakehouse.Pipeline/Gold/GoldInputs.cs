using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Silver;

namespace Lakehouse.Gold;

/// <summary>
/// What the models read besides each other, set up on the gold connection before the build's transaction (a
/// DuckDB transaction writes to one database only): silver as the in-memory database <c>silver</c> (views over the
/// Parquet files, or the empty tables of the silver DDL), the run records and the build facts in the in-memory
/// database <c>input</c>, and the macros models share (the core's below, then each source's <c>Gold/macros.sql</c>).
/// All of it lives in memory, so no temporary path ends up in the gold file.
/// </summary>
internal static class GoldInputs
{
    public const string SilverDatabase = "silver";

    /// <summary>The silver files added since the last build, for incremental models: the same tables, narrowed.</summary>
    public const string NewSilverDatabase = "silver_new";
    public const string InputDatabase = "input";

    // Enough rows per INSERT to keep statement overhead small, few enough to stay far below any parameter limit.
    private const int RunsPerInsert = 200;

    // Surrogate keys come from the natural key alone, through md5 (DuckDB's hash() may change between versions):
    // 63 of its bits, so every real key is positive and -1 stays free for the unknown member.
    internal const string Macros = """
        CREATE OR REPLACE TEMP MACRO surrogate_key(natural_key) AS
            CASE WHEN natural_key IS NULL THEN -1 ELSE (md5_number_lower(natural_key) >> 1)::BIGINT END;
        CREATE OR REPLACE TEMP MACRO date_key(value) AS
            coalesce((year(value) * 10000 + month(value) * 100 + day(value))::INTEGER, -1);
        """;

    private const string InputTables = """
        CREATE TABLE input.runs (
            run_id VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            status VARCHAR NOT NULL,
            trigger VARCHAR NOT NULL,
            api_calls BIGINT NOT NULL,
            objects_landed BIGINT NOT NULL,
            objects_unchanged BIGINT NOT NULL,
            rows_transformed BIGINT NOT NULL,
            rows_quarantined BIGINT NOT NULL,
            duration_ms BIGINT NOT NULL,
            early_exit BOOLEAN NOT NULL,
            error VARCHAR
        );
        CREATE TABLE input.build (
            build_id VARCHAR NOT NULL,
            silver_fingerprint VARCHAR NOT NULL,
            built_at TIMESTAMP NOT NULL,
            model_hash VARCHAR NOT NULL
        );
        CREATE TABLE input.silver_files (
            silver_table VARCHAR NOT NULL,
            file_identity VARCHAR NOT NULL
        );
        """;

    public static void Attach(
        DuckDBConnection connection,
        SilverScripts silver,
        IReadOnlyList<KeyValuePair<string, string>> goldMacros,
        IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles,
        string silverDdl,
        IReadOnlyList<GoldRunRow> runs,
        string silverFingerprint,
        DateTimeOffset builtAt,
        GoldSilverDelta? delta = null,
        string buildId = "")
    {
        Execute(connection, $"ATTACH ':memory:' AS {SilverDatabase}; ATTACH ':memory:' AS {NewSilverDatabase}; ATTACH ':memory:' AS {InputDatabase};");
        AttachSilver(connection, silver, SilverDatabase, silverFiles, silverDdl);
        AttachSilver(connection, silver, NewSilverDatabase, delta?.NewFiles ?? new Dictionary<string, IReadOnlyList<string>>(), silverDdl);
        Execute(connection, InputTables);
        InsertRuns(connection, runs);
        Execute(connection, "INSERT INTO input.build VALUES ($1, $2, $3, $4)", buildId, silverFingerprint, builtAt.UtcDateTime, delta?.ModelHash ?? string.Empty);
        foreach (var batch in (delta?.Identities ?? []).Chunk(RunsPerInsert))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO input.silver_files VALUES " + string.Join(", ", batch.Select((_, i) => $"(${(2 * i) + 1}, ${(2 * i) + 2})"));
            foreach (var (table, identity) in batch)
            {
                command.Parameters.Add(new DuckDBParameter(table));
                command.Parameters.Add(new DuckDBParameter(identity));
            }

            command.ExecuteNonQuery();
        }

        Execute(connection, Macros);
        foreach (var (source, macros) in goldMacros)
        {
            try
            {
                Execute(connection, macros);
            }
            catch (DuckDBException ex)
            {
                throw new GoldBuildException($"The gold macros of the source {source} (its Gold/{GoldModels.MacrosFile}) do not run: {ex.Message}", inner: ex);
            }
        }
    }

    private static void AttachSilver(DuckDBConnection connection, SilverScripts silver, string database, IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles, string silverDdl)
    {
        var gold = Scalar(connection, "SELECT current_database()");
        Execute(connection, "USE " + SqlText.Identifier(database));
        try
        {
            Execute(connection, silverDdl);

            // Every source's silver tables exist, landed or not, so that every model can read them.
            foreach (var source in silver.Sources)
            {
                if (Scalar(connection, $"SELECT count(*) FROM duckdb_tables() WHERE database_name = '{database}' AND table_name = '{source}_quarantine'") == "0")
                {
                    Execute(connection, silver.Schema(source));
                }
            }
        }
        catch (DuckDBException ex)
        {
            throw new GoldBuildException($"The silver DDL does not run: {ex.Message}", inner: ex);
        }
        finally
        {
            Execute(connection, "USE " + SqlText.Identifier(gold));
        }

        foreach (var (table, files) in silverFiles.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (files.Count == 0)
            {
                continue;
            }

            var name = $"{database}.{SqlText.Identifier(table)}";
            var paths = string.Join(", ", files.Select(f => SqlText.Literal(Path.GetFullPath(f))));
            try
            {
                Execute(connection, $"DROP TABLE IF EXISTS {name}; CREATE VIEW {name} AS SELECT * FROM read_parquet([{paths}], union_by_name = false)");
            }
            catch (DuckDBException ex)
            {
                throw new GoldBuildException($"The silver table {table} cannot be read from its {files.Count} Parquet file(s): {ex.Message}", inner: ex);
            }
        }
    }

    private static void InsertRuns(DuckDBConnection connection, IReadOnlyList<GoldRunRow> runs)
    {
        foreach (var batch in runs.Chunk(RunsPerInsert))
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder("INSERT INTO input.runs VALUES ");
            for (var i = 0; i < batch.Length; i++)
            {
                var first = i * 13;
                sql.Append(i == 0 ? "(" : ", (")
                    .AppendJoin(", ", Enumerable.Range(first + 1, 13).Select(p => "$" + p.ToString(CultureInfo.InvariantCulture)))
                    .Append(')');
                var run = batch[i];
                object?[] values =
                [
                    run.RunId, run.StartedAt.UtcDateTime, run.FinishedAt?.UtcDateTime, run.Status, run.Trigger,
                    run.ApiCalls, run.ObjectsLanded, run.ObjectsUnchanged, run.RowsTransformed, run.RowsQuarantined,
                    run.DurationMs, run.EarlyExit, run.Error,
                ];
                foreach (var value in values)
                {
                    command.Parameters.Add(new DuckDBParameter(value ?? DBNull.Value));
                }
            }

            command.CommandText = sql.ToString();
            command.ExecuteNonQuery();
        }
    }

    private static void Execute(DuckDBConnection connection, string sql, params object?[] parameters) =>
        connection.Execute(sql, CancellationToken.None, parameters);

    private static string Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"'{sql}' returned nothing.");
    }
}

/// <summary>What an incremental build needs besides all of silver.</summary>
/// <param name="NewFiles">Per silver table, its files the last build had not read.</param>
/// <param name="Identities">Every silver file's (table, identity), which the build records in <c>meta_silver_file</c>.</param>
/// <param name="ModelHash">What identifies the models and silver DDL, recorded in <c>meta_build</c>.</param>
internal sealed record GoldSilverDelta(
    IReadOnlyDictionary<string, IReadOnlyList<string>> NewFiles, IReadOnlyList<(string Table, string Identity)> Identities, string ModelHash);
