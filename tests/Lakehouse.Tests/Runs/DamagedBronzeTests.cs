using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// Bronze is checked, not trusted: an object cut short on disk is named in the run summary rather than quarantined as
/// a bad row, and the next run fetches its request again (although the manifest says it is unchanged) and heals gold.
/// </summary>
public sealed class DamagedBronzeTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task An_object_cut_short_before_its_transform_is_named_and_the_next_run_fetches_it_again_and_heals_gold()
    {
        // Given a lake after one run, whose first launches page is then cut short on disk before a transform reads it
        // again (its silver commit gone, as after a crash between landing and publishing)
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));
        var first = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        first.Status.ShouldBe(RunStatus.Succeeded);
        var lake = temp.Combine("lake");
        var page = Directory.GetFiles(Path.Combine(lake, "bronze", "spacex", "launches", "all")).Order(StringComparer.Ordinal).First();
        var bytes = await File.ReadAllBytesAsync(page);
        await File.WriteAllBytesAsync(page, bytes[..(bytes.Length / 2)]);
        File.Delete(Path.Combine(lake, "_meta", "silver", "spacex", "launches", $"{first.RunId}.json"));
        var key = Path.GetRelativePath(lake, page).Replace('\\', '/');

        // When the next run comes (the probe unchanged: nothing is fetched, the pending bronze is transformed)
        var damaged = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the launches dataset failed naming the object and what is wrong with it, and nothing was quarantined
        var launches = damaged.Datasets.Single(d => d.Dataset == "spacex.launches");
        launches.Status.ShouldBe(DatasetStatus.Failed);
        launches.DamagedObjects.ShouldBe([$"{key} ({bytes.Length / 2} bytes where the manifest says {bytes.Length})"]);
        launches.Message.ShouldNotBeNull().ShouldContain($"1 bronze object is damaged and left out of silver: {key}");
        launches.RowsQuarantined.ShouldBe(0);
        damaged.Status.ShouldNotBe(RunStatus.Succeeded);

        // And when the run after it comes, with the API unchanged, it fetches the launches again, lands that page anew
        // (its stored copy no longer matches the manifest), and gold holds every launch
        server.ClearRequests();
        var healed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        healed.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", healed.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        var relanded = healed.Datasets.Single(d => d.Dataset == "spacex.launches");
        relanded.ObjectsLanded.ShouldBe(1);
        relanded.ObjectsUnchanged.ShouldBe(2);
        server.Requests.Count(r => r.Path == "/v5/launches/query").ShouldBe(3);
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        File.Exists(Path.Combine(lake, "_meta", "damaged", "spacex", "launches.json")).ShouldBeFalse();

        // And the run after that stops at the probe again
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).EarlyExit.ShouldBeTrue();
    }
}
