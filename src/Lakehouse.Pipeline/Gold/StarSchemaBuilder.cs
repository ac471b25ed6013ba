using System.Data.Common;
using System.Globalization;
using Lakehouse.DuckDb;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Gold;

/// <summary>
/// Builds gold from silver and publishes it atomically: every model becomes a table of the gold DuckDB file
/// inside one transaction, the data tests run on the new tables, and the transaction commits only when all pass.
/// Readers of the file see the previous gold until then, and keep it when a test fails.
/// </summary>
internal sealed partial class StarSchemaBuilder(TimeProvider time, ILogger<StarSchemaBuilder> logger)
{
    private const int SampleRows = 5;

    /// <summary>
    /// How long to wait for a gold file that another process holds (a reader, or a build on another node) before
    /// giving up.
    /// </summary>
    internal TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most memory DuckDB may hold for the build before it spills to disk (beside the gold file). Its default,
    /// 80% of RAM, lets a build of 200k launches take the process near 1 GiB; at 512 MB it stays near 0.75 GiB and
    /// spills some 50 MB, at no measurable cost in time.
    /// </summary>
    internal string MemoryLimit { get; init; } = "512MB";

    /// <summary>
    /// Rebuilds every gold table in <paramref name="goldDatabasePath"/> (created if missing) from the silver files.
    /// </summary>
    /// <param name="goldDatabasePath">The gold DuckDB file.</param>
    /// <param name="silverFiles">
    /// Silver table name (<c>spacex_launches</c>) to its local Parquet files. A table that is missing or has no file
    /// is read as the empty table <paramref name="silverDdl"/> creates.
    /// </param>
    /// <param name="silverDdl">The silver tables' <c>CREATE TABLE</c> statements (the sources' <c>schema.sql</c>).</param>
    /// <param name="runs">The run records <c>meta_run</c> lists.</param>
    /// <param name="silverFingerprint">What identifies these silver files; <see cref="ReadFingerprint"/> returns it.</param>
    /// <param name="ct">Interrupts the build; nothing is published then.</param>
    /// <exception cref="GoldDataTestException">A data test failed; the previous gold is kept.</exception>
    /// <exception cref="GoldBuildException">Gold stayed locked, silver could not be read, or a model failed.</exception>
    public async Task<GoldBuildResult> BuildAsync(
        string goldDatabasePath,
        IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles,
        string silverDdl,
        IReadOnlyList<GoldRunRow> runs,
        string silverFingerprint,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(goldDatabasePath);
        ArgumentNullException.ThrowIfNull(silverFiles);
        ArgumentNullException.ThrowIfNull(silverDdl);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(silverFingerprint);

        var started = time.GetTimestamp();
        var models = GoldModels.Embedded;
        var fullPath = Path.GetFullPath(goldDatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        LogBuilding(logger, models.Count, fullPath);

        await using var connection = await OpenWithRetryAsync(fullPath, readOnly: false, LockWait, time, ct);
        using var interrupter = connection.CreateCommand();
        IReadOnlyDictionary<string, long> rows;
        using (ct.Register(interrupter.Cancel))
        {
            try
            {
                // A threshold of zero makes the build's commit a checkpoint: DuckDB publishes the new tables by writing
                // them into the file, instead of logging them first and copying them in again at the checkpoint below.
                Execute(connection, $"SET memory_limit = {SqlText.Literal(MemoryLimit)}; SET checkpoint_threshold = '0b'");
                var attachStarted = time.GetTimestamp();
                GoldInputs.Attach(connection, silverFiles, silverDdl, runs, silverFingerprint, time.GetUtcNow());
                var attachMs = (long)time.GetElapsedTime(attachStarted).TotalMilliseconds;
                LogStep(logger, "attach", attachMs);
                rows = Publish(connection, models, ct);
            }
            catch (DuckDbException ex) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The gold build was cancelled; the previous gold is kept.", ex, ct);
            }
        }

        // Gold is published once Publish commits; from here on a failure must not report the build as failed.
        // The commit normally checkpointed already; should DuckDB have logged it instead, this folds the write-ahead
        // log into the file now rather than at close, so that readers opening it read-only have no log to replay.
        try
        {
            var checkpointStarted = time.GetTimestamp();
            Execute(connection, "CHECKPOINT");
            var checkpointMs = (long)time.GetElapsedTime(checkpointStarted).TotalMilliseconds;
            LogStep(logger, "checkpoint", checkpointMs);
        }
        catch (DuckDbException ex)
        {
            LogCheckpointFailed(logger, ex, fullPath);
        }

        var elapsed = time.GetElapsedTime(started);
        var totalRows = rows.Values.Sum();
        LogBuilt(logger, rows.Count, totalRows, (long)elapsed.TotalMilliseconds);
        return new GoldBuildResult(rows, elapsed);
    }

