using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Storage;
using Lakehouse.Tests.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Tests.Sources.Nasa;

/// <summary>
/// The NASA source as <c>AddNasa</c> registers it, pointed at a local <see cref="NasaApiServer"/>, landing through the
/// real <see cref="BronzeLander"/> into a temp folder lake, with its logs collected and a clock set to a fixed day that
/// still advances (the client's pauses need time to pass).
/// </summary>
internal sealed class NasaHost : IAsyncDisposable
{
    /// <summary>A key shaped like a real one (40 characters), which must show up nowhere.</summary>
    public const string Key = "Zq7kP2mN9xV4bT6wR1yH8jL3cF5gD0sA2eU4iO6p";

    private readonly ServiceProvider services;
    private readonly TempDirectory lake;

    private NasaHost(NasaApiServer server, ServiceProvider services, TempDirectory lake, CollectingLoggerProvider logs)
    {
        Server = server;
        this.services = services;
        this.lake = lake;
        Logs = logs;
    }

    public NasaApiServer Server { get; }

    public CollectingLoggerProvider Logs { get; }

    public NasaSource Source => services.GetRequiredService<NasaSource>();

    public BronzeLander Lander => services.GetRequiredService<BronzeLander>();

    public string LakePath => lake.Path;

    public SourceHttpOptions HttpOptions => services.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>().Get(NasaSource.SourceName);

    /// <param name="today">The source's today.</param>
    /// <param name="key">NASA_API_KEY, or null for DEMO_KEY.</param>
    /// <param name="serverOptions">The server's rules (by default it accepts only <paramref name="key"/>).</param>
    /// <param name="settings">Extra settings under <c>Lakehouse:Sources:Nasa</c>; by default the limits are out of the way.</param>
    public static async Task<NasaHost> StartAsync(
        DateOnly today, string? key = Key, NasaApiServerOptions? serverOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var catalog = NasaCatalog.FromFixtures(Path.Combine(RepositoryPaths.SharedFixtures, "nasa"), new NasaSampleGenerator(7));
        var server = await NasaApiServer.StartAsync(catalog, serverOptions ?? new NasaApiServerOptions { ValidKey = key ?? NasaSource.DemoKey, Today = today });
        var values = new Dictionary<string, string?>
        {
            ["Lakehouse:Sources:Nasa:BaseUrl"] = server.BaseAddress.ToString(),
            ["Lakehouse:Sources:Nasa:RetryBaseDelay"] = "00:00:00.010",
            ["Lakehouse:Sources:Nasa:RetryMaxDelay"] = "00:00:00.100",
            ["Lakehouse:Sources:Nasa:RequestTimeout"] = "00:00:05",
            ["Lakehouse:Sources:Nasa:MaxAttempts"] = "3",
        };
        if (settings is null)
        {
            values["Lakehouse:Sources:Nasa:RequestsPerSecond"] = "1000";
            values["Lakehouse:Sources:Nasa:Burst"] = "100";
        }
        else
        {
            foreach (var (name, value) in settings)
            {
                values[$"Lakehouse:Sources:Nasa:{name}"] = value;
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        var logs = new CollectingLoggerProvider();
        collection.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddSingleton<TimeProvider>(new ShiftedTimeProvider(today));
        collection.AddSingleton(LakehouseSecrets.ForSource(NasaSource.ApiKeyVariable, key));
        var lakeFolder = new TempDirectory();
        collection.AddSingleton<IObjectStore>(new FileSystemObjectStore(lakeFolder.Path));
        collection.AddSingleton<BronzeVerifier>();
        collection.AddSingleton<BronzeLander>();
        collection.AddNasa(configuration);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new NasaHost(server, provider, lakeFolder, logs);
    }

    public T Services<T>()
        where T : notnull => services.GetRequiredService<T>();

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
        var time = services.GetRequiredService<TimeProvider>();
        return Lander.LandAsync(
            Dataset(dataset).Name, partition, RunId.New(time), Source.FetchAsync(Dataset(dataset), partition, CancellationToken.None),
            new LandingOptions(AdvanceCursor: true, time.GetUtcNow()), CancellationToken.None);
    }

    public async Task<string?> CursorAsync(string dataset) =>
        (await LakeJson.ReadAsync<DatasetState>(services.GetRequiredService<IObjectStore>(), LakeKeys.DatasetState(Dataset(dataset).Name), CancellationToken.None))?.Cursor;

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Server.DisposeAsync();
        lake.Dispose();
    }
}

/// <summary>The real clock moved to midday of a chosen day: timestamps and delays still advance.</summary>
internal sealed class ShiftedTimeProvider(DateOnly today) : TimeProvider
{
    private readonly TimeSpan shift = new DateTimeOffset(today, new TimeOnly(12, 0), TimeSpan.Zero) - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
