using DuckDB.NET.Data;
using System.Diagnostics;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// NASA through the real <c>lakehouse backfill</c> process against the NASA replay server (recorded feeds for the
/// windows they cover, generated ones elsewhere): gold numbers against the fixture JSON, the key kept out of the lake,
/// the DEMO_KEY plan, and a backfill killed half-way that the same command finishes with the uninterrupted gold.
/// </summary>
public sealed class NasaBackfillTests : IAsyncLifetime, IDisposable
{
    private const string Key = "Kx93mPq2Lr7Tz4Wv8Nb1Yc6Hd0Fs5Gj3Ua9Eo2Ii";
    private readonly TempDirectory temp = new();
    private NasaApiServer server = null!;

    public async Task InitializeAsync()
    {
        var catalog = RecordedCatalogs.Nasa(new NasaSampleGenerator(11));
        server = await NasaApiServer.StartAsync(catalog, new NasaApiServerOptions { ValidKey = Key, Latency = TimeSpan.FromMilliseconds(40) });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task A_backfill_of_march_2024_builds_gold_whose_numbers_match_the_fixture_json_and_the_key_is_nowhere_in_the_lake()
    {
        // Given the replay server with the recorded 2024-03-09..16 feed
        var root = temp.Combine("march");

        // When the weeks around it are backfilled
        var result = await RunAsync(root, "--from", "2024-03-09", "--to", "2024-03-16");

        // Then the two Monday-to-Sunday weeks that cover the range were fetched, one request each
        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("nasa.neo_feed: 2 partition(s) to land (weeks, Monday to Sunday)");
        server.Requests.Where(r => r.Path.EndsWith("/feed", StringComparison.Ordinal)).Select(r => r.Path + r.QueryString).Order().ShouldBe(
        [
            "/neo/rest/v1/feed?start_date=2024-03-04&end_date=2024-03-10&api_key=REDACTED",
            "/neo/rest/v1/feed?start_date=2024-03-11&end_date=2024-03-17&api_key=REDACTED",
        ]);

        // And gold's close approaches of 03-09..16 are the fixture's, computed independently:
        // python3 -c "import json;d=json.load(open('neo-feed-2024-03-09_2024-03-16.json'));o=[x for v in d['near_earth_objects'].values() for x in v];
        //   print(d['element_count'], sum(x['is_potentially_hazardous_asteroid'] for x in o),
        //   min(float(c['miss_distance']['kilometers']) for x in o for c in x['close_approach_data']))"
        //   → 80 3 642284.048570119
        using var gold = DuckDbTestConnections.OpenFile(Path.Combine(root, "lake", "gold", "lakehouse.duckdb"), readOnly: true);
        const string Window = "FROM fact_close_approach f WHERE f.close_approach_date BETWEEN DATE '2024-03-09' AND DATE '2024-03-16'";
        Scalar<long>(gold, $"SELECT count(*) {Window}").ShouldBe(80);
        Scalar<long>(gold, $"SELECT count(*) {Window} AND f.is_potentially_hazardous").ShouldBe(3);
        Scalar<double>(gold, $"SELECT min(f.miss_distance_km) {Window}").ShouldBe(642284.048570119, 1e-6);

        // And the key is in no file of the lake (bronze had it in every links URL), nor in the logs
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.ReadAllText(file).Contains(Key, StringComparison.Ordinal).ShouldBeFalse(file);
        }

        result.Error.ShouldNotContain(Key);

        // And, its stderr not being a terminal, progress came as log lines rather than a redrawn bar
        result.Error.ShouldContain("backfill: 2/2 partitions landed (100%)");
        result.Error.ShouldNotContain("\r");
    }

    [SkippableFact]
    public async Task A_refused_key_stops_the_nasa_source_after_one_request_naming_NASA_API_KEY()
    {
        // Given a key the gateway refuses (403 API_KEY_INVALID)
        var root = temp.Combine("bad-key");

        // When every NASA dataset is backfilled for a month
        var result = await RunAsync(root, ["--from", "2024-03-01", "--to", "2024-03-31", "--dataset", "apod", "--dataset", "donki_cme", "--concurrency", "1", "--format", "json"], key: "not-the-right-key-000000000000000000000000");

        // Then the run fails (exit 1) after one request, without retries; the message names NASA_API_KEY, not the key
        result.ExitCode.ShouldBe(1, result.Error);
        server.RequestCount.ShouldBe(1);
        result.Output.ShouldContain("NASA_API_KEY");
        result.Output.ShouldNotContain("not-the-right-key");
        result.Error.ShouldNotContain("not-the-right-key");
        using var run = JsonDocument.Parse(result.Output);
        run.RootElement.GetProperty("datasets").EnumerateArray().ShouldAllBe(d => d.GetProperty("status").GetString() == "failed");
    }

    [SkippableFact]
    public async Task A_dry_run_of_a_year_on_demo_key_says_it_does_not_fit_in_one_day_and_fetches_nothing()
    {
        // Given no NASA_API_KEY (DEMO_KEY: 30 requests an hour, 50 a day)
        var root = temp.Combine("demo-key");

        // When a year of NeoWs is planned
        var result = await RunAsync(root, ["--from", "2024-01-01", "--to", "2024-12-31", "--dry-run"], key: null);

        // Then: 53 weekly partitions (2024-01-01 is a Monday; 366 days → 52 weeks and 2 days), one request each, two days
        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("nasa.neo_feed: 53 partition(s) to land (weeks, Monday to Sunday), 0 already landed and skipped, 53 request(s)");
        result.Error.ShouldContain("    2024-12-30_2025-01-05");
        result.Error.ShouldContain("Quota: 50 requests a day; 0 used, 50 left");
        result.Error.ShouldContain("It does not fit in one day: 50 request(s) now, the other 3 after the quota resets");
        result.Error.ShouldContain("run the same command again then and it continues where it stopped");
        server.RequestCount.ShouldBe(0);
    }

