using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

/// <summary><c>lakehouse backfill</c> as a user meets it: bad ranges, plans, skipping what landed.</summary>
public sealed class BackfillCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string[], string> BadInput
    {
        get
        {
            var tomorrow = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(2)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new()
            {
                { ["--source", "spacex", "--from", "2024-12-31", "--to", "2024-01-01"], "reversed: --from 2024-12-31 is after --to 2024-01-01" },
                { ["--source", "spacex", "--from", "2024-13-01", "--to", "2024-12-31"], "--from '2024-13-01' is not a date: expected YYYY-MM-DD" },
                { ["--source", "spacex", "--from", "yesterday", "--to", "2024-12-31"], "--from 'yesterday' is not a date" },
                { ["--source", "spacex", "--from", "2024-01-01", "--to", tomorrow], $"--to {tomorrow} is in the future" },
                { ["--source", "mars", "--from", "2024-01-01", "--to", "2024-01-31"], "Unknown source 'mars' (did you mean 'nasa'?). Known sources: spacex" },
                { ["--source", "spacex", "--dataset", "comets", "--from", "2024-01-01", "--to", "2024-01-31"], "Unknown dataset 'spacex.comets' (did you mean 'spacex.cores'?). Datasets of spacex: spacex.launches" },
                { ["--from", "2024-01-01", "--to", "2024-01-31"], "--source" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task A_bad_range_source_or_dataset_is_refused_with_exit_code_2_before_anything_is_fetched(string[] arguments, string expected)
    {
        // Given a configuration whose API would refuse every connection
        var config = WriteConfig(new Uri("http://127.0.0.1:9"));

        // When backfill is asked for something impossible
        var result = await CliRunner.RunAsync(["backfill", .. arguments, "--config", config]);

        // Then it exits 2 naming the problem, and the lake is untouched
        result.ExitCode.ShouldBe(2, result.Error);
        result.Error.ShouldContain(expected);
        Directory.Exists(temp.Combine("lake", "bronze")).ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Backfilling_spacex_lands_its_whole_partitions_once_and_then_skips_them_unless_forced()
    {
        // Given the recorded SpaceX API on loopback, counting requests
        await using var server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        var config = WriteConfig(server.BaseAddress);

        // When a dry run is asked first, then the backfill itself
        var dry = await CliRunner.RunAsync("backfill", "--source", "spacex", "--dataset", "launches", "--dry-run", "--config", config);
        var requestsAfterDryRun = server.RequestCount;
        var first = await CliRunner.RunAsync("backfill", "--source", "spacex", "--dataset", "launches", "--format", "json", "--config", config);

        // Then the dry run plans the one "all" partition without a single request
        dry.ExitCode.ShouldBe(0, dry.Error);
        dry.Error.ShouldContain("spacex.launches: 1 partition(s) to land (the whole dataset), 0 already landed");
        dry.Error.ShouldContain("    all");
        requestsAfterDryRun.ShouldBe(0);

        // And the backfill lands, transforms and models the 205 launches (python3: len(json.load(open('v4-launches.json'))))
        first.ExitCode.ShouldBe(0, first.Error);
        using (var run = JsonDocument.Parse(first.Output))
        {
            run.RootElement.GetProperty("trigger").GetString().ShouldBe("backfill");
            var launches = run.RootElement.GetProperty("datasets").EnumerateArray().Single();
            launches.GetProperty("rowsTransformed").GetInt64().ShouldBe(205);
            launches.GetProperty("objectsLanded").GetInt32().ShouldBeGreaterThan(0);
        }

        // When it is asked again, and then with --force
        var callsBefore = server.RequestCount;
        var again = await CliRunner.RunAsync("backfill", "--source", "spacex", "--dataset", "launches", "--config", config);
        var callsAgain = server.RequestCount - callsBefore;
        var forced = await CliRunner.RunAsync("backfill", "--source", "spacex", "--dataset", "launches", "--force", "--format", "json", "--config", config);

        // Then the second skips the landed partition without calling the API, and --force reads it again (unchanged)
        again.ExitCode.ShouldBe(0, again.Error);
        again.Error.ShouldContain("0 partition(s) to land (the whole dataset), 1 already landed and skipped");
        callsAgain.ShouldBe(0);
        forced.ExitCode.ShouldBe(0, forced.Error);
        using var forcedRun = JsonDocument.Parse(forced.Output);
        var dataset = forcedRun.RootElement.GetProperty("datasets").EnumerateArray().Single();
        dataset.GetProperty("apiCalls").GetInt32().ShouldBeGreaterThan(0);
        dataset.GetProperty("objectsLanded").GetInt32().ShouldBe(0);
        dataset.GetProperty("objectsUnchanged").GetInt32().ShouldBe(dataset.GetProperty("apiCalls").GetInt32());
    }

    [Fact]
    public async Task A_plan_beyond_what_is_left_of_a_monthly_quota_is_refused_unless_forced()
    {
        // Given RAWG with a quota of 10 requests a month, none used yet
        var config = WriteConfig(new Uri("http://127.0.0.1:9"), new() { ["Lakehouse:Sources:Rawg:QuotaRequests"] = "10" });

        // When two years of release months (24 partitions, at least 24 requests) are planned, then planned with --force
        var refused = await CliRunner.RunAsync("backfill", "--source", "rawg", "--dataset", "games", "--from", "2022-01-01", "--to", "2023-12-31", "--dry-run", "--config", config);
        var forced = await CliRunner.RunAsync("backfill", "--source", "rawg", "--dataset", "games", "--from", "2022-01-01", "--to", "2023-12-31", "--dry-run", "--force", "--config", config);

        // Then the plan is refused with what it needs and what is left (exit 2); forced, it is shown with the quota
        refused.ExitCode.ShouldBe(2, refused.Error);
        refused.Error.ShouldContain("This backfill needs at least 24 requests, but 10 of rawg's 10 a month are left");
        refused.Error.ShouldContain("--force");
        forced.ExitCode.ShouldBe(0, forced.Error);
        forced.Error.ShouldContain("rawg.games: 24 partition(s) to land (calendar months)");
        forced.Error.ShouldContain("Quota: 10 requests a month; 0 used, 10 left");
        forced.Error.ShouldContain("It does not fit in one month");
    }

    private string WriteConfig(Uri api, Dictionary<string, string?>? more = null)
    {
        var settings = PipelineHost.Settings(temp.Path, api);
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        var path = temp.Combine("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        return path;
    }
}
