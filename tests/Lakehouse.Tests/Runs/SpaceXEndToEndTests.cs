using System.Text;
using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// The whole SpaceX flow, in-process, against a local server replaying the recorded fixtures: land, transform,
/// model, and what a second run does. Gold numbers are checked against values computed from the fixture JSON by
/// hand-run python (the one-liners are quoted), never against the program's own output.
/// </summary>
public sealed class SpaceXEndToEndTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task A_first_run_builds_gold_whose_numbers_match_the_fixture_json()
    {
        // Given an empty lake and the recorded API
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then every dataset succeeded and gold holds what the fixtures say
        run.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", run.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        // RAWG has no key here: its datasets are skipped, not failed
        var spacex = run.Datasets.Where(d => d.Dataset.StartsWith("spacex.", StringComparison.Ordinal)).ToList();
        spacex.Count.ShouldBe(8);
        spacex.ShouldAllBe(d => d.Status == DatasetStatus.Succeeded);

        // python3 -c "import json;print(len(json.load(open('v4-launches.json'))))"  → 205
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);

        // python3: L=[...]; known=[l for l in L if l['success'] is not None]; 181 successes of 186 known (19 null, 18 upcoming)
        host.Scalar<long>("SELECT count(*) FROM fact_launch WHERE success").ShouldBe(181);
        host.Scalar<long>("SELECT count(*) FROM fact_launch WHERE success IS NOT NULL").ShouldBe(186);
        host.Scalar<long>("SELECT count(*) FROM fact_launch WHERE upcoming").ShouldBe(18);

        // python3: sum of payloads' mass_kg per launch rocket name → Falcon 9 1298715.55, Falcon Heavy 13888, Falcon 1 385
        host.Scalar<double>("SELECT sum(f.payload_mass_kg) FROM fact_launch f JOIN dim_rocket r USING (rocket_key) WHERE r.name = 'Falcon 9'").ShouldBe(1298715.55, 0.01);
        host.Scalar<double>("SELECT sum(f.payload_mass_kg) FROM fact_launch f JOIN dim_rocket r USING (rocket_key) WHERE r.name = 'Falcon Heavy'").ShouldBe(13888, 0.01);
        host.Scalar<double>("SELECT sum(f.payload_mass_kg) FROM fact_launch f JOIN dim_rocket r USING (rocket_key) WHERE r.name = 'Falcon 1'").ShouldBe(385, 0.01);

        // python3: sum(1 for l in L for c in l['cores'] if c.get('reused') is True) → 119 reused core entries
        host.Scalar<long>("SELECT sum(reused_core_count) FROM fact_launch").ShouldBe(119);

        // python3: sum(1 for l in L for c in l['cores'] if c.get('core') is None) → 19, which go to the unknown core
        host.Scalar<long>("SELECT count(*) FROM bridge_launch_core b JOIN dim_core c USING (core_key) WHERE c.core_id IS NULL").ShouldBe(19);

        // The snapshot of this run counts launches that have happened: 205 - 18 upcoming = 187, 181 of them successes
        host.Scalar<long>("SELECT total_launches FROM agg_launch_snapshot ORDER BY run_id DESC LIMIT 1").ShouldBe(187);
        host.Scalar<long>("SELECT successes FROM agg_launch_snapshot ORDER BY run_id DESC LIMIT 1").ShouldBe(181);
        host.Scalar<long>($"SELECT count(*) FROM meta_run WHERE run_id = '{run.RunId}'").ShouldBe(1);
    }

    [SkippableFact]
    public async Task A_second_run_with_unchanged_data_makes_one_call_and_touches_neither_silver_nor_gold()
    {
        // Given a lake after one run
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var silverBefore = await Listing(host, "silver/");
        var goldWritten = File.GetLastWriteTimeUtc(host.GoldPath);
        var callsBefore = server.RequestCount;

        // When the same data is asked for again
        var second = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then /latest alone was asked, nothing was landed, silver and gold are as they were
        (server.RequestCount - callsBefore).ShouldBe(1);
        second.ApiCalls.ShouldBe(1);
        second.EarlyExit.ShouldBeTrue();
        second.Status.ShouldBe(RunStatus.Succeeded);
        second.Datasets.Where(d => d.Dataset.StartsWith("spacex.", StringComparison.Ordinal)).ShouldAllBe(d => d.Status == DatasetStatus.Unchanged && d.ObjectsLanded == 0);
        (await Listing(host, "silver/")).ShouldBe(silverBefore);
        File.GetLastWriteTimeUtc(host.GoldPath).ShouldBe(goldWritten);
    }

    [SkippableFact]
    public async Task A_due_full_refresh_rereads_everything_lands_only_what_changed_and_catches_an_edit_to_an_old_launch()
    {
        // Given a lake after one run, a full refresh due at every run, and an edit to the first launch
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Sources:SpaceX:FullRefreshInterval"] = "00:00:00";
        using var host = PipelineHost.Create(settings);
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var firstId = host.Scalar<string>("SELECT launch_id FROM fact_launch ORDER BY launch_id LIMIT 1");
        server.Catalog = server.Catalog.With("launches", server.Catalog["launches"].Select(e => Encoding.UTF8.GetString(e.Span)).Select(
            e => e.Contains($"\"{firstId}\"", StringComparison.Ordinal)
                ? e.Replace("\"details\":", "\"details\": \"edited by a test\", \"was_details\":", StringComparison.Ordinal)
                : e).ToList());

        // When the next run comes
        var second = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then every page was read again, only the page holding the edit was landed, and gold shows the edit
        second.EarlyExit.ShouldBeFalse();
        var launches = second.Datasets.Single(d => d.Dataset == "spacex.launches");
        launches.ObjectsLanded.ShouldBe(1);
        launches.ObjectsUnchanged.ShouldBe(launches.ApiCalls - 1);
        second.Datasets.Where(d => d.Dataset != "spacex.launches").ShouldAllBe(d => d.ObjectsLanded == 0);
        launches.SchemaDrift.ShouldContain(f => f.Contains("was_details", StringComparison.Ordinal));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        host.Scalar<string>($"SELECT details FROM fact_launch WHERE launch_id = '{firstId}'").ShouldBe("edited by a test");
    }

    [SkippableTheory]
    [InlineData("429 with Retry-After")]
    [InlineData("500 twice")]
    [InlineData("a timeout")]
    [InlineData("a truncated JSON body")]
    public async Task A_passing_fault_is_retried_and_the_run_succeeds(string fault)
    {
        // Given a server that answers the first launches page badly once (or twice)
        var remaining = fault == "500 twice" ? 2 : 1;
        server.Intercept = async context =>
        {
            if (!context.Request.Path.StartsWithSegments("/v5/launches/query") || Interlocked.Decrement(ref remaining) < 0)
            {
                return false;
            }

            switch (fault)
            {
                case "429 with Retry-After":
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "1";
                    return true;
                case "500 twice":
                    context.Response.StatusCode = 500;
                    return true;
                case "a timeout":
                    await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return true;
                default:
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("{\"docs\": [{\"id\": \"5eb87cd9ffd86e000604b32a\", \"name\": \"Fal", context.RequestAborted);
                    return true;
            }
        };
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then it retried its way to the same gold as without the fault
        run.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", run.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        run.Datasets.Single(d => d.Dataset == "spacex.launches").ApiCalls.ShouldBeGreaterThan(0);
    }

    [SkippableFact]
    public async Task A_dataset_whose_server_keeps_failing_fails_alone_and_the_next_run_heals_it()
    {
        // Given a server whose payloads route answers an HTML 503 every time
        server.Intercept = async context =>
        {
            if (!context.Request.Path.StartsWithSegments("/v4/payloads"))
            {
                return false;
            }

            context.Response.StatusCode = 503;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Application error</body></html>", context.RequestAborted);
            return true;
        };
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then payloads failed with a message that says why, the other datasets finished, gold was built without payloads
        run.Status.ShouldBe(RunStatus.Partial);
        var payloads = run.Datasets.Single(d => d.Dataset == "spacex.payloads");
        payloads.Status.ShouldBe(DatasetStatus.Failed);
        payloads.Message.ShouldNotBeNull().ShouldContain("503");
        run.Datasets.Where(d => d.Dataset.StartsWith("spacex.", StringComparison.Ordinal) && d.Dataset != "spacex.payloads").ShouldAllBe(d => d.Status == DatasetStatus.Succeeded);
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);

        // And when the server recovers, the next run does not stop at the unchanged probe: it fetches and heals
        server.Intercept = null;
        var next = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        next.Status.ShouldBe(RunStatus.Succeeded);
        next.EarlyExit.ShouldBeFalse();
        next.Datasets.Single(d => d.Dataset == "spacex.payloads").ObjectsLanded.ShouldBeGreaterThan(0);
        host.Scalar<double>("SELECT sum(payload_mass_kg) FROM fact_launch").ShouldBe(1298715.55 + 13888 + 385, 0.01);
    }

    [SkippableFact]
    public async Task Bad_records_are_quarantined_duplicates_kept_once_and_new_fields_reported_as_drift()
    {
        // Given launches where one has no id, one a wrong type, one an unknown field, and one appears on two pages
        var catalog = server.Catalog;
        var launches = catalog["launches"];
        var broken = new List<string>(launches.Select(e => Encoding.UTF8.GetString(e.Span)))
        {
            """{"name": "no id", "date_utc": "2020-01-01T00:00:00.000Z", "flight_number": 999}""",
        };
        broken[1] = broken[1].Replace("\"flight_number\":", "\"flight_number\": \"abc\", \"was_flight_number\":", StringComparison.Ordinal);
        broken[2] = broken[2].Replace("\"details\":", "\"mission_patch_3d\": true, \"details\":", StringComparison.Ordinal);
        broken.Add(broken[3]);
        server.Catalog = catalog.With("launches", broken);
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Sources:SpaceX:PageSize"] = "100";
        using var host = PipelineHost.Create(settings);

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the run succeeded, two rows went to quarantine, the duplicate counts once, and drift names the new field
        run.Status.ShouldBe(RunStatus.Succeeded);
        var dataset = run.Datasets.Single(d => d.Dataset == "spacex.launches");
        dataset.RowsQuarantined.ShouldBe(2);
        dataset.SchemaDrift.ShouldContain(f => f.Contains("mission_patch_3d", StringComparison.Ordinal));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205 - 1);
        host.Scalar<long>("SELECT count(DISTINCT launch_id) FROM fact_launch").ShouldBe(205 - 1);
    }

    [SkippableFact]
    public async Task An_empty_array_is_a_dataset_with_no_rows_and_gold_still_builds()
    {
        // Given an API whose crew list is empty
        server.Catalog = server.Catalog.With("crew", Array.Empty<string>());
        using var host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then crew landed its one (empty) page, transformed nothing, and launch crew point at the unknown member
        run.Status.ShouldBe(RunStatus.Succeeded);
        var crew = run.Datasets.Single(d => d.Dataset == "spacex.crew");
        crew.ObjectsLanded.ShouldBe(1);
        crew.RowsTransformed.ShouldBe(0);
        host.Scalar<long>("SELECT count(*) FROM dim_crew WHERE crew_id IS NOT NULL").ShouldBe(0);
        host.Scalar<long>("SELECT count(*) FROM bridge_launch_crew b JOIN dim_crew c USING (crew_key) WHERE c.crew_id IS NULL")
            .ShouldBe(host.Scalar<long>("SELECT sum(crew_count) FROM fact_launch"));
    }

    [SkippableFact]
    public async Task An_HTML_page_answered_with_200_is_landed_as_received_quarantined_whole_and_the_next_run_heals()
    {
        // Given a server that answers the rockets query once with a 200 HTML page (a captive portal, a proxy error)
        const string html = "<html><body><h1>Service temporarily unavailable</h1></body></html>";
        var once = 1;
        server.Intercept = async context =>
        {
            if (!context.Request.Path.StartsWithSegments("/v4/rockets") || Interlocked.Exchange(ref once, 0) == 0)
            {
                return false;
            }

            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync(html, context.RequestAborted);
            return true;
        };
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Sources:SpaceX:FullRefreshInterval"] = "00:00:00";
        using var host = PipelineHost.Create(settings);

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the body is in bronze byte for byte, the whole object is in quarantine, and launches still built
        run.Status.ShouldBe(RunStatus.Succeeded);
        run.Datasets.Single(d => d.Dataset == "spacex.rockets").RowsQuarantined.ShouldBe(1);
        var bronze = (await host.Store.ListAllAsync("bronze/spacex/rockets/", CancellationToken.None)).Single();
        Encoding.UTF8.GetString(await host.Store.ReadAllBytesAsync(bronze.Key, CancellationToken.None)).ShouldBe(html);
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        host.Scalar<long>("SELECT count(*) FROM dim_rocket WHERE rocket_id IS NOT NULL").ShouldBe(0);

        // And the next run lands the real answer and gold has its rockets (4 in v4-rockets.json)
        var next = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        next.Status.ShouldBe(RunStatus.Succeeded);
        host.Scalar<long>("SELECT count(*) FROM dim_rocket WHERE rocket_id IS NOT NULL").ShouldBe(4);
    }

    private static async Task<List<string>> Listing(PipelineHost host, string prefix) =>
        [.. (await host.Store.ListAllAsync(prefix, CancellationToken.None)).Select(o => $"{o.Key} {o.Size} {o.LastModified:O}")];
}
