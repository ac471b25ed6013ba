using Lakehouse.Configuration;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Sources;
using Lakehouse.Storage;

namespace Lakehouse.Runs;

/// <summary>Where each dataset stands, read from the lake alone (<c>lakehouse status</c>).</summary>
internal sealed partial class LakeStatus(
    IObjectStore store, IEnumerable<ISource> sources, SourceCatalog catalog, GoldOptions gold, GoldRestorer restorer, LakehouseConfiguration configuration, TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<LakeStatus> logger)
{
    public async Task<IReadOnlyList<DatasetStatusRow>> ReadAsync(CancellationToken ct)
    {
        // Gold rows are the lake's current build's, restored first when this node's gold is behind it.
        await restorer.PrepareForReadingAsync(ct);

        var runs = await RunHistory.ReadAsync(store, LogRecordUnreadable, "status leaves that run out", ct);
        var goldRows = ReadGoldRowCounts();
        var schedules = Schedules();
        var now = time.GetUtcNow();
        var rows = new List<DatasetStatusRow>();
        foreach (var dataset in sources.SelectMany(s => s.Datasets))
        {
            var state = await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(dataset.Name), ct);
            var bronze = (await store.ListAllAsync(LakeKeys.ManifestPrefix(dataset.Name), ct)).Count;
            long silverRows = 0, quarantined = 0;
            var tables = SilverTablesOf(dataset.Name).ToDictionary(t => t, t => new SilverTableStatus(t, 0, 0, 0), StringComparer.Ordinal);
            foreach (var marker in (await store.ListAllAsync(LakeKeys.SilverCommitPrefix(dataset.Name), ct)).Where(m => LakeKeys.IsSilverCommit(m.Key)))
            {
                if (await LakeJson.ReadAsync<SilverCommit>(store, marker.Key, ct) is { } commit)
                {
                    silverRows += commit.RowsRead - commit.RowsQuarantined;
                    quarantined += commit.RowsQuarantined;

                    // What each file's footer said when it was committed: status reads no Parquet and runs no query.
                    foreach (var file in commit.Files)
                    {
                        var sum = tables.GetValueOrDefault(file.Table) ?? new SilverTableStatus(file.Table, 0, 0, 0);
                        tables[file.Table] = sum with
                        {
                            Files = sum.Files + 1,
                            Rows = sum.Rows + file.Rows,
                            CompressedBytes = sum.CompressedBytes + file.CompressedBytes,
                        };
                    }
                }
            }

            var name = dataset.Name.ToString();
            var lastRun = runs.LastOrDefault(r => r.Datasets.Any(d => d.Dataset == name));
            var lastOwn = lastRun?.Datasets.First(d => d.Dataset == name);
            var age = state?.LastLandedAt is { } landed ? now - landed : (TimeSpan?)null;
            var schedule = schedules.GetValueOrDefault(name);
            var interval = schedule?.Interval(now);
            var lastError = runs.Select(r => r.Datasets.FirstOrDefault(d => d.Dataset == name && d.Status == DatasetStatus.Failed)).LastOrDefault(d => d is not null);
            rows.Add(new DatasetStatusRow(
                name,
                state?.Cursor,
                state?.LastLandedAt,
                age,
                lastRun?.RunId,
                lastOwn?.Status.ToString().ToLowerInvariant(),
                bronze,
                silverRows,
                quarantined,
                dataset.GoldTable is { } table && goldRows.TryGetValue(table, out var g) ? g : null,
                lastError?.Message)
            {
                SilverTables = [.. tables.Values],
                Schedule = schedule?.Cron,
                ScheduleInterval = interval == TimeSpan.MaxValue ? null : interval,

                // Never landed counts as stale too once it is scheduled: the schedule should have landed something.
                Stale = interval is { } every && every != TimeSpan.MaxValue && (age is null || age > 2 * every),
            });
        }

        return rows;
    }

    /// <summary>The silver tables a dataset fills, then its source's quarantine table; none for a dataset without silver.</summary>
    private IEnumerable<string> SilverTablesOf(DatasetName dataset) =>
        catalog.Silver.Datasets.Contains(dataset.ToString())
            ? catalog.Silver.TablesOf(dataset.ToString()).Append(Silver.SilverTables.QuarantineTable(dataset.Source))
            : [];

    /// <summary>
    /// The scheduled datasets and their cron; entries that are off, unknown or invalid are left out here (the schedule
    /// command reports them), so status works whatever the schedule says.
    /// </summary>
    private Dictionary<string, Scheduling.ScheduledDataset> Schedules()
    {
        var schedules = new Dictionary<string, Scheduling.ScheduledDataset>(StringComparer.Ordinal);
        Scheduling.ScheduleOptions options;
        try
        {
            options = Scheduling.SchedulingServiceCollectionExtensions.ReadOptions(configuration);
        }
        catch (ConfigurationException)
        {
            return schedules;
        }

        foreach (var (dataset, cron) in options.Jobs)
        {
            if (Quartz.CronExpression.TryParse(cron.Trim(), out var expression) && dataset.Count(c => c == '.') == 1)
            {
                schedules[dataset] = new Scheduling.ScheduledDataset(DatasetName.Parse(dataset), cron.Trim(), expression.WithTimeZone(TimeZoneInfo.Utc));
            }
        }

        return schedules;
    }

    private Dictionary<string, long> ReadGoldRowCounts()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(gold.DatabasePath))
        {
            return counts;
        }

        try
        {
            using var connection = DuckDbConnections.OpenFile(gold.DatabasePath, readOnly: true);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        catch (DuckDBException)
        {
            // Gold being rebuilt right now (or unreadable) leaves the gold column empty; status is still useful.
        }

        return counts;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "{Problem}")]
    private partial void LogRecordUnreadable(string problem);
}

/// <summary>One dataset in <c>lakehouse status</c>.</summary>
internal sealed record DatasetStatusRow(
    string Dataset,
    string? Cursor,
    DateTimeOffset? LastLandedAt,
    TimeSpan? Freshness,
    string? LastRunId,
    string? LastRunStatus,
    int BronzeObjects,
    long SilverRows,
    long QuarantinedRows,
    long? GoldRows,
    string? LastError)
{
    /// <summary>The dataset's cron expression (UTC), or null when it is not scheduled.</summary>
    public string? Schedule { get; init; }

    /// <summary>The usual gap between its fires.</summary>
    public TimeSpan? ScheduleInterval { get; init; }

    /// <summary>Scheduled, and its newest landed data is older than two intervals (or it never landed).</summary>
    public bool Stale { get; init; }

    /// <summary>Per silver table the dataset fills (its quarantine last): what its commit markers publish.</summary>
    public IReadOnlyList<SilverTableStatus> SilverTables { get; init; } = [];
}

/// <summary>One silver table's committed files, as their footers described them when they were committed.</summary>
/// <param name="Table">E.g. <c>spacex_launches</c>; the quarantine table holds this dataset's part only.</param>
/// <param name="Files">Committed Parquet files.</param>
/// <param name="Rows">Rows in them.</param>
/// <param name="CompressedBytes">Their compressed column data; null when a file was committed before footers were recorded.</param>
internal sealed record SilverTableStatus(string Table, int Files, long Rows, long? CompressedBytes);