    /// <summary>The silver fingerprint of the published gold, or null when there is no gold (or no build in it) yet.</summary>
    public static string? ReadFingerprint(string goldDatabasePath)
    {
        var fullPath = Path.GetFullPath(goldDatabasePath);
        if (!File.Exists(fullPath))
        {
            return null;
        }

        using var connection = OpenWithRetryAsync(fullPath, readOnly: true, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None)
            .GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'meta_build'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        command.CommandText = "SELECT silver_fingerprint FROM meta_build";
        return command.ExecuteScalar() as string;
    }

    private static async Task<DuckDbConnection> OpenWithRetryAsync(string fullPath, bool readOnly, TimeSpan lockWait, TimeProvider time, CancellationToken ct)
    {
        var connectionString = new DbConnectionStringBuilder
        {
            ["Data Source"] = fullPath,
            ["Access Mode"] = readOnly ? "read_only" : "read_write",
        }.ConnectionString;
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var connection = new DuckDbConnection(connectionString);
            try
            {
                connection.Open();
                return connection;
            }
            catch (DuckDbException ex) when (ex.IsTransient)
            {
                await connection.DisposeAsync();
                if (time.GetElapsedTime(started) >= lockWait)
                {
                    throw new GoldBuildException(
                        $"The gold database {fullPath} stayed locked by another process (a query, or a build on another node) " +
                        $"for {lockWait.TotalSeconds:0.#} s. Run again when it is released. DuckDB said: {ex.Message}",
                        inner: ex);
                }

                await Task.Delay(delay, time, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
            catch (DuckDbException ex)
            {
                await connection.DisposeAsync();
                throw new GoldBuildException(
                    $"The gold database {fullPath} cannot be opened: {ex.Message} Gold is derived from silver: if the file " +
                    "is damaged, delete it and rebuild it ('lakehouse model --rebuild').",
                    inner: ex);
            }
        }
    }

    private Dictionary<string, long> Publish(DuckDbConnection connection, IReadOnlyList<GoldModel> models, CancellationToken ct)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var model in models)
        {
            ct.ThrowIfCancellationRequested();
            var modelStarted = time.GetTimestamp();
            try
            {
                Execute(connection, $"CREATE OR REPLACE TABLE {SqlText.Identifier(model.Name)} AS\n{model.Sql}");
                var modelMs = (long)time.GetElapsedTime(modelStarted).TotalMilliseconds;
                LogModelBuilt(logger, model.Name, modelMs);
            }
            catch (DuckDbException ex) when (!ct.IsCancellationRequested)
            {
                throw new GoldBuildException($"The gold model {model.Folder}/{model.Name} failed: {ex.Message}", model.Name, ex);
            }
        }

        var testsStarted = time.GetTimestamp();
        var tests = models.SelectMany(m => m.Tests).ToArray();
        var failures = RunTests(connection, tests, ct);
        var testsMs = (long)time.GetElapsedTime(testsStarted).TotalMilliseconds;
        LogTestsRan(logger, tests.Length, testsMs);
        foreach (var failure in failures)
        {
            LogTestFailed(logger, failure.Model, failure.Test, failure.FailingRowCount);
        }

