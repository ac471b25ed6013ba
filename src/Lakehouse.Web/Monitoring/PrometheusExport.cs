using Lakehouse.Monitoring;
using Prometheus;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// The pipeline's "Lakehouse" meter as Prometheus metrics: prometheus-net's meter adapter, publishing into a registry
/// of this host's own (not prometheus-net's process-wide default) the instruments of this composition root's meter only.
/// </summary>
/// <remarks>
/// prometheus-net forgets a series that no measurement touched for <see cref="MeterAdapterOptions.MetricsExpireAfter"/>
/// (at most a day); the pipeline's instruments are all observable, measured whole at every scrape, so a series comes
/// back with its full value. The adapter publishes counters as gauges (it cannot know that a .NET counter is never
/// recreated): take increases with <c>delta</c>/<c>idelta</c>, or as differences, rather than <c>rate</c>.
/// </remarks>
internal sealed class PrometheusExport : IDisposable
{
    private readonly IDisposable adapter;

    public PrometheusExport(PipelineTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        Registry = Metrics.NewCustomRegistry();
        adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            InstrumentFilterPredicate = instrument => ReferenceEquals(instrument.Meter, telemetry.Meter),
            MetricsExpireAfter = TimeSpan.FromDays(1),
        });
    }

    public CollectorRegistry Registry { get; }

    public void Dispose() => adapter.Dispose();
}
