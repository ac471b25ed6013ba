using System.Diagnostics.Metrics;
using Lakehouse.Runs;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Monitoring;

/// <summary>
/// What the pipeline tells the outside while it works: the "Lakehouse" meter's instruments (published as Prometheus
/// text at <c>/metrics</c>), and the same facts as events for the alerts that <c>schedule</c> evaluates. The stages call
/// it where the work happens; nothing here can fail or slow a run (a listener that throws is logged and ignored).
/// </summary>
/// <remarks>
/// The meter comes from <see cref="IMeterFactory"/>, so each composition root has its own: the exporter publishes the
/// instruments of its own <see cref="Meter"/> only, and two hosts in one process (the tests) never mix their counts.
/// The counts are held here and published as observable counters, each whole total at every collection: an exporter
/// that forgets a series idle for a while (prometheus-net's adapter does, after a day at most) gets it back exact at
/// the next scrape instead of restarting it from zero. Each dataset's age is a gauge of <see cref="DatasetAges"/>, on
/// this meter. Bronze holds responses, not rows: "rows landed" is counted as bronze objects landed.
/// </remarks>
internal sealed partial class PipelineTelemetry
{
    public const string MeterName = "Lakehouse";

    private readonly Totals runs = new("status", "trigger");
    private readonly Totals apiCalls = new("source", "outcome");
    private readonly Totals apiRetries = new("source");
    private readonly Totals objectsLanded = new("dataset");
    private readonly Totals rowsTransformed = new("dataset");
    private readonly Totals rowsQuarantined = new("dataset");
    private readonly Totals goldBuilds = new();
    private readonly ILogger<PipelineTelemetry> logger;
    private double lastGoldBuildSeconds = double.NaN;

    public PipelineTelemetry(IMeterFactory meters, ILogger<PipelineTelemetry> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.logger = logger;
        Meter = meters.Create(MeterName);
        Meter.CreateObservableCounter("runs", runs.Observe, "{run}", "Finished runs, by status (succeeded, partial, failed) and trigger.");
        Meter.CreateObservableCounter("api.calls", apiCalls.Observe, "{call}", "API requests, by source and outcome (succeeded, or failed after the client's retries).");
        Meter.CreateObservableCounter("api.retries", apiRetries.Observe, "{retry}", "Attempts repeated by the client's retry (429, 5xx, timeouts), by source.");
        Meter.CreateObservableCounter("bronze.objects_landed", objectsLanded.Observe, "{object}", "API responses landed in bronze, by dataset.");
        Meter.CreateObservableCounter("silver.rows_transformed", rowsTransformed.Observe, "{row}", "Rows read from bronze into silver (quarantined included), by dataset.");
        Meter.CreateObservableCounter("silver.rows_quarantined", rowsQuarantined.Observe, "{row}", "Rows that failed validation and went to quarantine, by dataset.");
        Meter.CreateObservableCounter("gold.builds", goldBuilds.Observe, "{build}", "Gold builds published.");
        Meter.CreateObservableGauge("gold.build.seconds", ObserveGoldBuild, "s", "How long the last gold build took, publishing included.");
    }

    /// <summary>The "Lakehouse" meter of this composition root.</summary>
    public Meter Meter { get; }

    /// <summary>A run began: its id, trigger, datasets and start time.</summary>
    public event Action<RunStart>? RunStarted;

    /// <summary>A run ended, recorded or not, whatever its outcome (also when it was interrupted).</summary>
    public event Action<RunRecord>? RunFinished;

    /// <summary>An API request ended, after the client's retries.</summary>
    public event Action<ApiCallOutcome>? ApiCallFinished;

    public void OnRunStarted(RunStart start) => Raise(RunStarted, start);

    /// <param name="record">How the run ended.</param>
    /// <param name="recorded">Whether it is a run (a replay of silver from the lake is not, and is not counted as one).</param>
    public void OnRunFinished(RunRecord record, bool recorded)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (recorded)
        {
            runs.Add(1, Lower(record.Status), record.Trigger);
        }

        foreach (var dataset in record.Datasets)
        {
            // Zeros too: a dataset's series exists from its first run.
            objectsLanded.Add(dataset.ObjectsLanded, dataset.Dataset);
            rowsTransformed.Add(dataset.RowsTransformed, dataset.Dataset);
            rowsQuarantined.Add(dataset.RowsQuarantined, dataset.Dataset);
        }

        Raise(RunFinished, record);
    }

    public void OnApiCall(string source, bool succeeded, string? error = null)
    {
        apiCalls.Add(1, source, succeeded ? "succeeded" : "failed");
        Raise(ApiCallFinished, new ApiCallOutcome(source, succeeded, error));
    }

    public void OnApiRetry(string source) => apiRetries.Add(1, source);

    public void OnGoldBuilt(TimeSpan elapsed)
    {
        Volatile.Write(ref lastGoldBuildSeconds, elapsed.TotalSeconds);
        goldBuilds.Add(1);
    }

    private IEnumerable<Measurement<double>> ObserveGoldBuild()
    {
        var seconds = Volatile.Read(ref lastGoldBuildSeconds);
        return double.IsNaN(seconds) ? [] : [new Measurement<double>(seconds)];
    }

    internal static string Lower(RunStatus status) => status.ToString().ToLowerInvariant();

    private void Raise<T>(Action<T>? handlers, T value)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                handler(value);
            }
#pragma warning disable CA1031 // Watching the work must never break it: a listener's failure is logged and the run goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogListenerFailed(e, typeof(T).Name, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A monitoring listener failed on {Event}: {Reason}")]
    private partial void LogListenerFailed(Exception e, string @event, string reason);
}

/// <summary>A run began.</summary>
internal sealed record RunStart(string RunId, string Trigger, IReadOnlyList<string> Datasets, DateTimeOffset StartedAt);

/// <summary>An API request's end: the source, whether it succeeded (after retries), and why not.</summary>
internal sealed record ApiCallOutcome(string Source, bool Succeeded, string? Error);

/// <summary>Running totals by tag values, observed whole by an observable counter.</summary>
/// <param name="tags">The tags' names, in the order <see cref="Add"/> takes their values.</param>
internal sealed class Totals(params string[] tags)
{
    private const char Separator = '\u001f';
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Runtime.CompilerServices.StrongBox<long>> totals = new(StringComparer.Ordinal);

    public void Add(long value, params string[] values)
    {
        var total = totals.GetOrAdd(string.Join(Separator, values), static _ => new());
        Interlocked.Add(ref total.Value, value);
    }

    public IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (key, total) in totals)
        {
            var values = key.Split(Separator);
            var pairs = new KeyValuePair<string, object?>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                pairs[i] = new(tags[i], values[i]);
            }

            yield return new Measurement<long>(Interlocked.Read(ref total.Value), pairs);
        }
    }
}
