using Lakehouse.Monitoring;
using Prometheus;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// The pipeline's "Lakehouse" meter as Prometheus metrics: prometheus-net's meter adapter, publishing into a registry
/// of this host's own (not prometheus-net's process-wide default) the instruments of this composition root's meter only.
/// </summary>
/// <remarks>
/// prometheus-net forgets a series that has not changed for <see cref="MeterAdapterOptions.MetricsExpireAfter"/>
/// (5 minutes by default), which would make a run counter vanish between two fires of a six-hourly schedule; kept
/// 30 days here. Counters are published as gauges by the adapter (it cannot know that a .NET counter is never
/// recreated), so rates are taken with <c>deriv</c>/<c>delta</c> rather than <c>rate</c>, or from increases.
/// </remarks>
internal sealed class PrometheusExport : IDisposable
{
    private static readonly double[] GoldBuildBuckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly IDisposable adapter;

    public PrometheusExport(PipelineTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        Registry = Metrics.NewCustomRegistry();
        adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            InstrumentFilterPredicate = instrument => ReferenceEquals(instrument.Meter, telemetry.Meter),
            MetricsExpireAfter = TimeSpan.FromDays(30),
            ResolveHistogramBuckets = _ => GoldBuildBuckets,
        });
    }

    public CollectorRegistry Registry { get; }

    public void Dispose() => adapter.Dispose();
}
