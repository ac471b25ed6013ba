using Lakehouse.Bronze;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Sources.Rawg;
using Lakehouse.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Sources.Rawg;

/// <summary>
/// The RAWG source against a local server replaying the recorded fixtures (page 1 of games is real; no further
/// games are generated here unless a test says so). Expected numbers come from python one-liners over the fixtures.
/// </summary>
public sealed class RawgSourceTests : IAsyncLifetime, IDisposable
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2024, 8, 12, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory temp = new();
    private RawgApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await RawgApiServer.StartAsync(new RawgSampleGenerator(7, 0, RawgHarness.Fixtures));

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task A_catalogue_is_paged_until_next_is_null()
    {
        // Given the 50 recorded platforms, served 40 a page
        using var rawg = Harness();

        // When rawg.platforms is landed
        var result = await rawg.RunAsync(RawgSource.Platforms);

        // Then both pages landed and nothing past the end was asked for
        // python3 -c "import json,math;print(math.ceil(len(json.load(open('platforms-page1.json'))['results'])/40))" → 2
        result.Landed.Count.ShouldBe(2);
        server.Requests.Select(r => r.Path).ShouldBe(["/platforms", "/platforms"]);
        server.Requests[1].QueryString.ShouldContain("page=2");
    }

    [SkippableFact]
    public async Task A_404_for_a_page_past_the_end_ends_the_paging_instead_of_failing()
    {
        // Given a server whose only page of genres claims a next page
        using var rawg = Harness();
        server.Intercept = async context =>
        {
            if (context.Request.Path != "/genres" || context.Request.Query["page"] != "1")
            {
                return false;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"count":41,"next":"http://x/genres?page=2","previous":null,"results":[{"id":4,"name":"Action","slug":"action"}]}""");
            return true;
        };

        // When rawg.genres is landed
        var result = await rawg.RunAsync(RawgSource.Genres);

        // Then page 2 was asked for, answered 404 Invalid page., and the landing succeeded with page 1
        server.RequestCount.ShouldBe(2);
        result.Landed.Count.ShouldBe(1);
    }

    [SkippableFact]
    public async Task Without_a_key_the_source_is_unavailable_with_one_line_naming_RAWG_API_KEY_and_sends_nothing()
    {
        // Given a lake and no RAWG_API_KEY
        using var host = PipelineHost.Create(new Dictionary<string, string?>(PipelineHost.Settings(temp.Path, server.BaseAddress))
        {
            ["Lakehouse:Sources:Rawg:BaseUrl"] = server.BaseAddress.ToString(),
        });

        // When a run asks for RAWG only
        var run = await host.Pipeline.RunAsync(new RunRequest("test", new HashSet<string> { "rawg" }, new HashSet<DatasetName>()), CancellationToken.None);

        // Then every RAWG dataset is skipped with the line that names the variable, and no request went out
        run.Datasets.Count.ShouldBe(6);
        run.Datasets.ShouldAllBe(d => d.Status == DatasetStatus.Skipped && d.Message!.Contains("RAWG_API_KEY") && !d.Message.Contains('\n'));
        run.Status.ShouldNotBe(RunStatus.Failed);
        server.RequestCount.ShouldBe(0);
    }

    [SkippableFact]
    public async Task A_401_stops_after_one_request_with_a_message_naming_RAWG_API_KEY()
    {
        // Given a server that accepts another key
        server.RequiredKey = "another-key";
        using var rawg = Harness();

        // When rawg.genres is landed
        var error = await Should.ThrowAsync<SourceAccessException>(() => rawg.RunAsync(RawgSource.Genres));

        // Then one request was sent, and the message names the variable but not the key
        server.RequestCount.ShouldBe(1);
        error.Message.ShouldContain("RAWG_API_KEY");
        error.Message.ShouldNotContain(Key);
    }

    [SkippableFact]
    public async Task A_429_ends_in_a_quota_exhausted_error_after_the_bounded_attempts()
    {
        // Given a server that answers 429 to everything
        using var rawg = Harness();
        server.Intercept = async context =>
        {
            context.Response.StatusCode = 429;
            await context.Response.WriteAsync("""{"error":"Too many requests"}""");
            return true;
        };

        // When rawg.stores is landed
        var error = await Should.ThrowAsync<QuotaExhaustedException>(() => rawg.RunAsync(RawgSource.Stores));

        // Then it gave up after MaxAttempts (2) with a message that says what happened and what to do
        server.RequestCount.ShouldBe(2);
        error.Message.ShouldContain("RAWG quota exhausted");
        error.Message.ShouldContain("continues later");
        error.IsTransient.ShouldBeFalse();
    }

    [SkippableFact]
    public async Task The_key_is_in_no_lake_file_although_the_server_echoes_it_into_next_urls()
    {
        // Given 30 generated games after the recorded page, 10 a page, so every page has a next or previous URL
        await using var api = await RawgApiServer.StartAsync(new RawgSampleGenerator(7, 30, RawgHarness.Fixtures));
        using var rawg = Harness(api, new() { ["Lakehouse:Sources:Rawg:PageSize"] = "10", ["Lakehouse:Sources:Rawg:StartYear"] = "2018" });

        // When games (by release month) and a catalogue are landed
        await rawg.RunAsync(RawgSource.Games);
        await rawg.RunAsync(RawgSource.Platforms);

        // Then the server did see the key, bronze holds REDACTED in its place, and no lake file holds the key
        api.Requests.ShouldAllBe(r => r.QueryString.Contains(Key));
        var files = Directory.GetFiles(temp.Combine("lake"), "*", SearchOption.AllDirectories);
        files.Length.ShouldBeGreaterThan(10);
        files.ShouldAllBe(f => !File.ReadAllText(f).Contains(Key));
        files.Where(f => f.Contains("bronze")).ShouldContain(f => File.ReadAllText(f).Contains("key=REDACTED"));
    }

    [SkippableFact]
    public async Task With_a_cursor_games_are_read_by_updated_window_and_the_cursor_moves_to_the_newest_updated()
    {
        // Given a games cursor from 2024-08-07, 5 games a page
        using var rawg = Harness(settings: new() { ["Lakehouse:Sources:Rawg:PageSize"] = "5" });
        var plan = rawg.Source.PlanIncremental(rawg.Dataset(RawgSource.Games), "2024-08-07T00:00:00", DateOnly.FromDateTime(Now.UtcDateTime), fullRefresh: true);

        // When the planned window is landed
        plan.Count.ShouldBe(1);
        var result = await rawg.LandAsync(RawgSource.Games, plan[0]);

        // Then it asked for updated=2024-08-06 (one day of overlap) to today, newest first, to the last page
        // python3 -c "import json;d=json.load(open('games-page1.json'))['results'];m=[g['updated'] for g in d if g['updated'][:10]>='2024-08-06'];print(len(m),max(m))"
        //   → 18 2024-08-10T17:43:58, so 4 pages of 5
        server.Requests.ShouldAllBe(r => r.QueryString.Contains("updated=2024-08-06%2C2024-08-12") && r.QueryString.Contains("ordering=-updated"));
        result.ApiCalls.ShouldBe(4);
        result.Cursor.ShouldBe("2024-08-10T17:43:58");
    }

    [SkippableFact]
    public void Without_a_cursor_games_are_planned_as_release_months_from_the_start_year_to_today()
    {
        // Given StartYear 2023
        using var rawg = Harness(settings: new() { ["Lakehouse:Sources:Rawg:StartYear"] = "2023" });

        // When the first load is planned on 2024-08-12
        var plan = rawg.Source.PlanIncremental(rawg.Dataset(RawgSource.Games), null, new DateOnly(2024, 8, 12), fullRefresh: true);

        // Then it is every month from 2023-01 to 2024-08 (12 + 8), the last one clipped to today
        plan.Count.ShouldBe(20);
        plan[0].Name.ShouldBe("2023-01");
        plan[0].End.ShouldBe(new DateOnly(2023, 1, 31));
        plan[^1].Name.ShouldBe("2024-08");
        plan[^1].End.ShouldBe(new DateOnly(2024, 8, 12));
    }

    [SkippableFact]
    public async Task A_first_load_sets_the_cursor_only_in_the_last_month_and_does_not_read_a_landed_month_again()
    {
        // Given recorded games plus 200 generated ones (released 2018-2025), StartYear 2024
        await using var api = await RawgApiServer.StartAsync(new RawgSampleGenerator(7, 200, RawgHarness.Fixtures));
        using var rawg = Harness(api, new() { ["Lakehouse:Sources:Rawg:StartYear"] = "2024" });
        var plan = rawg.Source.PlanIncremental(rawg.Dataset(RawgSource.Games), null, DateOnly.FromDateTime(Now.UtcDateTime), fullRefresh: true);

        // When the first month lands, then the whole plan is run
        var first = await rawg.LandAsync(RawgSource.Games, plan[0]);
        var before = api.RequestCount;
        var rest = LandingResult.Nothing;
        foreach (var partition in plan)
        {
            rest += await rawg.LandAsync(RawgSource.Games, partition);
        }

        // Then the first month set no cursor, was not asked for again, and the last month set one no later than now
        first.Cursor.ShouldBeNull();
        api.Requests.Skip(before).ShouldNotContain(r => r.QueryString.Contains("dates=2024-01-01%2C2024-01-31"));
        rest.Cursor.ShouldNotBeNull();
        string.CompareOrdinal(rest.Cursor, "2024-08-12T12:00:00").ShouldBeLessThanOrEqualTo(0);
    }

    [SkippableFact]
    public async Task The_catalogues_are_not_read_again_within_their_refresh_interval()
    {
        // Given stores landed today
        using var rawg = Harness();
        await rawg.RunAsync(RawgSource.Stores);
        var sent = server.RequestCount;

        // When the next run plans stores the same day
        var again = await rawg.RunAsync(RawgSource.Stores);

        // Then nothing is planned or sent
        sent.ShouldBe(1);
        again.ApiCalls.ShouldBe(0);
        server.RequestCount.ShouldBe(1);
    }

    private RawgHarness Harness(RawgApiServer? api = null, Dictionary<string, string?>? settings = null) =>
        new(temp.Path, (api ?? server).BaseAddress, Key, Now, settings);

    private RawgHarness Harness(Dictionary<string, string?> settings) => Harness(null, settings);
}
