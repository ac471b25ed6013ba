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
/// Bronze holds responses, not rows: "rows landed" is counted as bronze objects landed.
/// </remarks>
internal sealed partial class PipelineTelemetry
{
    public const string MeterName = "Lakehouse";

    private readonly Counter<long> runs;
    private readonly Counter<long> apiCalls;
    private readonly Counter<long> apiRetries;
    private readonly Counter<long> objectsLanded;
    private readonly Counter<long> rowsTransformed;
    private readonly Counter<long> rowsQuarantined;
    private readonly Histogram<double> goldBuild;
    private readonly ILogger<PipelineTelemetry> logger;

    public PipelineTelemetry(IMeterFactory meters, DatasetAges ages, ILogger<PipelineTelemetry> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(ages);
        this.logger = logger;
        Meter = meters.Create(MeterName);
        runs = Meter.CreateCounter<long>("runs", "{run}", "Finished runs, by status (succeeded, partial, failed) and trigger.");
        apiCalls = Meter.CreateCounter<long>("api.calls", "{call}", "API requests, by source and outcome (succeeded, or failed after the client's retries).");
        apiRetries = Meter.CreateCounter<long>("api.retries", "{retry}", "Attempts repeated by the client's retry (429, 5xx, timeouts), by source.");
        objectsLanded = Meter.CreateCounter<long>("bronze.objects_landed", "{object}", "API responses landed in bronze, by dataset.");
        rowsTransformed = Meter.CreateCounter<long>("silver.rows_transformed", "{row}", "Rows read from bronze into silver (quarantined included), by dataset.");
        rowsQuarantined = Meter.CreateCounter<long>("silver.rows_quarantined", "{row}", "Rows that failed validation and went to quarantine, by dataset.");
        goldBuild = Meter.CreateHistogram<double>("gold.build.seconds", "s", "Time to build and publish gold, per build.");
        Meter.CreateObservableGauge("dataset.age.seconds", ages.Measure, "s", "Seconds since each dataset last landed new data (as `lakehouse status` shows it).");
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
            runs.Add(1, new("status", Lower(record.Status)), new("trigger", record.Trigger));
        }

        foreach (var dataset in record.Datasets)
        {
            var tag = new KeyValuePair<string, object?>("dataset", dataset.Dataset);
            // Zeros too: a dataset's series exists from its first run.
            objectsLanded.Add(dataset.ObjectsLanded, tag);
            rowsTransformed.Add(dataset.RowsTransformed, tag);
            rowsQuarantined.Add(dataset.RowsQuarantined, tag);
        }

        Raise(RunFinished, record);
    }

    public void OnApiCall(string source, bool succeeded, string? error = null)
    {
        apiCalls.Add(1, new("source", source), new("outcome", succeeded ? "succeeded" : "failed"));
        Raise(ApiCallFinished, new ApiCallOutcome(source, succeeded, error));
    }

    public void OnApiRetry(string source) => apiRetries.Add(1, new KeyValuePair<string, object?>("source", source));

    public void OnGoldBuilt(TimeSpan elapsed) => goldBuild.Record(elapsed.TotalSeconds);

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
