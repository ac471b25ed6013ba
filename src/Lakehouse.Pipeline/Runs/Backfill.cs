using System.Diagnostics;
using System.Globalization;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Runs;

/// <summary>
/// <c>lakehouse backfill</c>: cuts a date range into the datasets' own partitions, leaves out the ones already landed
/// for good, lands the rest side by side inside the source's rate limit, then transforms and models through the same
/// pipeline as any run. A backfill killed half-way loses nothing: the partitions it finished are recorded as landed,
/// so the same command continues where it stopped.
/// </summary>
/// <remarks>
/// A long backfill lands in segments, each under a landing run of its own, and transforms each finished segment while
/// the next ones land: a rate-limited backfill leaves the CPU idle, so when the last request is answered nearly all of
/// silver is written and only the last segment and the model remain (benchmark <c>nasa-backfill</c>).
/// </remarks>
internal sealed partial class Backfill(
    LakehousePipeline pipeline,
    BronzeLander lander,
    Silver.SilverStage silver,
    RequestQuota quota,
    IOptionsMonitor<SourceHttpOptions> httpOptions,
    TimeProvider time,
    ILogger<Backfill> logger)
{
    /// <summary>Plans <paramref name="request"/> without calling any API.</summary>
    /// <exception cref="UnknownDatasetException">The source or a dataset does not exist, or the range is not valid.</exception>
    public async Task<BackfillPlan> PlanAsync(BackfillRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (source, chosen) = SourceSelection.Resolve(pipeline.Sources, new HashSet<string>(StringComparer.Ordinal) { request.Source }, request.Datasets)
            .Single();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (from, to) = ValidRange(request, chosen, today);

        var datasets = new List<DatasetPlan>();
        foreach (var dataset in chosen)
        {
            var toLand = new List<Partition>();
            var landed = new List<Partition>();
            var partitions = dataset.Scheme == PartitionScheme.Whole ? [Partition.Whole] : Partition.Covering(dataset.Scheme, from!.Value, to!.Value);
            foreach (var partition in partitions)
            {
                var done = !request.Force && await lander.IsCompleteAsync(dataset.Name, partition.Name, ct);
                (done ? landed : toLand).Add(partition.ClippedTo(today));
            }

            datasets.Add(new DatasetPlan(dataset, toLand, landed));
        }

        var plan = new BackfillPlan(source, datasets, from, to, today, RateOf(source.Name))
        {
            Quota = await quota.ReadAsync(source.Name, time.GetUtcNow(), ct),
        };

        // A monthly quota spent on one backfill leaves nothing for the month's scheduled runs: that needs --force.
        // A daily one (NASA's DEMO_KEY) resets tomorrow, when the same command continues.
        if (plan.Quota is { Limit: not null, Remaining: { } left, Period: QuotaPeriod.Month } status && plan.Requests > left && !request.Force)
        {
            throw new BackfillRefusedException(
                $"This backfill needs at least {plan.Requests} requests, but {left} of {source.Name}'s {status.Limit} a month are left "
                + $"(it resets {status.ResetsAt:yyyy-MM-dd} UTC). Narrow the range, or pass --force to spend the quota anyway.");
        }

        return plan;
    }

    /// <summary>Lands the plan's partitions, then transforms and models; the run record says what happened.</summary>
    public Task<RunRecord> RunAsync(BackfillPlan plan, int concurrency, IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var total = plan.Datasets.Sum(d => d.ToLand.Count);
        var tracker = new ProgressTracker(total, progress);
        return pipeline.ExecuteAsync(
            new RunPlan(
                "backfill",
                [(plan.Source, [.. plan.Datasets.Select(d => d.Dataset)])],
                (source, datasets, run, token) => LandAsync(plan, source, run, concurrency, tracker, token)),
            ct);
    }

    private async Task<LakehousePipeline.SourceLanding> LandAsync(
        BackfillPlan plan, ISource source, RunId run, int concurrency, ProgressTracker tracker, CancellationToken ct)
    {
        var chosen = plan.Datasets.Select(d => d.Dataset).ToList();
        if (pipeline.Skip(source, chosen) is { } skipped)
        {
            return skipped;
        }

        var options = new LandingOptions(AdvanceCursor: false, time.GetUtcNow());
        var results = new Dictionary<DatasetName, LakehousePipeline.DatasetLanding>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var transformGate = new SemaphoreSlim(1, 1);
        string? stopReason = null;
        foreach (var dataset in plan.Datasets)
        {
            var clock = Stopwatch.StartNew();
            if (stopReason is not null)
            {
                results[dataset.Dataset.Name] = new(null, 0, $"not started: {stopReason}", Failed: true);
                continue;
            }

            var total = LandingResult.Nothing;
            var failures = new List<string>();
            var landed = 0;
            var gate = new Lock();
            var segments = new Segments(dataset.ToLand.Count, run, time);
            var transforms = new List<Task<Silver.SilverResult>>();
            try
            {
                await Parallel.ForEachAsync(
                    dataset.ToLand.Select((partition, index) => (partition, index)),
                    new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stop.Token },
                    async (item, token) =>
                    {
                        var segmentRun = segments.RunOf(item.index);
                        var (result, failure) = await pipeline.LandPartitionAsync(source, dataset.Dataset, item.partition, segmentRun, options, token);
                        lock (gate)
                        {
                            total += result ?? LandingResult.Nothing;
                            if (failure is null)
                            {
                                landed++;
                            }
                            else
                            {
                                failures.Add(failure.Message!);
                                if (failure.StopsSource is not null && stopReason is null)
                                {
                                    stopReason = failure.Message;
                                    stop.Cancel();
                                }
                            }

                            if (segments.Finish(item.index) is { } finished)
                            {
                                transforms.Add(Task.Run(() => TransformSegmentAsync(dataset.Dataset, finished, transformGate, stop.Token), CancellationToken.None));
                            }
                        }

                        tracker.Report(failure is null);
                    });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The source refused to go on (a bad key, a spent quota): the partitions not landed stay to do.
            }
            finally
            {
                // What a segment's transform did not finish, the run's own transform step does.
                await Task.WhenAll(transforms);
            }

            var transformed = transforms.Aggregate(Silver.SilverResult.Nothing, (sum, t) => sum + t.Result);

            var left = dataset.ToLand.Count - landed;
            var message = left == 0 ? null
                : $"landed {landed} of {dataset.ToLand.Count} partitions; {left} left for the same command to continue: {stopReason ?? failures[0]}";
            if (message is not null)
            {
                LogIncomplete(dataset.Dataset.Name.ToString(), landed, dataset.ToLand.Count, stopReason ?? failures[0]);
            }

            results[dataset.Dataset.Name] = new(total, clock.ElapsedMilliseconds, message, Failed: left > 0) { Transformed = transformed };
        }

        return new LakehousePipeline.SourceLanding(results, 0, EarlyExit: false);
    }

    /// <summary>Transforms one finished segment while the others land; a failure is left to the run's transform step.</summary>
    private async Task<Silver.SilverResult> TransformSegmentAsync(SourceDataset dataset, RunId segment, SemaphoreSlim transformGate, CancellationToken ct)
    {
        // One at a time: DuckDB's work would otherwise compete with itself.
        try
        {
            await transformGate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return Silver.SilverResult.Nothing;
        }

        try
        {
            return await silver.TransformAsync(dataset.Name, rebuild: false, ct, segment);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSegmentTransformFailed(e, dataset.Name.ToString(), segment, e.Message);
            return Silver.SilverResult.Nothing;
        }
        catch (OperationCanceledException)
        {
            // The run was stopped: its transform step, or the next run, transforms this segment.
            return Silver.SilverResult.Nothing;
        }
        finally
        {
            transformGate.Release();
        }
    }

    private RateLimit RateOf(string source)
    {
        var options = httpOptions.Get(source);
        return new RateLimit(options.RequestsPerSecond, options.Burst, options.QuotaRequests, options.QuotaPeriod);
    }

    private static (DateOnly? From, DateOnly? To) ValidRange(BackfillRequest request, IReadOnlyList<SourceDataset> chosen, DateOnly today)
    {
        var windowed = chosen.Where(d => d.Scheme != PartitionScheme.Whole).Select(d => d.Name.ToString()).ToList();
        if (request.From is null || request.To is null)
        {
            if (windowed.Count > 0)
            {
                throw new UnknownDatasetException($"{string.Join(", ", windowed)} {(windowed.Count == 1 ? "is" : "are")} partitioned by date: give --from and --to (YYYY-MM-DD).");
            }

            return (request.From, request.To);
        }

        if (request.From > request.To)
        {
            throw new UnknownDatasetException($"The range is reversed: --from {Text(request.From.Value)} is after --to {Text(request.To.Value)}.");
        }

        if (request.To > today)
        {
            throw new UnknownDatasetException($"--to {Text(request.To.Value)} is in the future (today is {Text(today)} UTC): the APIs have nothing to backfill there yet.");
        }

        return (request.From, request.To);
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dataset}: the transform of backfill segment {Segment} failed, the run's transform step tries again: {Reason}")]
    private partial void LogSegmentTransformFailed(Exception e, string dataset, RunId segment, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dataset}: landed {Landed} of {Total} partitions; the same command continues with the rest: {Reason}")]
    private partial void LogIncomplete(string dataset, int landed, int total, string reason);

    /// <summary>
    /// The landing runs of a backfill's segments: the partitions in order, cut into about sixteen segments of at least
    /// <see cref="MinSegment"/> partitions, and a short last one of <see cref="Tail"/>, so that little is left to
    /// transform once the last answer is in. A short backfill is one segment, under the run's own id. Each segment gets
    /// its run id when its first partition starts, so ids follow the landing order.
    /// </summary>
    private sealed class Segments
    {
        private const int MinSegment = 32;
        private const int Tail = 8;
        private readonly int[] segmentOf;
        private readonly int[] left;
        private readonly Dictionary<int, RunId> runs;
        private readonly TimeProvider time;

        public Segments(int partitions, RunId first, TimeProvider time)
        {
            this.time = time;
            runs = new() { [0] = first };
            segmentOf = new int[partitions];
            if (partitions > 2 * MinSegment)
            {
                var bulk = partitions - Tail;
                var size = Math.Max(MinSegment, (int)Math.Ceiling(bulk / 16.0));
                for (var i = 0; i < partitions; i++)
                {
                    segmentOf[i] = i < bulk ? i / size : ((bulk - 1) / size) + 1;
                }
            }

            left = new int[partitions == 0 ? 0 : segmentOf[^1] + 1];
            foreach (var segment in segmentOf)
            {
                left[segment]++;
            }
        }

        public RunId RunOf(int index)
        {
            var segment = segmentOf[index];
            lock (runs)
            {
                if (!runs.TryGetValue(segment, out var id))
                {
                    runs[segment] = id = RunId.New(time);
                }

                return id;
            }
        }

        /// <summary>Counts a finished partition; returns its segment's run when that was the segment's last.</summary>
        public RunId? Finish(int index)
        {
            var segment = segmentOf[index];
            lock (runs)
            {
                return --left[segment] == 0 ? runs[segment] : null;
            }
        }
    }

    /// <summary>Counts finished partitions from parallel workers and reports each step.</summary>
    private sealed class ProgressTracker(int total, IProgress<BackfillProgress>? progress)
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private int done;
        private int failed;

        public void Report(bool succeeded)
        {
            var nowDone = Interlocked.Increment(ref done);
            var nowFailed = succeeded ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
            progress?.Report(new BackfillProgress(nowDone, total, nowFailed, Stopwatch.GetElapsedTime(started)));
        }
    }
}

