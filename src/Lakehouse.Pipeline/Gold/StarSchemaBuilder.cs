using System.Globalization;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Sources;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Gold;

/// <summary>
/// Builds gold from silver and switches to it atomically: every model becomes a table of a new gold DuckDB file (a
/// copy of the current one, or an empty one for a full rebuild) inside one transaction, the data tests run on the new
/// tables, the transaction commits only when all pass, and the file is checkpointed, closed and renamed over the gold
/// path (<see cref="LocalGold"/>). Readers of the old file keep it until they close it; a failed build leaves it as
/// it was.
/// </summary>
/// <remarks>
/// Gold records the silver files it was built from. When the next build finds only new files, models that nothing
/// changed for are kept, models with an <c>-- incremental:</c> line merge what the new files say (see
/// <see cref="IncrementalSpec"/>), and the rest are rebuilt; the data tests of a merged table look at the rows it
/// replaced. <c>model --rebuild</c> rebuilds everything, with the same rows.
/// </remarks>
internal sealed partial class StarSchemaBuilder(SourceCatalog catalog, TimeProvider time, ILogger<StarSchemaBuilder> logger)
{
    private const int SampleRows = 5;

    /// <summary>
    /// The most memory DuckDB may hold for the build before it spills to disk (beside the gold file). Its default,
    /// 80% of RAM, lets a build of 200k launches take the process near 1 GiB; at 512 MB it stays near 0.75 GiB and
    /// spills some 50 MB, at no measurable cost in time.
    /// </summary>
    internal string MemoryLimit { get; init; } = "512MB";

    /// <summary>
    /// Rebuilds every gold table from the silver files and makes the result the gold at
    /// <paramref name="goldDatabasePath"/> (see <see cref="StageAsync"/>, which this switches in at once).
    /// </summary>
    /// <exception cref="GoldDataTestException">A data test failed; the previous gold is kept.</exception>
    /// <exception cref="GoldBuildException">Silver could not be read, or a model failed.</exception>
    public async Task<GoldBuildResult> BuildAsync(
        string goldDatabasePath,
        IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles,
        string silverDdl,
        IReadOnlyList<GoldRunRow> runs,
        string silverFingerprint,
        CancellationToken ct,
        bool rebuild = false,
        IReadOnlyDictionary<string, string>? fileIdentities = null)
    {
        await using var staged = await StageAsync(
            goldDatabasePath, silverFiles, silverDdl, runs, silverFingerprint, GoldBuildId.Next(time, null), ct, rebuild, fileIdentities);
        await staged.SwitchAsync(ct);
        return staged.Result;
    }