    [SkippableFact]
    public async Task Killed_half_way_the_same_backfill_continues_where_it_stopped_and_ends_with_the_uninterrupted_gold()
    {
        // Given the gold of a 13-week backfill that was never interrupted
        string[] range = ["--from", "2024-01-01", "--to", "2024-03-31", "--concurrency", "2"];
        var reference = temp.Combine("reference");
        (await RunAsync(reference, range)).ExitCode.ShouldBe(0);

        foreach (var (point, skip) in new[] { ("Landed nasa.neo_feed", 5), ("Building gold", 0) })
        {
            // When the same backfill is killed at that point, and then run again
            var root = temp.Combine(new string([.. point.Select(c => char.IsLetterOrDigit(c) ? c : '-')]));
            (await RunUntilAsync(root, point, skip, range)).ShouldBeTrue($"the backfill never reached '{point}'");
            var before = server.RequestCount;
            var again = await RunAsync(root, range);
            var requests = server.RequestCount - before;

            // Then the second run only fetched what the first had not finished, and gold equals the reference
            again.ExitCode.ShouldBe(0, again.Error);
            requests.ShouldBeLessThan(14, $"after a kill at '{point}'");
            GoldComparison.Differences(Path.Combine(reference, "lake", "gold", "lakehouse.duckdb"), Path.Combine(root, "lake", "gold", "lakehouse.duckdb"))
                .ShouldBeEmpty($"gold after a kill at '{point}' differs from the uninterrupted backfill's");
        }
    }

    [SkippableFact]
    public async Task A_long_backfill_transforms_its_segments_while_landing_and_gold_holds_every_close_approach_landed()
    {
        // Given two years of weeks: 105 partitions, landed as segments of up to 32 and a last one of 8 (five in all)
        var root = temp.Combine("long");

        // When they are backfilled
        var result = await RunAsync(root, "--from", "2023-01-02", "--to", "2024-12-31");

        // Then the run succeeded, silver was published per segment (each under its own landing run), and gold holds
        // every distinct (asteroid, approach) of the landed bodies, counted here from bronze itself
        result.ExitCode.ShouldBe(0, result.Error);
        var lake = Path.Combine(root, "lake");
        Directory.GetFiles(Path.Combine(lake, "_meta", "silver", "nasa", "neo_feed")).Length.ShouldBe(5);
        var approaches = new HashSet<(string, long)>();
        foreach (var body in Directory.EnumerateFiles(Path.Combine(lake, "bronze", "nasa", "neo_feed"), "*.json", SearchOption.AllDirectories))
        {
            using var feed = JsonDocument.Parse(File.ReadAllBytes(body));
            foreach (var day in feed.RootElement.GetProperty("near_earth_objects").EnumerateObject())
            {
                foreach (var neo in day.Value.EnumerateArray())
                {
                    foreach (var approach in neo.GetProperty("close_approach_data").EnumerateArray())
                    {
                        approaches.Add((neo.GetProperty("id").GetString()!, approach.GetProperty("epoch_date_close_approach").GetInt64()));
                    }
                }
            }
        }

        using var gold = DuckDbTestConnections.OpenFile(Path.Combine(lake, "gold", "lakehouse.duckdb"), readOnly: true);
        approaches.Count.ShouldBeGreaterThan(0);
        Scalar<long>(gold, "SELECT count(*) FROM fact_close_approach").ShouldBe(approaches.Count);
    }

    private static T Scalar<T>(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<CliResult> RunAsync(string root, params string[] arguments) => await RunAsync(root, arguments, Key);

    private async Task<CliResult> RunAsync(string root, string[] arguments, string? key)
    {
        using var process = Start(root, arguments, key);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the backfill and SIGKILLs it when its log shows <paramref name="marker"/> for the (skip+1)th time.</summary>
    private async Task<bool> RunUntilAsync(string root, string marker, int skip, string[] arguments)
    {
        using var process = Start(root, arguments, Key);
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = 0;
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            // Serilog may quote property values ("nasa.neo_feed"), so every word is looked for on its own.
            if (marker.Split(' ').All(word => line.Contains(word, StringComparison.Ordinal)) && seen++ == skip)
            {
                process.Kill();
                await process.WaitForExitAsync(timeout.Token);
                return true;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        return false;
    }

    private Process Start(string root, string[] arguments, string? key)
    {
        Directory.CreateDirectory(root);
        var settings = PipelineHost.Settings(root, new Uri("http://127.0.0.1:9"));
        settings["Lakehouse:Logging:Level"] = "Information";
        settings["Lakehouse:Sources:Nasa:BaseUrl"] = server.BaseAddress.ToString();
        settings["Lakehouse:Sources:Nasa:RequestsPerSecond"] = "1000";
        settings["Lakehouse:Sources:Nasa:Burst"] = "100";
        settings["Lakehouse:Sources:Nasa:RetryBaseDelay"] = "00:00:00.010";
        settings["Lakehouse:Sources:Nasa:RetryMaxDelay"] = "00:00:00.100";
        var config = Path.Combine(root, "test-config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(ConfigFile.Nest(settings)));

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.Environment.Remove("NASA_API_KEY");
        if (key is not null)
        {
            start.Environment["NASA_API_KEY"] = key;
        }

        string[] command = [Path.Combine(AppContext.BaseDirectory, "lakehouse.dll"), "backfill", "--source", "nasa", "--dataset", "neo_feed", .. arguments, "--config", config];
        foreach (var arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
