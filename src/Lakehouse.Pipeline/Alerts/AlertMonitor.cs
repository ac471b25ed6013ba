using System.Globalization;
using Lakehouse.Lake;
using Lakehouse.Monitoring;
using Lakehouse.Runs;
using Lakehouse.Scheduling;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Alerts;

/// <summary>
/// The alerts of <c>lakehouse schedule</c>: watches the pipeline's events (runs, API requests) and, every
/// <see cref="AlertOptions.CheckInterval"/>, the datasets' ages and the runs still going. Each incident (a failed
/// dataset, a stale dataset, a source failing N times in a row, a run past the limit) is logged and posted once when it
/// opens and once when it clears, keyed by what it is about; nothing is posted while all is well.
/// </summary>
/// <remarks>
/// Incidents live in this process: a restarted scheduler raises again what is still wrong (once), which is what a
/// person who restarted it wants to hear. Only the scheduler evaluates alerts: <c>run</c> is a command someone is
/// watching, whose exit code and summary already say what failed, and it would have no memory of what it posted.
/// </remarks>
internal sealed partial class AlertMonitor : IDisposable
{
    private readonly PipelineTelemetry telemetry;
    private readonly DatasetAges ages;
    private readonly AlertWebhook webhook;
    private readonly AlertOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<AlertMonitor> logger;
    private readonly object gate = new();
    private readonly Dictionary<(AlertKind, string), string> open = [];
    private readonly Dictionary<string, int> failuresInARow = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunStart> running = new(StringComparer.Ordinal);

    public AlertMonitor(PipelineTelemetry telemetry, DatasetAges ages, AlertWebhook webhook, AlertOptions options, TimeProvider time, ILogger<AlertMonitor> logger)
    {
        this.telemetry = telemetry;
        this.ages = ages;
        this.webhook = webhook;
        this.options = options;
        this.time = time;
        this.logger = logger;
        telemetry.RunStarted += OnRunStarted;
        telemetry.RunFinished += OnRunFinished;
        telemetry.ApiCallFinished += OnApiCall;
    }

    /// <summary>The incidents open now, by kind and subject.</summary>
    public IReadOnlyCollection<(AlertKind Kind, string Subject)> Open
    {
        get
        {
            lock (gate)
            {
                return [.. open.Keys];
            }
        }
    }

    /// <summary>Looks at ages and running runs every <see cref="AlertOptions.CheckInterval"/> until <paramref name="stopping"/>.</summary>
    /// <param name="plan">The scheduled datasets: only they can be stale, each by its own schedule.</param>
    /// <param name="stopping">Ends the watch.</param>
    public async Task WatchAsync(IReadOnlyList<ScheduledDataset> plan, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var webhookShown = options.DescribeWebhook();
        LogWatching(webhookShown, options.ConsecutiveApiErrors, options.StaleAfter, options.RunTimeLimit);
        using var timer = new PeriodicTimer(options.CheckInterval, time);
        try
        {
            do
            {
                try
                {
                    await CheckAsync(plan, stopping);
                }
#pragma warning disable CA1031 // A look that fails must not end the watch, nor the scheduler that awaits it.
                catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogCheckFailed(e, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The scheduler stops.
        }
    }

    /// <summary>One look at the datasets' ages and the runs still going.</summary>
    internal async Task CheckAsync(IReadOnlyList<ScheduledDataset> plan, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var run in running.Values.Where(r => now - r.StartedAt > options.RunTimeLimit))
            {
                Raise(AlertKind.RunTooLong, run.RunId,
                    $"Run {run.RunId} ({run.Trigger}: {string.Join(", ", run.Datasets)}) has been running for {Duration(now - run.StartedAt)}, longer than {Duration(options.RunTimeLimit)} (Lakehouse:Alerts:RunTimeLimit).");
            }
        }

        try
        {
            await ages.RefreshAsync(ct);
        }
        catch (Exception e) when (e is ObjectStoreException or LakeStateException)
        {
            // The store being down fails the runs themselves, which alert; staleness waits for the next look.
            LogAgesUnreadable(e.Message);
            return;
        }

        var landed = ages.LastLanded;
        lock (gate)
        {
            foreach (var dataset in plan)
            {
                var name = dataset.Dataset.ToString();
                if (!landed.TryGetValue(name, out var at) || at is not { } lastLanded)
                {
                    // Never landed (a source without its key is skipped): nothing has gone stale.
                    continue;
                }

                var interval = dataset.Interval(now);
                if (interval == TimeSpan.MaxValue)
                {
                    // A schedule that fires once more at most (a date far ahead) promises no freshness.
                    continue;
                }

                var limit = 2 * interval < options.StaleAfter ? options.StaleAfter : 2 * interval;
                var age = now - lastLanded;
                if (age > limit)
                {
                    Raise(AlertKind.DatasetStale, name,
                        $"{name} is stale: nothing new landed for {Duration(age)} (since {Stamp(lastLanded)}), longer than {Duration(limit)}.");
                }
                else
                {
                    Clear(AlertKind.DatasetStale, name, $"{name} is fresh again: new data landed at {Stamp(lastLanded)}.");
                }
            }
        }
    }