    /// <summary>
    /// Builds the next gold in a new file beside <paramref name="goldDatabasePath"/>, which becomes the gold only when
    /// the caller switches it in (after publishing it to the lake); disposing the result unswitched deletes it.
    /// </summary>
    /// <param name="goldDatabasePath">The gold DuckDB file; its current content is the start of an incremental build.</param>
    /// <param name="silverFiles">
    /// Silver table name (<c>spacex_launches</c>) to its local Parquet files. A table that is missing or has no file
    /// is read as the empty table <paramref name="silverDdl"/> creates.
    /// </param>
    /// <param name="silverDdl">The silver tables' <c>CREATE TABLE</c> statements (the sources' <c>schema.sql</c>).</param>
    /// <param name="runs">The run records <c>meta_run</c> lists.</param>
    /// <param name="silverFingerprint">What identifies these silver files; <see cref="ReadFingerprint"/> returns it.</param>
    /// <param name="build">The build's id and time (<see cref="GoldBuildId.Next"/>), recorded in <c>meta_build</c>.</param>
    /// <param name="ct">Interrupts the build; nothing is published then.</param>
    /// <param name="rebuild">Start from an empty file and build every model, even when silver only gained files.</param>
    /// <param name="fileIdentities">
    /// What identifies each local file's content (its lake key and rows, say); by default its path, size and time.
    /// A build after one that read the same files plus new ones merges the incremental models from the new files.
    /// </param>
    /// <exception cref="GoldDataTestException">A data test failed; the previous gold is kept.</exception>
    /// <exception cref="GoldBuildException">Silver could not be read, or a model failed.</exception>
    public async Task<StagedGold> StageAsync(
        string goldDatabasePath,
        IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles,
        string silverDdl,
        IReadOnlyList<GoldRunRow> runs,
        string silverFingerprint,
        (string Id, DateTimeOffset BuiltAt) build,
        CancellationToken ct,
        bool rebuild = false,
        IReadOnlyDictionary<string, string>? fileIdentities = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(goldDatabasePath);
        ArgumentNullException.ThrowIfNull(silverFiles);
        ArgumentNullException.ThrowIfNull(silverDdl);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(silverFingerprint);

        var started = time.GetTimestamp();
        var fullPath = Path.GetFullPath(goldDatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        LocalGold.DeleteLeftovers(fullPath, keep: null, time);
        var staging = LocalGold.NewBuildPath(fullPath);
        try
        {
            var copied = !rebuild && File.Exists(fullPath);
            if (copied && !LocalGold.IsDuckDbFile(fullPath))
            {
                // Gold is derived: a file that is not a database (overwritten, truncated) must not block every later
                // build until someone deletes it. It is kept aside, and this build starts from silver alone.
                LogMovedAside(logger, fullPath, LocalGold.MoveAside(fullPath, time));
                copied = false;
            }

            if (copied)
            {
                var copyStarted = time.GetTimestamp();
                LocalGold.CopyForBuild(fullPath, staging);
                var copyMs = (long)time.GetElapsedTime(copyStarted).TotalMilliseconds;
                LogStep(logger, "copy", copyMs);
            }

            var result = await BuildIntoAsync(staging, fullPath, silverFiles, silverDdl, runs, silverFingerprint, build, rebuild || !copied, fileIdentities, started, ct);
            return new StagedGold(staging, fullPath, build.Id, result);
        }
        catch
        {
            LocalGold.DeleteWorkFile(staging);
            throw;
        }
    }

    private async Task<GoldBuildResult> BuildIntoAsync(
        string path,
        string goldPath,
        IReadOnlyDictionary<string, IReadOnlyList<string>> silverFiles,
        string silverDdl,
        IReadOnlyList<GoldRunRow> runs,
        string silverFingerprint,
        (string Id, DateTimeOffset BuiltAt) build,
        bool rebuild,
        IReadOnlyDictionary<string, string>? fileIdentities,
        long started,
        CancellationToken ct)
    {
        var models = catalog.Gold;
        LogBuilding(logger, models.Count, path);
        IReadOnlyDictionary<string, long> rows;
        IReadOnlyDictionary<string, GoldModelMode> modes;
        await using (var connection = Open(path, goldPath, ct))
        {
            using var interrupter = connection.CreateCommand();
            using (interrupter.InterruptOn(ct))
            {
                try
                {
                    // A threshold of zero makes the build's commit a checkpoint: DuckDB publishes the new tables by
                    // writing them into the file, instead of logging them first and copying them in again at the
                    // checkpoint below.
                    Execute(connection, $"SET memory_limit = {SqlText.Literal(MemoryLimit)}; SET checkpoint_threshold = '0b'");
                    var attachStarted = time.GetTimestamp();
                    var files = silverFiles
                        .SelectMany(t => t.Value.Select(path => (Table: t.Key, Path: path, Identity: Hash(fileIdentities?.GetValueOrDefault(path) ?? DefaultIdentity(path)))))
                        .ToList();
                    var modelHash = ModelHash(models, catalog.GoldMacros, silverDdl);
                    var consumed = rebuild ? null : ConsumedFiles(connection, modelHash);
                    var current = files.Select(f => (f.Table, f.Identity)).ToHashSet();

                    // Only new files since the last build: the incremental models merge them. A file gone or changed
                    // (a transform rebuild, say) could have taken rows away, which only a rebuild sees.
                    var changedTables = consumed is not null && consumed.IsSubsetOf(current)
                        ? files.Where(f => !consumed.Contains((f.Table, f.Identity))).Select(f => f.Table).ToHashSet(StringComparer.Ordinal)
                        : null;
                    var newFiles = files
                        .Where(f => changedTables is not null && !consumed!.Contains((f.Table, f.Identity)))
                        .GroupBy(f => f.Table, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(f => f.Path)], StringComparer.Ordinal);
                    GoldInputs.Attach(
                        connection, catalog.Silver, catalog.GoldMacros, silverFiles, silverDdl, runs, silverFingerprint, build.BuiltAt,
                        new GoldSilverDelta(newFiles, [.. files.Select(f => (f.Table, f.Identity))], modelHash), build.Id);
                    var attachMs = (long)time.GetElapsedTime(attachStarted).TotalMilliseconds;
                    LogStep(logger, "attach", attachMs);
                    (rows, modes) = Publish(connection, models, changedTables, ct);
                }
                catch (Exception ex) when (ct.IsCancellationRequested && ex is DuckDBException or GoldBuildException)
                {
                    // The interrupt reaches whichever statement is running, and the steps name their own failures.
                    throw new OperationCanceledException("The gold build was cancelled; the previous gold is kept.", ex, ct);
                }

                // The commit normally checkpointed already; should DuckDB have logged it instead, this folds the
                // write-ahead log into the file, which is renamed into place without it.
                try
                {
                    var checkpointStarted = time.GetTimestamp();
                    Execute(connection, "CHECKPOINT");
                    var checkpointMs = (long)time.GetElapsedTime(checkpointStarted).TotalMilliseconds;
                    LogStep(logger, "checkpoint", checkpointMs);
                }
                catch (DuckDBException ex)
                {
                    throw new GoldBuildException($"The new gold {path} could not be checkpointed; the previous gold is kept: {ex.Message}", inner: ex);
                }
            }
        }

        var elapsed = time.GetElapsedTime(started);
        var totalRows = rows.Values.Sum();
        LogBuilt(logger, rows.Count, totalRows, (long)elapsed.TotalMilliseconds);
        return new GoldBuildResult(rows, elapsed) { Modes = modes };
    }

