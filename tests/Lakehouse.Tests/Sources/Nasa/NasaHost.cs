using Lakehouse.Bronze;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Tests.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Options;

namespace Lakehouse.Tests.Sources.Nasa;

/// <summary>
/// The NASA source as the composition root registers it (<see cref="PipelineHostBuilder"/>), pointed at a local
/// <see cref="NasaApiServer"/>, landing through the real <see cref="BronzeLander"/> into a temp folder lake, with its logs collected and a clock set to a fixed day that
/// still advances (the client's pauses need time to pass).
/// </summary>
internal sealed class NasaHost : IAsyncDisposable
{
    /// <summary>A key shaped like a real one (40 characters), which must show up nowhere.</summary>
    public const string Key = "Zq7kP2mN9xV4bT6wR1yH8jL3cF5gD0sA2eU4iO6p";

    private readonly PipelineHost host;
    private readonly TempDirectory root;

    private NasaHost(NasaApiServer server, PipelineHost host, TempDirectory root, CollectingLoggerProvider logs)
    {
        Server = server;
        this.host = host;
        this.root = root;
        Logs = logs;
    }

    public NasaApiServer Server { get; }

    public CollectingLoggerProvider Logs { get; }

    public NasaSource Source => host.Get<NasaSource>();

    public BronzeLander Lander => host.Get<BronzeLander>();

    public string LakePath => host.LakePath;

    public SourceHttpOptions HttpOptions => host.Get<IOptionsMonitor<SourceHttpOptions>>().Get(NasaSource.SourceName);

    /// <param name="today">The source's today.</param>
    /// <param name="key">NASA_API_KEY, or null for DEMO_KEY.</param>
    /// <param name="serverOptions">The server's rules (by default it accepts only <paramref name="key"/>).</param>
    /// <param name="settings">Extra settings under <c>Lakehouse:Sources:Nasa</c>; by default the limits are out of the way.</param>
    public static async Task<NasaHost> StartAsync(
        DateOnly today, string? key = Key, NasaApiServerOptions? serverOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var catalog = RecordedCatalogs.Nasa(new NasaSampleGenerator(7));
        var server = await NasaApiServer.StartAsync(catalog, serverOptions ?? new NasaApiServerOptions { ValidKey = key ?? NasaSource.DemoKey, Today = today });
        var root = new TempDirectory();
        var logs = new CollectingLoggerProvider();
        var builder = new PipelineHostBuilder(root.Path)
            .Source("Nasa", server.BaseAddress)
            .Set("Lakehouse:Sources:Nasa:RetryMaxDelay", "00:00:00.100")
            .Set("Lakehouse:Sources:Nasa:RequestTimeout", "00:00:05")
            .Environment(NasaSource.ApiKeyVariable, key)
            .Time(new ShiftedTimeProvider(today))
            .Logs(logs);
        if (settings is not null)
        {
            // The limits are the test's: the configured defaults unless it names them.
            builder.Set("Lakehouse:Sources:Nasa:RequestsPerSecond", null).Set("Lakehouse:Sources:Nasa:Burst", null);
            foreach (var (name, value) in settings)
            {
                builder.Set($"Lakehouse:Sources:Nasa:{name}", value);
            }
        }

        return new NasaHost(server, builder.Build(), root, logs);
    }

    public T Services<T>()
        where T : notnull => host.Get<T>();

    public SourceDataset Dataset(string name) => Source.Datasets.Single(d => d.Name.Name == name);

    /// <summary>Fetches one partition and collects the exchanges (without landing them).</summary>
    public async Task<List<SourceExchange>> FetchAsync(string dataset, Partition partition)
    {
        var exchanges = new List<SourceExchange>();
        await foreach (var exchange in Source.FetchAsync(Dataset(dataset), partition, CancellationToken.None))
        {
            exchanges.Add(exchange);
        }

        return exchanges;
    }

    /// <summary>Lands one partition through the real lander, as an incremental run would.</summary>
    public Task<LandingResult> LandAsync(string dataset, Partition partition)
    {
        var time = host.Get<TimeProvider>();
        return Lander.LandAsync(
            Dataset(dataset).Name, partition, RunId.New(time), Source.FetchAsync(Dataset(dataset), partition, CancellationToken.None),
            new LandingOptions(AdvanceCursor: true, time.GetUtcNow()), CancellationToken.None);
    }

    public async Task<string?> CursorAsync(string dataset) =>
        (await LakeJson.ReadAsync<DatasetState>(host.Store, LakeKeys.DatasetState(Dataset(dataset).Name), CancellationToken.None))?.Cursor;

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await Server.DisposeAsync();
        root.Dispose();
    }
}

/// <summary>The real clock moved to midday of a chosen day: timestamps and delays still advance.</summary>
internal sealed class ShiftedTimeProvider(DateOnly today) : TimeProvider
{
    private readonly TimeSpan shift = new DateTimeOffset(today, new TimeOnly(12, 0), TimeSpan.Zero) - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