/// <summary>What to backfill: a source, some of its datasets (none means all), a date range, and whether to re-land.</summary>
internal sealed record BackfillRequest(string Source, IReadOnlySet<DatasetName> Datasets, DateOnly? From, DateOnly? To, bool Force);

/// <summary>The partitions a backfill lands and skips, and what the source's limits make of them.</summary>
internal sealed record BackfillPlan(
    ISource Source, IReadOnlyList<DatasetPlan> Datasets, DateOnly? From, DateOnly? To, DateOnly Today, RateLimit Rate)
{
    public int Requests => Datasets.Sum(d => d.Requests);

    public int Partitions => Datasets.Sum(d => d.ToLand.Count);

    public int Skipped => Datasets.Sum(d => d.AlreadyLanded.Count);

    /// <summary>The source's quota and what is used of it now (no limit when the source has none).</summary>
    public QuotaStatus? Quota { get; init; }
}

/// <summary>A backfill that would spend more of a quota than is left (a usage error: exit code 2).</summary>
internal sealed class BackfillRefusedException(string message) : LakehouseException(message)
{
    public override LakehouseStage Stage => LakehouseStage.CommandLine;

    public override bool IsUsageError => true;
}

/// <summary>One dataset's share of a backfill.</summary>
internal sealed record DatasetPlan(SourceDataset Dataset, IReadOnlyList<Partition> ToLand, IReadOnlyList<Partition> AlreadyLanded)
{
    /// <summary>At least this many requests (a paged partition may take more).</summary>
    public int Requests => ToLand.Count * Dataset.RequestsPerPartition;
}

/// <summary>A source's configured politeness: the token bucket and the quota.</summary>
internal sealed record RateLimit(double RequestsPerSecond, int Burst, int? QuotaRequests, QuotaPeriod QuotaPeriod)
{
    /// <summary>
    /// How long <paramref name="requests"/> take at best: the bucket lets <see cref="Burst"/> go at once and then one
    /// every 1/rate seconds; <paramref name="concurrency"/> requests of <paramref name="latency"/> each can be in flight.
    /// </summary>
    public TimeSpan Duration(int requests, int concurrency, TimeSpan latency)
    {
        var limited = Math.Max(0, requests - Burst) / RequestsPerSecond;
        var inFlight = Math.Ceiling(requests / (double)Math.Max(1, concurrency)) * latency.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Max(limited, inFlight));
    }
}

/// <summary>A backfill's progress: partitions finished (landed or failed) of the total, and time so far.</summary>
internal sealed record BackfillProgress(int Done, int Total, int Failed, TimeSpan Elapsed)
{
    /// <summary>The time left at the pace so far; null before the first partition finished.</summary>
    public TimeSpan? Remaining => Done == 0 ? null : Elapsed / Done * (Total - Done);
}
