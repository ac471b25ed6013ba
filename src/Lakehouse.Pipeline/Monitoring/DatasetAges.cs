using System.Diagnostics.Metrics;
using Lakehouse.Lake;
using Lakehouse.Sources;
using Lakehouse.Storage;

namespace Lakehouse.Monitoring;

/// <summary>
/// When each dataset last landed new data, read from its record in the lake (<c>_meta/datasets/.../state.json</c>, the
/// same fact <c>lakehouse status</c> shows as freshness). Read by <see cref="RefreshAsync"/> (one small object per
/// dataset, no listing) before a scrape and before the alerts look; its gauge, <c>dataset.age.seconds</c> on the
/// "Lakehouse" meter, reports it against the clock.
/// </summary>
/// <remarks>
/// The gauge is created here rather than with the other instruments: this reads the sources' datasets, and the sources'
/// clients count their calls in <see cref="PipelineTelemetry"/>, which must not depend on the sources in turn.
/// </remarks>
internal sealed class DatasetAges
{
    private readonly IObjectStore store;
    private readonly IEnumerable<ISource> sources;
    private readonly TimeProvider time;
    private volatile IReadOnlyDictionary<string, DateTimeOffset?> landed = new Dictionary<string, DateTimeOffset?>();

    public DatasetAges(IObjectStore store, IEnumerable<ISource> sources, PipelineTelemetry telemetry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        this.store = store;
        this.sources = sources;
        this.time = time;
        telemetry.Meter.CreateObservableGauge("dataset.age.seconds", Measure, "s", "Seconds since each dataset last landed new data (as `lakehouse status` shows it).");
    }

    /// <summary>Every registered dataset, with when it last landed new data (null: never), as last read.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset?> LastLanded => landed;

    /// <summary>Reads every dataset's record again; a store that fails throws (the caller says what that means).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var next = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var dataset in sources.SelectMany(s => s.Datasets))
        {
            var state = await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(dataset.Name), ct);
            next[dataset.Name.ToString()] = state?.LastLandedAt;
        }

        landed = next;
    }

    /// <summary>The age of each dataset that has landed something, in seconds, now.</summary>
    public IEnumerable<Measurement<double>> Measure()
    {
        var now = time.GetUtcNow();
        foreach (var (dataset, at) in landed)
        {
            if (at is { } landedAt)
            {
                yield return new Measurement<double>(Math.Max(0, (now - landedAt).TotalSeconds), new KeyValuePair<string, object?>("dataset", dataset));
            }
        }
    }
}
