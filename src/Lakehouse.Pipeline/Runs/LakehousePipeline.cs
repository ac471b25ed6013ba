using System.Diagnostics;
using Lakehouse.Bronze;
using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Monitoring;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Runs;

/// <summary>
/// The medallion flow, once: for each source, probe → land each dataset → transform what is pending → model when
/// silver changed, then record the run. The scheduled job, <c>run</c>, <c>backfill</c> and <c>demo</c> all come here.
/// One dataset failing does not stop the others; the run record and the exit code say which failed.
/// </summary>
internal sealed partial class LakehousePipeline(
    IObjectStore store,
    IEnumerable<ISource> sources,
    BronzeLander lander,
    BronzeVerifier verifier,
    SilverStage silver,
    GoldStage gold,
    LakeLeases leases,
    PipelineTelemetry telemetry,
    TimeProvider time,
    ILogger<LakehousePipeline> logger)
{
    /// <summary>The lease that lets one gold build at a time write the gold database.</summary>
    public const string GoldLease = "_gold";

    public IReadOnlyList<ISource> Sources { get; } = [.. sources];

    /// <summary>Runs the flow for the requested sources and datasets (all when none are named): an incremental plan.</summary>
    public Task<RunRecord> RunAsync(RunRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(new RunPlan(request.Trigger, Select(request), LandIncrementalAsync) { Fire = request.Fire }, ct);
    }

    /// <summary>
    /// Replays silver from the lake (<c>lakehouse transform</c>): every dataset's bronze not yet transformed, or all of
    /// it with <paramref name="rebuild"/>, through the same flow as a run with nothing to land, no API call and no gold
    /// build; not recorded as a run (gold's <c>meta_run</c> lists the runs that read the APIs).
    /// </summary>
    public Task<RunRecord> ReplaySilverAsync(bool rebuild, CancellationToken ct) =>
        ExecuteAsync(
            new RunPlan("transform", SourceSelection.Resolve(Sources, new HashSet<string>(), new HashSet<DatasetName>()), LandNothingAsync)
            {
                Silver = rebuild ? SilverStep.Rebuild : SilverStep.Pending, Gold = GoldStep.None, Recorded = false,
            },
            ct);

    /// <summary>
    /// The flow, whatever the plan: land (as the plan says) → transform → model → record. <c>run</c>, <c>schedule</c>,
    /// <c>demo</c>, <c>backfill</c> and <c>transform</c> all come here.
    /// </summary>
    internal async Task<RunRecord> ExecuteAsync(RunPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var run = RunId.New(time);
        var clock = Stopwatch.StartNew();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = run.Value });

        // Another process landing one of these datasets (a manual run during a scheduled one) is waited for briefly;
        // then this run stops, naming it, before it has written anything.
        await using var held = await leases.AcquireAllAsync(
            plan.Selected.SelectMany(s => s.Datasets).Select(d => d.Name.ToString()), $"run {run} ({plan.Trigger})", leases.Options.DatasetWait, ct);

        // Losing a lease (this process stalled past it) cancels the run, and no write under it goes out any more.
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, held.Lost);
        var record = new RunRecord { RunId = run.Value, Trigger = plan.Trigger, StartedAt = time.GetUtcNow(), ScheduledFor = plan.Fire?.ScheduledFor, Node = plan.Fire?.Node };
        var names = string.Join(", ", plan.Selected.SelectMany(s => s.Datasets).Select(d => d.Name));
        telemetry.OnRunStarted(new RunStart(record.RunId, plan.Trigger, [.. plan.Selected.SelectMany(s => s.Datasets).Select(d => d.Name.ToString())], record.StartedAt));

        var datasets = new List<DatasetRun>();
        var probeCalls = 0;
        var earlyExit = false;
        try
        {
            using (WriteFence.Enter(held.ThrowIfLost))
            {
                if (plan.Recorded)
                {
                    await SaveAsync(record, work.Token);
                }

                LogStarted(run, names);
                foreach (var (source, chosen) in plan.Selected)
                {
                    SourceLanding landed;
                    using (logger.BeginScope(new Dictionary<string, object> { ["Source"] = source.Name }))
                    {
                        landed = await plan.Land(source, chosen, run, work.Token);
                    }

                    probeCalls += landed.ProbeCalls;
                    earlyExit |= landed.EarlyExit;
                    foreach (var dataset in chosen)
                    {
                        var landing = landed.Datasets[dataset.Name];
                        datasets.Add(await TransformDatasetAsync(dataset, landing, plan.Silver == SilverStep.Rebuild, work.Token));
                    }
                }

                record = record with { Datasets = datasets, ProbeCalls = probeCalls, EarlyExit = earlyExit };
                record = record with { Status = StatusOf(datasets) };
                if (plan.Gold != GoldStep.None)
                {
                    record = await ModelAsync(record, plan, clock, work.Token);
                }

                // A stage that reports failures as values (a DuckDB interrupt) must not hide a lost lease.
                held.ThrowIfLost();
            }
        }
        catch (OperationCanceledException e)
        {
            // Recorded outside the fence: the run's own record, which nobody else writes, says how it ended.
            var lost = e as LakeLeaseLostException ?? held.LostLease?.LostException();
            record = record with
            {
                Datasets = datasets, ProbeCalls = probeCalls, Status = RunStatus.Failed,
                GoldError = lost is null ? "interrupted" : $"interrupted: {lost.Message}",
                FinishedAt = time.GetUtcNow(), DurationMs = clock.ElapsedMilliseconds,
            };
            if (plan.Recorded)
            {
                await TrySaveAsync(record);
            }

            telemetry.OnRunFinished(record, plan.Recorded);
            if (lost is not null && !ct.IsCancellationRequested)
            {
                throw lost;
            }

            throw;
        }
        catch (Exception e)
        {
            // A failure that ends the run before it could record itself (the store is down): still a finished, failed
            // run for the metrics and alerts, which would otherwise take it for one still going.
            telemetry.OnRunFinished(
                record with { Datasets = datasets, Status = RunStatus.Failed, GoldError = Describe(e), FinishedAt = time.GetUtcNow(), DurationMs = clock.ElapsedMilliseconds },
                plan.Recorded);
            throw;
        }

        record = record with { FinishedAt = time.GetUtcNow(), DurationMs = clock.ElapsedMilliseconds };
        if (plan.Recorded)
        {
            await TrySaveAsync(record);
        }

        LogFinished(run, record.Status, record.ApiCalls, record.DurationMs);
        telemetry.OnRunFinished(record, plan.Recorded);
        return record;
    }

    private async Task<SourceLanding> LandIncrementalAsync(ISource source, IReadOnlyList<SourceDataset> chosen, RunId run, CancellationToken ct)
    {
        if (Skip(source, chosen) is { } skipped)
        {
            return skipped;
        }

        var state = await LakeJson.ReadOrForgetAsync<SourceState>(
            store, LakeKeys.SourceState(source.Name), LogStateUnreadable, "the change probe is not trusted and every dataset is read", ct) ?? new SourceState();
        var now = time.GetUtcNow();
        var probe = await source.ProbeAsync(state, ct);
        if (probe.Failure is not null)
        {
            LogProbeFailed(source.Name, probe.Failure);
        }

        var options = new LandingOptions(AdvanceCursor: true, now);
        var results = new Dictionary<DatasetName, DatasetLanding>();
        var seen = new Dictionary<string, DatasetProbeState>(state.Datasets, StringComparer.Ordinal);
        string? stopped = null;
        foreach (var dataset in chosen)
        {
            if (stopped is not null)
            {
                results[dataset.Name] = new DatasetLanding(null, 0, stopped, Failed: true);
                continue;
            }

            // Each dataset remembers what the probe said when it was last read, so one dataset's run (a scheduled
            // job) stops at an unchanged probe as a run of the whole source does. Bronze found damaged is fetched again
            // whatever the probe says.
            var last = state.For(dataset.Name.Name);
            IReadOnlyList<string> damaged;
            IReadOnlyList<Partition> partitions;
            bool full;
            try
            {
                damaged = await verifier.DamagedPartitionsAsync(dataset.Name, ct);
                var refreshDue = last.LastFullRefreshAt is not { } lastFull || now - lastFull >= source.FullRefreshInterval;
                if (probe.Answer is not null && probe.Answer == last.Probe && !refreshDue && damaged.Count == 0)
                {
                    results[dataset.Name] = new DatasetLanding(null, 0, "early exit: the source's change probe answered as last time") { EarlyExit = true };
                    continue;
                }

                full = refreshDue || probe.Answer is null || damaged.Count > 0;
                var cursor = (await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(dataset.Name), ct))?.Cursor;
                partitions = WithDamaged(source.PlanIncremental(dataset, cursor, options.Today, full), damaged);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDatasetFailed(e, dataset.Name.ToString(), "plan", e.Message);
                results[dataset.Name] = new DatasetLanding(null, 0, Describe(e), Failed: true);
                continue;
            }

            var landing = await LandPartitionsAsync(source, dataset, partitions, run, options, ct);
            results[dataset.Name] = landing;
            stopped = landing.StopsSource;
            if (!landing.Failed)
            {
                await ClearDamageAsync(dataset, damaged, ct);

                // Remembered only when the dataset was read through: otherwise the next run would stop at the probe
                // and never retry what failed.
                if (probe.Answer is not null)
                {
                    seen[dataset.Name.Name] = new DatasetProbeState { Probe = probe.Answer, LastFullRefreshAt = full ? now : last.LastFullRefreshAt };
                }
            }
        }

        if (probe.Answer is not null && results.Values.Any(r => !r.EarlyExit && !r.Failed))
        {
            try
            {
                await LakeJson.WriteAsync(store, LakeKeys.SourceState(source.Name), state with { Datasets = seen }, ct);
            }
            catch (ObjectStoreException e)
            {
                // Not remembered, the next run reads these datasets again: safe, only slower.
                LogDatasetFailed(e, source.Name, "record its change probe", e.Message);
            }
        }

        if (results.Values.All(r => r.EarlyExit))
        {
            LogEarlyExit(source.Name, probe.Answer!);
        }

        return new SourceLanding(results, probe.ApiCalls, EarlyExit: results.Count > 0 && results.Values.All(r => r.EarlyExit));
    }

    /// <summary>Forgets damage that a landing fetched again; best effort, as the next run would only fetch it once more.</summary>
    private async Task ClearDamageAsync(SourceDataset dataset, IReadOnlyList<string> damaged, CancellationToken ct)
    {
        try
        {
            await verifier.ClearAsync(dataset.Name, damaged, ct);
        }
        catch (ObjectStoreException e)
        {
            LogDatasetFailed(e, dataset.Name.ToString(), "record its healed bronze", e.Message);
        }
    }

    /// <summary>The planned partitions, preceded by those holding damaged bronze that the plan does not fetch anyway.</summary>
    private static List<Partition> WithDamaged(IReadOnlyList<Partition> planned, IReadOnlyList<string> damaged)
    {
        var again = new List<Partition>();
        foreach (var name in damaged)
        {
            if (planned.Any(p => p.Name == name))
            {
                continue;
            }

            try
            {
                again.Add(Partition.Parse(name));
            }
            catch (FormatException)
            {
                // A partition only an incremental run names (RAWG's updated windows): the next full read covers it.
            }
        }

        return [.. again, .. planned];
    }

    /// <summary>A source that cannot run now (no key): its datasets are skipped, with one line saying why.</summary>
    internal SourceLanding? Skip(ISource source, IReadOnlyList<SourceDataset> chosen)
    {
        if (source.Unavailable is not { } reason)
        {
            return null;
        }

        LogSourceSkipped(source.Name, reason);
        return new SourceLanding(chosen.ToDictionary(d => d.Name, _ => new DatasetLanding(null, 0, reason) { Skipped = true }), 0, EarlyExit: false);
    }

    /// <summary>
    /// Lands <paramref name="partitions"/> of one dataset in order; the first failure ends the dataset, so a cursor
    /// never skips a window that failed.
    /// </summary>
    internal async Task<DatasetLanding> LandPartitionsAsync(
        ISource source, SourceDataset dataset, IReadOnlyList<Partition> partitions, RunId run, LandingOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var total = LandingResult.Nothing;
        foreach (var partition in partitions)
        {
            var (result, failure) = await LandPartitionAsync(source, dataset, partition, run, options, ct);
            total += result ?? LandingResult.Nothing;
            if (failure is not null)
            {
                return failure with { Result = total, DurationMs = clock.ElapsedMilliseconds };
            }
        }

        return new DatasetLanding(total, clock.ElapsedMilliseconds, null);
    }

    /// <summary>Lands one partition; a failure comes back as the dataset's failed landing, never as an exception.</summary>
    internal async Task<(LandingResult? Result, DatasetLanding? Failure)> LandPartitionAsync(
        ISource source, SourceDataset dataset, Partition partition, RunId run, LandingOptions options, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Dataset"] = dataset.Name.ToString(), ["Partition"] = partition.Name });
        try
        {
            return (await lander.LandAsync(dataset.Name, partition, run, source.FetchAsync(dataset, partition, ct), options, ct), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LakehouseException.Tag(e, dataset.Name.ToString(), run.Value);
            LogDatasetFailed(e, dataset.Name.ToString(), "land", e.Message);
            var message = partition.Name == Partition.WholeName ? Describe(e) : $"partition {partition.Name}: {Describe(e)}";
            // Failures after which no other request of the source can succeed now (a refused key, a quota or rate
            // limit still spent after the client's patient retries) stop the source, in a run as in a backfill.
            var stops = e switch
            {
                SourceAccessException => $"skipped: {source.Name} refused access ({Describe(e)})",
                QuotaExhaustedException or SourceRequestException { StatusCode: 429 } => $"skipped: {Describe(e)}",
                _ => null,
            };
            return (null, new DatasetLanding(null, 0, message, Failed: true) { StopsSource = stops, Cause = e });
        }
    }

    /// <summary>A plan that lands nothing (a replay from the lake): each dataset goes on to its transform as it is.</summary>
    private static Task<SourceLanding> LandNothingAsync(ISource source, IReadOnlyList<SourceDataset> chosen, RunId run, CancellationToken ct) =>
        Task.FromResult(new SourceLanding(chosen.ToDictionary(d => d.Name, _ => new DatasetLanding(null, 0, null)), 0, EarlyExit: false));

    private async Task<DatasetRun> TransformDatasetAsync(SourceDataset dataset, DatasetLanding landing, bool rebuild, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var run = new DatasetRun
        {
            Dataset = dataset.Name.ToString(),
            GoldTable = dataset.GoldTable,
            ApiCalls = landing.Result?.ApiCalls ?? 0,
            ObjectsLanded = landing.Result?.Landed.Count ?? 0,
            ObjectsUnchanged = landing.Result?.Unchanged ?? 0,
            Message = landing.Message,
            Status = landing.Failed ? DatasetStatus.Failed : landing.Skipped ? DatasetStatus.Skipped : DatasetStatus.Unchanged,
        };
        if (landing.Skipped)
        {
            return run;
        }

        // Pending bronze is transformed even when this run landed nothing or failed to land: that is how a run heals
        // what an interrupted one left.
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Dataset"] = dataset.Name.ToString() });
        try
        {
            var result = await silver.TransformAsync(dataset.Name, rebuild, ct);
            if (landing.Transformed is { } early)
            {
                result = early + result;
            }

            run = run with
            {
                RowsTransformed = result.RowsTransformed,
                RowsQuarantined = result.RowsQuarantined,
                SchemaDrift = [.. result.Drift.Select(d => $"{d.Field} ({d.Occurrences})")],
                DamagedObjects = result.Damaged,
                Status = run.Status == DatasetStatus.Failed || result.Damaged.Count > 0 ? DatasetStatus.Failed
                    : run.ObjectsLanded > 0 || result.Groups > 0 ? DatasetStatus.Succeeded : DatasetStatus.Unchanged,
            };
            if (result.Damaged.Count > 0)
            {
                run = run with { Message = Join(run.Message, DamagedMessage(result.Damaged)) };
            }
            foreach (var drift in result.Drift)
            {
                LogDrift(dataset.Name.ToString(), drift.Field, drift.Occurrences);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run's id is in the log scope (ExecuteAsync); the failure carries its dataset.
            LakehouseException.Tag(e, dataset.Name.ToString(), null);
            LogDatasetFailed(e, dataset.Name.ToString(), "transform", e.Message);
            run = run with { Status = DatasetStatus.Failed, Message = Join(run.Message, Describe(e)) };
        }

        return run with { DurationMs = landing.DurationMs + clock.ElapsedMilliseconds };
    }

    private async Task<RunRecord> ModelAsync(RunRecord record, RunPlan plan, Stopwatch clock, CancellationToken ct)
    {
        try
        {
            // Gold's meta_run is built from the run records, so this run's record (as it stands before the model
            // step) must be in the lake first.
            if (plan.Recorded)
            {
                await SaveAsync(record with { DurationMs = clock.ElapsedMilliseconds }, ct);
            }

            var built = await BuildGoldAsync($"gold build of run {record.RunId}", plan.Gold == GoldStep.Rebuild, ct);
            return built is null ? record : record with { GoldRows = built.RowsPerTable };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LakehouseException.TagRun(e, record.RunId);
            LogGoldFailed(e, e.Message);
            return record with { Status = RunStatus.Failed, GoldError = Describe(e) };
        }
    }

    /// <summary>
    /// The model step: one gold build at a time across the lake (the gold lease), also against <c>lakehouse model</c>,
    /// which comes here too. Null when gold is current and <paramref name="rebuild"/> is not asked.
    /// </summary>
    public async Task<GoldBuildResult?> BuildGoldAsync(string holder, bool rebuild, CancellationToken ct)
    {
        await using var lease = await leases.AcquireAsync(GoldLease, holder, leases.Options.GoldWait, ct);
        var started = time.GetTimestamp();
        var built = await lease.GuardAsync(c => gold.ModelAsync(rebuild, c), ct);
        if (built is not null)
        {
            telemetry.OnGoldBuilt(time.GetElapsedTime(started));
        }

        return built;
    }

    private List<(ISource Source, IReadOnlyList<SourceDataset> Datasets)> Select(RunRequest request) =>
        SourceSelection.Resolve(Sources, request.Sources, request.Datasets);

    private static RunStatus StatusOf(IReadOnlyList<DatasetRun> datasets) =>
        datasets.All(d => d.Status != DatasetStatus.Failed) ? RunStatus.Succeeded
        : datasets.All(d => d.Status == DatasetStatus.Failed) ? RunStatus.Failed
        : RunStatus.Partial;

    private static string Describe(Exception e) => e is AggregateException { InnerException: { } inner } ? inner.Message : e.Message;

    /// <summary>The run summary's words for bronze that failed its manifest check.</summary>
    internal static string DamagedMessage(IReadOnlyList<string> damaged) =>
        $"{damaged.Count} bronze object{(damaged.Count == 1 ? " is" : "s are")} damaged and left out of silver: {string.Join("; ", damaged)}; the next run fetches {(damaged.Count == 1 ? "it" : "them")} again";

    private static string? Join(string? first, string second) => first is null ? second : $"{first}; {second}";

    private Task SaveAsync(RunRecord record, CancellationToken ct) =>
        LakeJson.WriteAsync(store, LakeKeys.RunRecord(RunId.Parse(record.RunId)), record, ct);

    /// <summary>The final record is best effort: a store that went down must not hide the run's own outcome.</summary>
    private async Task TrySaveAsync(RunRecord record)
    {
        try
        {
            await SaveAsync(record, CancellationToken.None);
        }
        catch (ObjectStoreException e)
        {
            LogRecordNotSaved(e, record.RunId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} started: {Datasets}")]
    private partial void LogStarted(RunId runId, string datasets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} finished: {Status}, {ApiCalls} API calls, {DurationMs} ms")]
    private partial void LogFinished(RunId runId, RunStatus status, long apiCalls, long durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} unchanged since the last run ({Probe}): nothing to fetch")]
    private partial void LogEarlyExit(string source, string probe);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} skipped: {Reason}")]
    private partial void LogSourceSkipped(string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}: the change probe failed, fetching everything: {Reason}")]
    private partial void LogProbeFailed(string source, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Dataset} failed to {Stage}: {Reason}")]
    private partial void LogDatasetFailed(Exception e, string dataset, string stage, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private partial void LogStateUnreadable(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema drift in {Dataset}: new field {Field} in {Occurrences} records")]
    private partial void LogDrift(string dataset, string field, long occurrences);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gold was not published: {Reason}")]
    private partial void LogGoldFailed(Exception e, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The record of run {RunId} could not be saved: {Reason}")]
    private partial void LogRecordNotSaved(Exception e, string runId, string reason);

    /// <summary>Lands the chosen datasets of a source for one run.</summary>
    internal delegate Task<SourceLanding> LandSource(ISource source, IReadOnlyList<SourceDataset> datasets, RunId run, CancellationToken ct);

    /// <summary>How landing one dataset went.</summary>
    /// <param name="Result">What landed (also when a later partition failed).</param>
    /// <param name="DurationMs">Time spent landing.</param>
    /// <param name="Message">What the summary says about it.</param>
    /// <param name="Failed">Whether any partition failed.</param>
    internal sealed record DatasetLanding(LandingResult? Result, long DurationMs, string? Message, bool Failed = false)
    {
        /// <summary>The source could not run at all (<see cref="ISource.Unavailable"/>); not a failure.</summary>
        public bool Skipped { get; init; }

        /// <summary>The exception a failed landing ended with.</summary>
        public Exception? Cause { get; init; }

        /// <summary>Set when the failure refuses the whole source (a bad key): the message its other datasets get.</summary>
        public string? StopsSource { get; init; }

        /// <summary>Nothing was fetched: the source's change probe answered as when the dataset was last read.</summary>
        public bool EarlyExit { get; init; }

        /// <summary>What was already transformed while landing (a backfill's finished segments).</summary>
        public SilverResult? Transformed { get; init; }
    }

    internal sealed record SourceLanding(Dictionary<DatasetName, DatasetLanding> Datasets, int ProbeCalls, bool EarlyExit);
}

/// <summary>What to run: sources and datasets by name (none means all), and what asked for it.</summary>
internal sealed record RunRequest(string Trigger, IReadOnlySet<string> Sources, IReadOnlySet<DatasetName> Datasets)
{
    /// <summary>The scheduler's fire that asked for the run, kept in its record; null for other triggers.</summary>
    public ScheduledFire? Fire { get; init; }

    public static RunRequest All(string trigger) => new(trigger, new HashSet<string>(), new HashSet<DatasetName>());
}

/// <summary>A scheduled fire: when it was due, and which scheduler node ran it.</summary>
internal sealed record ScheduledFire(DateTimeOffset ScheduledFor, string Node);

/// <summary>A run asked for a source or dataset that does not exist (a usage error: exit code 2).</summary>
internal sealed class UnknownDatasetException(string message) : LakehouseException(message)
{
    public override LakehouseStage Stage => LakehouseStage.CommandLine;

    public override bool IsUsageError => true;
}

/// <summary>
/// One run, stage by stage: which datasets, how they land (incremental, a backfill range, nothing for a replay from the
/// lake), whether silver is transformed again from all bronze, whether gold is built, and whether the run is recorded.
/// Every command hands its work to the flow as a plan.
/// </summary>
internal sealed record RunPlan(
    string Trigger, IReadOnlyList<(ISource Source, IReadOnlyList<SourceDataset> Datasets)> Selected, LakehousePipeline.LandSource Land)
{
    public SilverStep Silver { get; init; } = SilverStep.Pending;

    public GoldStep Gold { get; init; } = GoldStep.WhenSilverChanged;

    /// <summary>Whether the run leaves a run record (and so a row in gold's <c>meta_run</c>).</summary>
    public bool Recorded { get; init; } = true;

    /// <summary>The scheduler's fire that asked for the run, kept in its record.</summary>
    public ScheduledFire? Fire { get; init; }
}

/// <summary>What the transform step reads: the bronze not yet transformed, or all of it again.</summary>
internal enum SilverStep
{
    Pending,
    Rebuild,
}

/// <summary>Whether the model step builds gold: when silver changed since the last build, always, or not at all.</summary>
internal enum GoldStep
{
    WhenSilverChanged,
    Rebuild,
    None,
}