    /// <summary>The silver fingerprint of the published gold, or null when there is no gold (or no build in it) yet.</summary>
    public static string? ReadFingerprint(string goldDatabasePath) => LocalGold.ReadBuild(goldDatabasePath)?.SilverFingerprint;

    /// <summary>Opens the build's own file, a copy of the gold at <paramref name="goldPath"/> or a new one.</summary>
    private static DuckDBConnection Open(string buildPath, string goldPath, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            return DuckDbConnections.OpenFile(buildPath, readOnly: false);
        }
        catch (DuckDBException ex)
        {
            throw new GoldBuildException(
                $"The gold database {goldPath} cannot be opened: {DuckDbConnections.MessageOf(ex)} Gold is derived from silver: if the file " +
                "is damaged, rebuild it ('lakehouse model --rebuild').",
                inner: ex);
        }
    }

    // changedTables: the silver tables with new files when only files were added; null to rebuild all.
    private (Dictionary<string, long> Rows, Dictionary<string, GoldModelMode> Modes) Publish(
        DuckDBConnection connection, IReadOnlyList<GoldModel> models, HashSet<string>? changedTables, CancellationToken ct)
    {
        using var transaction = connection.BeginTransaction();
        var modes = new Dictionary<string, GoldModelMode>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            ct.ThrowIfCancellationRequested();
            var modelStarted = time.GetTimestamp();
            var mode = modes[model.Name] = ModeOf(model, changedTables, modes);
            try
            {
                if (mode == GoldModelMode.Rebuilt)
                {
                    Execute(connection, $"CREATE OR REPLACE TABLE {SqlText.Identifier(model.Name)} AS\n{model.Sql}");
                }
                else if (mode == GoldModelMode.Merged)
                {
                    Merge(connection, model, models);
                }

                var modelMs = (long)time.GetElapsedTime(modelStarted).TotalMilliseconds;
                LogModelBuilt(logger, model.Name, mode, modelMs);
            }
            catch (DuckDBException ex) when (!ct.IsCancellationRequested)
            {
                throw new GoldBuildException($"The gold model {model.Folder}/{model.Name} failed: {ex.Message}", model.Name, ex);
            }
        }

        var testsStarted = time.GetTimestamp();
        var tests = models.SelectMany(m => m.Tests.Select(t => (Test: t, Sql: TestSql(t, m, models, modes)))).Where(t => t.Sql is not null).ToArray();
        var failures = RunTests(connection, tests!, ct);
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

        foreach (var model in models.Where(m => modes[m.Name] == GoldModelMode.Merged))
        {
            Execute(connection, $"DROP TABLE {SqlText.Identifier(ChangedKeysTable(model.Name))}");
        }

        var rows = Counts(connection, models.Select(m => $"SELECT * FROM {SqlText.Identifier(m.Name)}").ToArray())
            .Zip(models, (count, model) => KeyValuePair.Create(model.Name, count))
            .ToDictionary(StringComparer.Ordinal);
        var commitStarted = time.GetTimestamp();
        transaction.Commit();
        var commitMs = (long)time.GetElapsedTime(commitStarted).TotalMilliseconds;
        LogStep(logger, "commit", commitMs);
        return (rows, modes);
    }

    /// <summary>
    /// Rebuilt when everything is (no incremental plan), when the model reads the build's own inputs, or when
    /// something it reads changed and it cannot merge that change; merged when it can; kept when nothing it reads
    /// changed. A model that reads a rebuilt model is rebuilt too.
    /// </summary>
    private static GoldModelMode ModeOf(GoldModel model, HashSet<string>? changedTables, Dictionary<string, GoldModelMode> modes)
    {
        if (changedTables is null || model.ReadsBuildInputs)
        {
            return GoldModelMode.Rebuilt;
        }

        var dependencies = model.DependsOn.Select(d => modes[d]).ToList();
        var changedSilver = model.SilverTables.Where(changedTables.Contains).ToList();
        var touched = changedSilver.Count > 0 || dependencies.Exists(d => d != GoldModelMode.Kept);
        if (!touched)
        {
            return GoldModelMode.Kept;
        }

        if (model.Incremental is not { } spec
            || dependencies.Contains(GoldModelMode.Rebuilt)
            || changedSilver.Exists(spec.Lookups.Contains))
        {
            return GoldModelMode.Rebuilt;
        }

        // A model that follows another's keys changes only with them.
        return spec.With is { } with && modes[with] == GoldModelMode.Kept ? GoldModelMode.Kept : GoldModelMode.Merged;
    }

    /// <summary>
    /// Runs the model over the new silver files and merges its rows (see <see cref="IncrementalSpec"/>), leaving the
    /// keys it replaced in a table of their own for the tests and for the models that follow it.
    /// </summary>
    private static void Merge(DuckDBConnection connection, GoldModel model, IReadOnlyList<GoldModel> models)
    {
        var spec = model.Incremental!;
        var table = SqlText.Identifier(model.Name);
        var key = SqlText.Identifier(spec.UniqueKey);
        var delta = SqlText.Identifier("_delta_" + model.Name);
        var changed = SqlText.Identifier(ChangedKeysTable(model.Name));
        var sql = NewSilverReference().Replace(
            model.Sql, m => spec.Lookups.Contains(m.Groups[1].Value.ToLowerInvariant()) ? m.Value : $"{GoldInputs.NewSilverDatabase}.{m.Groups[1].Value}");
        Execute(connection, $"CREATE TABLE {delta} AS\n{sql}");
        if (spec.With is { } with)
        {
            var parentKey = SqlText.Identifier(models.First(m => m.Name == with).Incremental!.UniqueKey);
            Execute(connection, $"CREATE TABLE {changed} AS SELECT {parentKey} AS {key} FROM {SqlText.Identifier(ChangedKeysTable(with))}");
        }
        else
        {
            // Row values compare column by column, as ORDER BY ... DESC ranks them in the full build.
            var newer = $"({string.Join(", ", spec.NewestBy.Select(c => "d." + SqlText.Identifier(c)))}) > " +
                        $"({string.Join(", ", spec.NewestBy.Select(c => "t." + SqlText.Identifier(c)))})";
            Execute(
                connection,
                $"CREATE TABLE {changed} AS SELECT d.{key} FROM {delta} AS d LEFT JOIN {table} AS t ON t.{key} = d.{key} " +
                $"WHERE t.{key} IS NULL OR {newer}");
        }

        Execute(
            connection,
            $"""
            DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {changed});
            INSERT INTO {table} BY NAME SELECT * FROM {delta} WHERE {key} IN (SELECT {key} FROM {changed});
            DROP TABLE {delta};
            """);
    }

    /// <summary>
    /// The SQL of a test after this build, or null when it cannot fail now: a kept table's tests passed before and
    /// still do unless a table they look up was rebuilt or lost keys; a merged table's other rows passed before, so
    /// only its replaced keys' rows are tested, against targets that kept their keys.
    /// </summary>
    private static string? TestSql(DataTest test, GoldModel model, IReadOnlyList<GoldModel> models, Dictionary<string, GoldModelMode> modes)
    {
        var target = test is RelationshipsTest r ? models.First(m => m.Name == r.TargetModel) : null;
        var targetKeepsKeys = target is null
            || modes[target.Name] == GoldModelMode.Kept
            || (modes[target.Name] == GoldModelMode.Merged && target.Incremental!.With is null
                && target.Incremental.UniqueKey == ((RelationshipsTest)test).TargetColumn);
        var changedRows = model.Incremental is { } spec
            ? $"(SELECT * FROM {SqlText.Identifier(model.Name)} WHERE {SqlText.Identifier(spec.UniqueKey)} " +
              $"IN (SELECT {SqlText.Identifier(spec.UniqueKey)} FROM {SqlText.Identifier(ChangedKeysTable(model.Name))}))"
            : null;
        return modes[model.Name] switch
        {
            GoldModelMode.Rebuilt => test.FailingRowsSql(),
            GoldModelMode.Merged when test is UniqueTest unique => unique.FailingRowsSql(changedRows!, model.Incremental!.UniqueKey),
            GoldModelMode.Merged when targetKeepsKeys => test.FailingRowsSql(changedRows!),
            GoldModelMode.Kept when targetKeepsKeys => null,
            _ => test.FailingRowsSql(),
        };
    }

    private static string ChangedKeysTable(string model) => "_changed_keys_" + model;

    /// <summary>What identifies the models, their macros and the silver DDL: a gold built by others is rebuilt, never merged into.</summary>
    private static string ModelHash(IReadOnlyList<GoldModel> models, IReadOnlyList<KeyValuePair<string, string>> macros, string silverDdl)
    {
        var text = new System.Text.StringBuilder(silverDdl);
        foreach (var (source, sql) in macros)
        {
            text.Append('\0').Append(source).Append('\0').Append(sql);
        }

        foreach (var model in models)
        {
            text.Append('\0').Append(model.Name).Append('\0').Append(model.Sql);
        }

        return Hash(text.ToString());
    }

    // Gold keeps hashes, never the identities themselves, which may hold local paths.
    private static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string DefaultIdentity(string path)
    {
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $"{info.FullName}|{(info.Exists ? info.Length : -1)}|{(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}");
    }

    /// <summary>The silver files the gold on disk was built from, when it was built by these models; else null.</summary>
    private static HashSet<(string Table, string Identity)>? ConsumedFiles(DuckDBConnection connection, string modelHash)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT model_hash FROM meta_build";
            if (command.ExecuteScalar() as string != modelHash)
            {
                return null;
            }

            command.CommandText = "SELECT silver_table, file_identity FROM meta_silver_file";
            using var reader = command.ExecuteReader();
            var files = new HashSet<(string, string)>();
            while (reader.Read())
            {
                files.Add((reader.GetString(0), reader.GetString(1)));
            }

            return files;
        }
        catch (DuckDBException)
        {
            // No gold yet, or one built before builds recorded their inputs.
            return null;
        }
    }

    private static List<DataTestFailure> RunTests(DuckDBConnection connection, (DataTest Test, string Sql)[] tests, CancellationToken ct)
    {
        long[] counts;
        try
        {
            counts = Counts(connection, tests.Select(t => t.Sql).ToArray());
        }
        catch (DuckDBException) when (!ct.IsCancellationRequested)
        {
            // One query counts every test's failing rows (a round trip per test adds up); when it breaks, running
            // the tests one by one finds the test to blame.
            foreach (var (test, sql) in tests)
            {
                try
                {
                    Counts(connection, [sql]);
                }
                catch (DuckDBException ex)
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
                failures.Add(new DataTestFailure(tests[i].Test.Model, tests[i].Test.Declaration, counts[i], Samples(connection, tests[i].Sql)));
            }
        }

        return failures;
    }

    /// <summary>The row counts of several queries, in one round trip.</summary>
    private static long[] Counts(DuckDBConnection connection, string[] queries)
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

    private static List<string> Samples(DuckDBConnection connection, string failingRowsSql)
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

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gold file {GoldPath} is not a DuckDB database: moved aside to {Aside}; gold is rebuilt from silver")]
    private static partial void LogMovedAside(ILogger logger, string goldPath, string aside);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building gold from {Models} models into {GoldPath}")]
    private static partial void LogBuilding(ILogger logger, int models, string goldPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gold built: {Tables} tables, {Rows} rows in {ElapsedMs} ms")]
    private static partial void LogBuilt(ILogger logger, int tables, long rows, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold model {Model} {Mode} in {ElapsedMs} ms")]
    private static partial void LogModelBuilt(ILogger logger, string model, GoldModelMode mode, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold {Step} took {ElapsedMs} ms")]
    private static partial void LogStep(ILogger logger, string step, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gold ran {Tests} data tests in {ElapsedMs} ms")]
    private static partial void LogTestsRan(ILogger logger, int tests, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gold data test failed: {Model} {Test} ({FailingRows} failing rows)")]
    private static partial void LogTestFailed(ILogger logger, string model, string test, long failingRows);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w.])silver\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial System.Text.RegularExpressions.Regex NewSilverReference();
}