        if (failures.Count > 0)
        {
            transaction.Rollback();
            throw new GoldDataTestException(failures);
        }

        var rows = Counts(connection, models.Select(m => $"SELECT * FROM {SqlText.Identifier(m.Name)}").ToArray())
            .Zip(models, (count, model) => KeyValuePair.Create(model.Name, count))
            .ToDictionary(StringComparer.Ordinal);
        var commitStarted = time.GetTimestamp();
        transaction.Commit();
        var commitMs = (long)time.GetElapsedTime(commitStarted).TotalMilliseconds;
        LogStep(logger, "commit", commitMs);
        return rows;
    }

    private static List<DataTestFailure> RunTests(DuckDbConnection connection, DataTest[] tests, CancellationToken ct)
    {
        long[] counts;
        try
        {
            counts = Counts(connection, tests.Select(t => t.FailingRowsSql()).ToArray());
        }
        catch (DuckDbException) when (!ct.IsCancellationRequested)
        {
            // One query counts every test's failing rows (a round trip per test adds up); when it breaks, running
            // the tests one by one finds the test to blame.
            foreach (var test in tests)
            {
                try
                {
                    Counts(connection, [test.FailingRowsSql()]);
                }
                catch (DuckDbException ex)
                {
                    throw new GoldBuildException($"The data test {test.Declaration} of gold model {test.Model} cannot run: {ex.Message}", test.Model, ex);
                }
            }

            throw;
        }

        var failures = new List<DataTestFailure>();
        for (var i = 0; i < tests.Length; i++)
        {
            if (counts[i] > 0)
            {
                failures.Add(new DataTestFailure(tests[i].Model, tests[i].Declaration, counts[i], Samples(connection, tests[i].FailingRowsSql())));
            }
        }

        return failures;
    }

    /// <summary>The row counts of several queries, in one round trip.</summary>
    private static long[] Counts(DuckDbConnection connection, string[] queries)
    {
        if (queries.Length == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        command.CommandText = string.Join(
            "\nUNION ALL ",
            queries.Select((q, i) => $"SELECT {i} AS position, count(*) AS count FROM ({q}) AS {SqlText.Identifier("q" + i.ToString(CultureInfo.InvariantCulture))}"));
        using var reader = command.ExecuteReader();
        var counts = new long[queries.Length];
        while (reader.Read())
        {
            counts[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static List<string> Samples(DuckDbConnection connection, string failingRowsSql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM ({failingRowsSql}) LIMIT {SampleRows}";
        using var reader = command.ExecuteReader();
        var samples = new List<string>();
        while (reader.Read())
        {
            samples.Add(string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={Show(reader.GetValue(i))}")));
        }

        return samples;
    }

    private static string Show(object value) => value switch
    {
        DBNull => "NULL",
        string text => SqlText.Literal(text),
        DateTime dateTime => dateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static void Execute(DuckDbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building gold from {Models} models into {GoldPath}")]
    private static partial void LogBuilding(ILogger logger, int models, string goldPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gold published: {Tables} tables, {Rows} rows in {ElapsedMs} ms")]
    private static partial void LogBuilt(ILogger logger, int tables, long rows, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gold was published, but the checkpoint of {GoldPath} failed; DuckDB replays its log on the next open")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string goldPath);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold model {Model} built in {ElapsedMs} ms")]
    private static partial void LogModelBuilt(ILogger logger, string model, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold {Step} took {ElapsedMs} ms")]
    private static partial void LogStep(ILogger logger, string step, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold ran {Tests} data tests in {ElapsedMs} ms")]
    private static partial void LogTestsRan(ILogger logger, int tests, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gold data test failed: {Model} {Test} ({FailingRows} failing rows)")]
    private static partial void LogTestFailed(ILogger logger, string model, string test, long failingRows);
}
