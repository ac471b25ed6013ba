using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Rawg;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Sources.Rawg;

/// <summary>
/// The RAWG source as the composition root registers it (<see cref="RawgServiceCollectionExtensions.AddRawg"/>),
/// pointed at a <see cref="RawgApiServer"/> replaying the recorded fixtures, over a temp-folder lake, with the real
/// lander; retries are short and the clock is fixed.
/// </summary>
internal sealed class RawgHarness : IDisposable
{
    private readonly ServiceProvider services;

    public RawgHarness(string lake, Uri api, string? key, DateTimeOffset now, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Lakehouse:Sources:Rawg:BaseUrl"] = api.ToString(),
            ["Lakehouse:Sources:Rawg:RetryBaseDelay"] = "00:00:00.010",
            ["Lakehouse:Sources:Rawg:RetryMaxDelay"] = "00:00:00.050",
            ["Lakehouse:Sources:Rawg:MaxAttempts"] = "2",
            ["Lakehouse:Sources:Rawg:RequestsPerSecond"] = "1000",
            ["Lakehouse:Sources:Rawg:Burst"] = "100",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            values[name] = value;
        }

        Now = now;
        Store = new FileSystemObjectStore(lake);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<TimeProvider>(new FixedTimeProvider(now));
        collection.AddSingleton<IObjectStore>(Store);
        collection.AddSingleton(LakehouseSecrets.ForSource(RawgSource.ApiKeyVariable, key));
        collection.AddSingleton<BronzeVerifier>();
        collection.AddSingleton<BronzeLander>();
        collection.AddRawg(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services = collection.BuildServiceProvider();
        Source = (RawgSource)services.GetRequiredService<ISource>();
        Lander = services.GetRequiredService<BronzeLander>();
    }

    public static RawgCatalogues Fixtures { get; } = RawgCatalogues.FromFixtures(Path.Combine(RepositoryPaths.SharedFixtures, "rawg"));

    public DateTimeOffset Now { get; }

    public FileSystemObjectStore Store { get; }

    public RawgSource Source { get; }

    public BronzeLander Lander { get; }

    public global::Lakehouse.Sources.Http.RequestQuota Quota => services.GetRequiredService<global::Lakehouse.Sources.Http.RequestQuota>();

    public SourceDataset Dataset(DatasetName name) => Source.Datasets.Single(d => d.Name == name);

    /// <summary>Lands one partition as an incremental run does.</summary>
    public Task<LandingResult> LandAsync(DatasetName dataset, Partition partition) =>
        Lander.LandAsync(dataset, partition, RunId.New(TimeProvider.System), Source.FetchAsync(Dataset(dataset), partition, CancellationToken.None),
            new LandingOptions(AdvanceCursor: true, Now), CancellationToken.None);

    /// <summary>Plans and lands a dataset the way <c>lakehouse run</c> does.</summary>
    public async Task<LandingResult> RunAsync(DatasetName dataset)
    {
        var cursor = (await LakeJson.ReadAsync<DatasetState>(Store, LakeKeys.DatasetState(dataset), CancellationToken.None))?.Cursor;
        var total = LandingResult.Nothing;
        foreach (var partition in Source.PlanIncremental(Dataset(dataset), cursor, DateOnly.FromDateTime(Now.UtcDateTime), fullRefresh: true))
        {
            total += await LandAsync(dataset, partition);
        }

        return total;
    }

    public void Dispose() => services.Dispose();
}