    private void OnRunStarted(RunStart start)
    {
        lock (gate)
        {
            running[start.RunId] = start;
        }
    }

    private void OnRunFinished(RunRecord record)
    {
        lock (gate)
        {
            running.Remove(record.RunId);
            var took = TimeSpan.FromMilliseconds(record.DurationMs);
            if (open.ContainsKey((AlertKind.RunTooLong, record.RunId)))
            {
                Clear(AlertKind.RunTooLong, record.RunId, $"Run {record.RunId} finished ({PipelineTelemetry.Lower(record.Status)}) after {Duration(took)}.");
            }
            else if (took > options.RunTimeLimit)
            {
                // Longer than the limit, and over before a look noticed: said once, as it is already over.
                Raise(AlertKind.RunTooLong, record.RunId, $"Run {record.RunId} took {Duration(took)}, longer than {Duration(options.RunTimeLimit)} (Lakehouse:Alerts:RunTimeLimit); it has finished ({PipelineTelemetry.Lower(record.Status)}).");
                open.Remove((AlertKind.RunTooLong, record.RunId));
            }

            foreach (var dataset in record.Datasets)
            {
                if (dataset.Status == DatasetStatus.Failed)
                {
                    Raise(AlertKind.RunFailed, dataset.Dataset, $"{dataset.Dataset} failed in run {record.RunId} ({record.Trigger}): {dataset.Message ?? "no reason recorded"}");
                }
                else if (dataset.Status is DatasetStatus.Succeeded or DatasetStatus.Unchanged)
                {
                    Clear(AlertKind.RunFailed, dataset.Dataset, $"{dataset.Dataset} recovered: run {record.RunId} ({record.Trigger}) {(dataset.Status == DatasetStatus.Unchanged ? "found it unchanged" : "landed and transformed it")}.");
                }
            }

            // A run interrupted by a shutdown is not a failure of the lake: the next run heals it.
            if (record.GoldError is { } error && !error.StartsWith("interrupted", StringComparison.Ordinal))
            {
                Raise(AlertKind.RunFailed, "gold", $"Gold was not published in run {record.RunId} ({record.Trigger}): {error}");
            }
            else if (record.GoldRows.Count > 0)
            {
                Clear(AlertKind.RunFailed, "gold", $"Gold recovered: run {record.RunId} published it.");
            }
        }
    }

    private void OnApiCall(ApiCallOutcome call)
    {
        lock (gate)
        {
            if (call.Succeeded)
            {
                failuresInARow[call.Source] = 0;
                Clear(AlertKind.SourceFailing, call.Source, $"{call.Source} answers again: a request succeeded.");
                return;
            }

            var count = failuresInARow[call.Source] = failuresInARow.GetValueOrDefault(call.Source) + 1;
            if (count >= options.ConsecutiveApiErrors)
            {
                Raise(AlertKind.SourceFailing, call.Source, $"{call.Source}: {count} API requests in a row failed (Lakehouse:Alerts:ConsecutiveApiErrors is {options.ConsecutiveApiErrors}). Last: {call.Error}");
            }
        }
    }

    /// <summary>Opens the incident, unless it is open already: logged and posted once.</summary>
    private void Raise(AlertKind kind, string subject, string text)
    {
        if (open.TryAdd((kind, subject), text))
        {
            LogRaised(kind, subject, text);
            webhook.Post(new Alert(kind, subject, Resolved: false, text, time.GetUtcNow()));
        }
    }

    /// <summary>Closes the incident if it is open: its recovery, logged and posted once.</summary>
    private void Clear(AlertKind kind, string subject, string text)
    {
        if (open.Remove((kind, subject)))
        {
            LogCleared(kind, subject, text);
            webhook.Post(new Alert(kind, subject, Resolved: true, text, time.GetUtcNow()));
        }
    }

    public void Dispose()
    {
        telemetry.RunStarted -= OnRunStarted;
        telemetry.RunFinished -= OnRunFinished;
        telemetry.ApiCallFinished -= OnApiCall;
    }

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{Math.Floor(span.TotalHours).ToString(CultureInfo.InvariantCulture)} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{Math.Floor(span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min {span.Seconds} s"
        : $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: posting to {Webhook}; thresholds: {ApiErrors} API errors in a row, stale after {StaleAfter}, runs longer than {RunTimeLimit}")]
    private partial void LogWatching(string webhook, int apiErrors, TimeSpan staleAfter, TimeSpan runTimeLimit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Kind} {Subject}: {Text}")]
    private partial void LogRaised(AlertKind kind, string subject, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Kind} {Subject}: {Text}")]
    private partial void LogCleared(AlertKind kind, string subject, string text);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: a look at the datasets and runs failed ({Reason}); the next look tries again")]
    private partial void LogCheckFailed(Exception e, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the datasets' ages could not be read ({Reason}); staleness is checked again at the next look")]
    private partial void LogAgesUnreadable(string reason);
}
