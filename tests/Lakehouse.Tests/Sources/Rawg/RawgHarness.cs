using Lakehouse.Bronze;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Rawg;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.Rawg;

/// <summary>
/// The RAWG source as the composition root registers it (<see cref="PipelineHostBuilder"/>), pointed at a <see cref="RawgApiServer"/> replaying the recorded fixtures, over a temp-folder lake, with the real
/// lander; retries are short and the clock is fixed.
/// </summary>
internal sealed class RawgHarness : IDisposable
{
    private readonly PipelineHost host;

    /// <param name="root">The temp folder the lake goes under (<c>{root}/lake</c>).</param>
    /// <param name="api">The local RAWG server.</param>
    /// <param name="key">RAWG_API_KEY.</param>
    /// <param name="now">The fixed clock.</param>
    /// <param name="settings">Extra settings, by full key.</param>
    public RawgHarness(string root, Uri api, string? key, DateTimeOffset now, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = new PipelineHostBuilder(root)
            .Source("Rawg", api)
            .Set("Lakehouse:Sources:Rawg:RetryMaxDelay", "00:00:00.050")
            .Set("Lakehouse:Sources:Rawg:MaxAttempts", "2")
            .Environment(RawgSource.ApiKeyVariable, key)
            .Time(new FixedTimeProvider(now));
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Set(name, value);
        }

        Now = now;
        host = builder.Build();
        Source = host.Source<RawgSource>();
        Lander = host.Get<BronzeLander>();
    }

    public static RawgCatalogues Fixtures => RecordedCatalogs.Rawg;

    public DateTimeOffset Now { get; }

    public IObjectStore Store => host.Store;

    public RawgSource Source { get; }

    public BronzeLander Lander { get; }

    public global::Lakehouse.Sources.Http.RequestQuota Quota => host.Get<global::Lakehouse.Sources.Http.RequestQuota>();

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

    public void Dispose() => host.Dispose();
}
