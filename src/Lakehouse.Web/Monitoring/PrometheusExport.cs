using System.Diagnostics.Metrics;
using Lakehouse.Monitoring;
using Prometheus;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// The pipeline's "Lakehouse" meter as prometheus-net metrics in a registry of this host's own (not prometheus-net's
/// process-wide default): at each scrape its observable instruments are measured, each counter's total becomes a
/// Prometheus counter (<c>lakehouse_runs_total</c>) and each gauge a gauge (<c>lakehouse_dataset_age_seconds</c>).
/// </summary>
/// <remarks>
/// Not prometheus-net's own <c>MeterAdapter</c>: it publishes .NET counters as gauges, drops a series no measurement
/// touched for a while (a day at most, which a weekly dataset's counters would not survive), and in this set-up
/// published no series at all for the observable instruments. The bridge here is the listener and the two metric types
/// prometheus-net provides; the instruments of this composition root's meter only, so hosts never mix counts.
/// </remarks>
internal sealed class PrometheusExport : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly IMetricFactory factory;

    public PrometheusExport(PipelineTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        Registry = Metrics.NewCustomRegistry();
        factory = Metrics.WithCustomRegistry(Registry);
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (ReferenceEquals(instrument.Meter, telemetry.Meter))
            {
                meterListener.EnableMeasurementEvents(instrument, new Series(factory, instrument));
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        listener.Start();
        Registry.AddBeforeCollectCallback(listener.RecordObservableInstruments);
    }

    public CollectorRegistry Registry { get; }

    public void Dispose() => listener.Dispose();

    /// <summary>One instrument's metric, created at its first measurement, when its tags' names are known.</summary>
    private sealed class Series(IMetricFactory factory, Instrument instrument)
    {
        private readonly Lock gate = new();
        private Counter? counter;
        private Gauge? gauge;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var names = new string[tags.Length];
            var values = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                names[i] = tags[i].Key;
                values[i] = Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            lock (gate)
            {
                var name = $"{PipelineTelemetry.MeterName}_{instrument.Name}".Replace('.', '_').ToLowerInvariant();
                if (instrument is ObservableCounter<long> or ObservableCounter<double>)
                {
                    counter ??= factory.CreateCounter(name + "_total", instrument.Description ?? name, names);
                    counter.WithLabels(values).IncTo(value);
                }
                else
                {
                    gauge ??= factory.CreateGauge(name, instrument.Description ?? name, names);
                    gauge.WithLabels(values).Set(value);
                }
            }
        }
    }
}
