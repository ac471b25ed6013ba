using System.Text;
using System.Text.RegularExpressions;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// SpaceX between full refreshes: a changed <c>/v5/launches/latest</c> makes the launches be asked for filtered on the
/// server (recent and upcoming ones only), one dataset's run uses the probe as the whole source's does, and the gold
/// equals what a full read of the same data builds. Against the local server replaying the recorded fixtures.
/// </summary>
public sealed partial class SpaceXIncrementalTests : IAsyncLifetime, IDisposable
{
    /// <summary>The first upcoming launch of the dump (flight 188, 2022-10-08), which the tests let fly.</summary>
    private const string NextLaunchId = "633f71240531f07b4fdf59bb";

    private static readonly RunRequest LaunchesRun =
        new("test", new HashSet<string>(), new HashSet<DatasetName> { new("spacex", "launches") });

    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task After_one_new_launch_the_launches_job_makes_two_requests_and_asks_only_for_recent_and_upcoming_launches()
    {
        // Given a lake whose launches were read in full, and then one upcoming launch that flies
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Combine("a"), server.BaseAddress));
        (await host.Pipeline.RunAsync(LaunchesRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        server.Catalog = WithNextLaunchFlown(server.Catalog);
        server.ClearRequests();

        // When the scheduled launches job runs again
        var run = await host.Pipeline.RunAsync(LaunchesRun, CancellationToken.None);

        // Then the server saw the probe and one filtered page (the issue allows 3): launches dated from 30 days
        // before Crew-5 (2022-10-05, the newest past launch landed) and every upcoming one
        run.Status.ShouldBe(RunStatus.Succeeded);
        var requests = server.Requests;
        requests.Select(r => $"{r.Method} {r.Path}").ShouldBe(["GET /v5/launches/latest", "POST /v5/launches/query"]);
        requests[1].Body.ShouldContain("{\"$or\":[{\"date_utc\":{\"$gte\":\"2022-09-05T00:00:00.000Z\"}},{\"upcoming\":true}]}");
        run.ApiCalls.ShouldBe(2);

        // And gold shows the launch as flown: one more past launch, one fewer upcoming
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        host.Scalar<long>("SELECT count(*) FROM fact_launch WHERE upcoming").ShouldBe(17);
        host.Scalar<bool>($"SELECT success FROM fact_launch WHERE launch_id = '{NextLaunchId}'").ShouldBeTrue();
    }

    [SkippableFact]
    public async Task A_filtered_run_builds_the_same_gold_as_a_full_read_of_the_same_data()
    {
        // Given a lake that read everything, then one launch that flies
        using var incremental = PipelineHost.Create(PipelineHost.Settings(temp.Combine("incremental"), server.BaseAddress));
        (await incremental.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        server.Catalog = WithNextLaunchFlown(server.Catalog);
        server.ClearRequests();

        // When that lake runs between full refreshes, and a fresh lake reads the same data in full
        var filtered = await incremental.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var requests = server.Requests;
        var launchQueries = requests.Where(r => r.Path == "/v5/launches/query").ToList();
        using var full = PipelineHost.Create(PipelineHost.Settings(temp.Combine("full"), server.BaseAddress));
        (await full.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);

        // Then the launches were asked for filtered, in one page, and both golds hold the same rows
        filtered.Status.ShouldBe(RunStatus.Succeeded);
        launchQueries.ShouldHaveSingleItem().Body.ShouldContain("\"$or\"");

        // (the other datasets are still read whole: the probe, 1 launches page, and at 100 a page 3 of payloads (225)
        // and 1 each of the other six, of which cores, crew and capsules have no fixture and answer empty)
        requests.Count.ShouldBe(11);
        GoldComparison.Differences(full.GoldPath, incremental.GoldPath).ShouldBeEmpty();
        incremental.Scalar<long>("SELECT count(*) FROM fact_launch WHERE NOT upcoming").ShouldBe(188);
    }

    [SkippableFact]
    public async Task A_single_dataset_job_stops_at_an_unchanged_probe_and_rereads_everything_once_a_full_refresh_is_due()
    {
        // Given a lake whose launches job ran once
        var settings = PipelineHost.Settings(temp.Combine("job"), server.BaseAddress);
        using var host = PipelineHost.Create(settings);
        (await host.Pipeline.RunAsync(LaunchesRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        server.ClearRequests();

        // When it fires again with nothing changed
        var second = await host.Pipeline.RunAsync(LaunchesRun, CancellationToken.None);

        // Then it asked /latest alone and stopped there
        server.Requests.Select(r => r.Path).ShouldBe(["/v5/launches/latest"]);
        second.EarlyExit.ShouldBeTrue();
        second.ApiCalls.ShouldBe(1);

        // And with a full refresh due at every run, the next fire reads every page, unfiltered
        settings["Lakehouse:Sources:SpaceX:FullRefreshInterval"] = "00:00:00";
        using var due = PipelineHost.Create(settings);
        server.ClearRequests();
        var third = await due.Pipeline.RunAsync(LaunchesRun, CancellationToken.None);
        third.EarlyExit.ShouldBeFalse();
        var queries = server.Requests.Where(r => r.Path == "/v5/launches/query").ToList();
        queries.Count.ShouldBe(3); // 205 launches at 100 a page
        queries.ShouldAllBe(q => q.Body.StartsWith("{\"query\":{},", StringComparison.Ordinal));
    }

    /// <summary>The catalog with <see cref="NextLaunchId"/> flown: no longer upcoming, a success.</summary>
    internal static SpaceXCatalog WithNextLaunchFlown(SpaceXCatalog catalog) =>
        catalog.With("launches", catalog["launches"].Select(e => Encoding.UTF8.GetString(e.Span)).Select(
            e => e.Contains($"\"{NextLaunchId}\"", StringComparison.Ordinal)
                ? Success().Replace(Upcoming().Replace(e, "\"upcoming\": false"), "\"success\": true")
                : e).ToList());

    [GeneratedRegex("\"upcoming\":\\s*true")]
    private static partial Regex Upcoming();

    [GeneratedRegex("\"success\":\\s*null")]
    private static partial Regex Success();
}
