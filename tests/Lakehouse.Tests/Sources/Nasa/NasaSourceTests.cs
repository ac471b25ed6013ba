using System.Text.Json;
using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Tests.Sources.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Nasa;

public sealed class NasaSourceTests
{
    private static readonly DateOnly Saturday = new(2024, 3, 16);

    [SkippableFact]
    public async Task A_first_feed_run_reads_calendar_weeks_up_to_today_each_in_one_request_of_at_most_seven_days()
    {
        // Given nothing landed yet and today is Saturday 2024-03-16
        await using var host = await NasaHost.StartAsync(Saturday);

        // When the first incremental run plans and fetches neo_feed
        var partitions = host.Source.PlanIncremental(host.Dataset("neo_feed"), cursor: null, Saturday, fullRefresh: true);
        var exchanges = new List<SourceExchange>();
        foreach (var partition in partitions)
        {
            exchanges.AddRange(await host.FetchAsync("neo_feed", partition));
        }

        // Then the 7 initial days fall in two Monday-Sunday weeks, the second clipped to today
        partitions.Select(p => p.Name).ShouldBe(["2024-03-04_2024-03-10", "2024-03-11_2024-03-17"]);
        host.Server.Requests.Select(r => r.QueryString).ShouldBe(
        [
            "?start_date=2024-03-04&end_date=2024-03-10&api_key=REDACTED",
            "?start_date=2024-03-11&end_date=2024-03-16&api_key=REDACTED",
        ]);

        // And the second body holds exactly the requested dates, both ends included: the recorded 2024-03-11..16 days,
        // 56 objects (python3 -c "import json; d=json.load(open('neo-feed-2024-03-09_2024-03-16.json'))['near_earth_objects'];
        // print(sum(len(v) for k, v in d.items() if '2024-03-11' <= k <= '2024-03-16'))" → 56)
        using var feed = JsonDocument.Parse(exchanges[1].Response.Body);
        feed.RootElement.GetProperty("near_earth_objects").EnumerateObject().Select(d => d.Name).Order()
            .ShouldBe(["2024-03-11", "2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15", "2024-03-16"]);
        feed.RootElement.GetProperty("element_count").GetInt32().ShouldBe(56);

        // And each exchange's cursor is its last complete day: a closed week's Sunday, and yesterday for this week
        exchanges.Select(e => e.Cursor).ShouldBe(["2024-03-10", "2024-03-15"]);
    }

    [SkippableFact]
    public async Task A_window_longer_than_a_week_is_cut_into_adjacent_windows_of_at_most_seven_days()
    {
        // Given a 20-day window (the source's own partitions are weeks; this guards whatever a caller hands in)
        await using var host = await NasaHost.StartAsync(Saturday);

        // When it is fetched
        await host.FetchAsync("neo_feed", new Partition("custom", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 20)));

        // Then the windows are 7, 7 and 6 days, neither overlapping nor leaving a gap
        host.Server.Requests.Select(r => r.QueryString).ShouldBe(
        [
            "?start_date=2024-01-01&end_date=2024-01-07&api_key=REDACTED",
            "?start_date=2024-01-08&end_date=2024-01-14&api_key=REDACTED",
            "?start_date=2024-01-15&end_date=2024-01-20&api_key=REDACTED",
        ]);
    }

    [SkippableFact]
    public async Task Incremental_plans_reread_the_week_of_today_two_days_of_apod_and_thirty_days_of_donki()
    {
        await using var host = await NasaHost.StartAsync(Saturday);
        var yesterday = "2024-03-15";

        // Given every dataset landed up to yesterday, the next run still reads what may change
        host.Source.PlanIncremental(host.Dataset("neo_feed"), yesterday, Saturday, fullRefresh: true).Select(p => p.Name).ShouldBe(["2024-03-11_2024-03-17"]);
        host.Source.PlanIncremental(host.Dataset("apod"), yesterday, Saturday, fullRefresh: true).Select(p => p.Name).ShouldBe(["2024-03"]);

        // 30 days before 2024-03-16 is 2024-02-15: February is read again too
        host.Source.PlanIncremental(host.Dataset("donki_cme"), yesterday, Saturday, fullRefresh: true).Select(p => p.Name).ShouldBe(["2024-02", "2024-03"]);

        // And APOD's re-read reaches back into the previous month on the 1st
        host.Source.PlanIncremental(host.Dataset("apod"), "2024-02-29", new DateOnly(2024, 3, 1), fullRefresh: true).Select(p => p.Name).ShouldBe(["2024-02", "2024-03"]);
    }

    [SkippableFact]
    public async Task The_key_appears_in_no_bronze_object_manifest_request_description_or_log_line()
    {
        // Given a server that accepts only the configured key and echoes it into the feed's links
        await using var host = await NasaHost.StartAsync(Saturday);

        // When a week of the feed, a month of APOD and a month of each DONKI kind land through the real lander
        var feed = await host.LandAsync("neo_feed", Partition.WeekOf(new DateOnly(2024, 3, 11)).ClippedTo(Saturday));
        await host.LandAsync("apod", Partition.MonthOf(new DateOnly(2024, 2, 1)));
        foreach (var donki in new[] { "donki_cme", "donki_flr", "donki_gst" })
        {
            await host.LandAsync(donki, Partition.MonthOf(new DateOnly(2024, 2, 1)));
        }

        // Then the server was given the key (it refuses any other) and everything landed
        host.Server.RequestCount.ShouldBe(5);
        feed.Landed.Count.ShouldBe(1);

        // And no file of the lake holds the key, as text or URL-escaped
        var files = Directory.EnumerateFiles(host.LakePath, "*", SearchOption.AllDirectories).ToList();
        files.Count.ShouldBeGreaterThan(5);
        foreach (var file in files)
        {
            File.ReadAllText(file).ShouldNotContain(NasaHost.Key, customMessage: file);
        }

        // And the landed feed carries the marker where the key was, with the manifest saying so
        var bronze = await File.ReadAllTextAsync(Path.Combine(host.LakePath, feed.Landed[0]));
        bronze.ShouldContain("api_key=REDACTED");
        var manifest = files.Single(f => f.Contains("_meta/manifests/nasa/neo_feed/", StringComparison.Ordinal));
        using (var entry = JsonDocument.Parse(await File.ReadAllTextAsync(manifest)))
        {
            entry.RootElement.GetProperty("secretsReplaced").GetBoolean().ShouldBeTrue();
            entry.RootElement.GetProperty("request").GetString().ShouldBe("GET /neo/rest/v1/feed?start_date=2024-03-11&end_date=2024-03-16&api_key=REDACTED");
        }

        // And nothing logged mentions it
        host.Logs.Entries.Count.ShouldBeGreaterThan(0);
        host.Logs.AllText.ShouldNotContain(NasaHost.Key);
    }

    [SkippableFact]
    public async Task A_refused_key_stops_the_source_with_a_message_naming_NASA_API_KEY_after_one_request()
    {
        // Given a server that expects another key
        await using var host = await NasaHost.StartAsync(Saturday, serverOptions: new NasaApiServerOptions { ValidKey = "another-key", Today = Saturday });

        // When the feed is fetched
        var error = await Should.ThrowAsync<SourceAccessException>(() => host.FetchAsync("neo_feed", Partition.WeekOf(new DateOnly(2024, 3, 4))));

        // Then the message names the setting and the gateway's code, never the key, and nothing was retried
        error.SourceName.ShouldBe("nasa");
        error.Message.ShouldContain(NasaSource.ApiKeyVariable);
        error.Message.ShouldContain("API_KEY_INVALID");
        error.Message.ShouldNotContain(NasaHost.Key);
        host.Server.RequestCount.ShouldBe(1);
    }

    [SkippableFact]
    public async Task A_429_is_retried_after_the_pause_the_gateway_asks_for_and_the_window_lands()
    {
        // Given a gateway that refuses the first request as over the rate limit, with nothing remaining
        await using var host = await NasaHost.StartAsync(Saturday);
        var calls = 0;
        host.Server.Intercept = async context =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                return false;
            }

            context.Response.Headers["X-RateLimit-Remaining"] = "0";
            await NasaApiServer.GatewayError(context, StatusCodes.Status429TooManyRequests, "OVER_RATE_LIMIT", "You have exceeded your rate limit.");
            return true;
        };

        // When a DONKI month is landed
        var landed = await host.LandAsync("donki_cme", Partition.MonthOf(new DateOnly(2024, 3, 1)));

        // Then it took two requests, the second after at least the pause (RetryMaxDelay, 100 ms, when no Retry-After is sent)
        landed.Landed.Count.ShouldBe(1);
        var requests = host.Server.Requests;
        requests.Count.ShouldBe(2);
        (requests[1].ReceivedAt - requests[0].ReceivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(90));

        // And the body is the recorded month up to today: 51 CMEs (python3 -c "import json; print(sum(1 for e in
        // json.load(open('donki-cme-2024-03-01_2024-03-31.json')) if e['startTime'][:10] <= '2024-03-16'))" → 51)
        host.Server.Requests[1].QueryString.ShouldBe("?startDate=2024-03-01&endDate=2024-03-16&api_key=REDACTED");
        var body = await File.ReadAllBytesAsync(Path.Combine(host.LakePath, landed.Landed[0]));
        JsonDocument.Parse(body).RootElement.GetArrayLength().ShouldBe(51);
    }

    [SkippableFact]
    public async Task A_rate_limit_that_stays_spent_stops_the_source_and_says_the_same_command_continues_later()
    {
        // Given a key whose rate limit is spent
        await using var host = await NasaHost.StartAsync(Saturday);
        host.Server.Intercept = async context =>
        {
            await NasaApiServer.GatewayError(context, StatusCodes.Status429TooManyRequests, "OVER_RATE_LIMIT", "You have exceeded your rate limit.");
            return true;
        };

        // When APOD is fetched
        var error = await Should.ThrowAsync<SourceAccessException>(() => host.FetchAsync("apod", Partition.MonthOf(new DateOnly(2024, 2, 1))));

        // Then every attempt was spent (MaxAttempts 3) and the message says what happened and what to do
        host.Server.RequestCount.ShouldBe(3);
        error.Message.ShouldContain("rate limit was hit");
        error.Message.ShouldContain("continues where it stopped");
        error.Message.ShouldNotContain(NasaHost.Key);
    }

    [SkippableFact]
    public async Task An_HTML_503_outage_is_retried_and_when_it_lasts_the_message_says_the_service_is_down()
    {
        // Given a back end that is down for two attempts, answering the Heroku error page
        await using var host = await NasaHost.StartAsync(Saturday);
        var outage = 2;
        host.Server.Intercept = async context =>
        {
            if (Interlocked.Decrement(ref outage) < 0)
            {
                return false;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Application Error</title></head><body><iframe src=\"//www.herokucdn.com/error-pages/application-error.html\"></iframe></body></html>");
            return true;
        };

        // When a week of the feed is fetched, the third attempt gets through
        var exchanges = await host.FetchAsync("neo_feed", Partition.WeekOf(new DateOnly(2024, 3, 4)));
        exchanges.Single().Response.Attempts.ShouldBe(3);

        // And when the outage outlasts the attempts, the failure is transient and explained
        outage = 100;
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.FetchAsync("neo_feed", Partition.WeekOf(new DateOnly(2024, 3, 4))));
        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBe(503);
        error.Message.ShouldContain("Application Error");
        error.Message.ShouldContain("NASA's service is down");
    }

    [SkippableFact]
    public async Task A_feed_window_the_server_refuses_as_too_long_fails_at_once_quoting_the_servers_words()
    {
        // Given the client of the source (the source itself never asks for more than 7 days)
        await using var host = await NasaHost.StartAsync(Saturday);
        var api = host.Services<INasaApi>();

        // When a 10-day window is asked for
        var error = await Should.ThrowAsync<SourceRequestException>(
            () => api.NeoFeedAsync(new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 10), NasaHost.Key, CancellationToken.None).ReceiveAsync());

        // Then it is a 400, not retried, with NeoWs' own explanation, and the key the error body echoes is redacted
        error.StatusCode.ShouldBe(400);
        error.IsTransient.ShouldBeFalse();
        host.Server.RequestCount.ShouldBe(1);
        error.Message.ShouldContain("The Feed date limit is only 7 Days");
        error.Message.ShouldNotContain(NasaHost.Key);
    }

    [SkippableFact]
    public async Task Without_a_key_DEMO_KEY_is_sent_and_one_warning_about_its_limits_is_logged()
    {
        // Given no NASA_API_KEY (the server accepts only DEMO_KEY)
        await using var host = await NasaHost.StartAsync(Saturday, key: null);
        host.Source.UsesDemoKey.ShouldBeTrue();

        // (the limits are api.nasa.gov's: a source configured for the public gateway warns, the local server's does not)
        var logs = new CollectingLoggerProvider();
        var source = new NasaSource(
            host.Services<INasaApi>(), new NasaOptions(), LakehouseSecrets.ForSource(NasaSource.ApiKeyVariable, null), TimeProvider.System,
            new Logger<NasaSource>(new LoggerFactory([logs])), warnAboutDemoKey: true);

        // When two datasets are fetched
        foreach (var dataset in new[] { "apod", "donki_gst" })
        {
            await foreach (var exchange in source.FetchAsync(host.Dataset(dataset), Partition.MonthOf(new DateOnly(2024, 2, 1)), CancellationToken.None))
            {
                exchange.Response.StatusCode.ShouldBe(200);
            }
        }

        // Then both requests got through with DEMO_KEY, and one warning names the limits and the setting
        host.Server.RequestCount.ShouldBe(2);
        host.Logs.AllText.ShouldNotContain("DEMO_KEY");
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("DEMO_KEY", StringComparison.Ordinal)).ToList();
        warnings.Count.ShouldBe(1);
        warnings[0].Message.ShouldContain("30 requests an hour and 50 a day");
        warnings[0].Message.ShouldContain("NASA_API_KEY");
    }

    [SkippableFact]
    public async Task The_gateways_limits_are_the_defaults_for_the_key_in_use_and_configuration_wins()
    {
        // Given no limits configured
        var unset = new Dictionary<string, string?>();

        // Then DEMO_KEY gets 30 an hour (all at once) and 50 a day
        await using (var demo = await NasaHost.StartAsync(Saturday, key: null, settings: unset))
        {
            demo.HttpOptions.RequestsPerSecond.ShouldBe(30 / 3600.0);
            demo.HttpOptions.Burst.ShouldBe(30);
            demo.HttpOptions.QuotaRequests.ShouldBe(50);
            demo.HttpOptions.QuotaPeriod.ShouldBe(QuotaPeriod.Day);
        }

        // And a key gets 1,000 an hour and no daily quota
        await using (var keyed = await NasaHost.StartAsync(Saturday, settings: unset))
        {
            keyed.HttpOptions.RequestsPerSecond.ShouldBe(1000 / 3600.0);
            keyed.HttpOptions.Burst.ShouldBe(10);
            keyed.HttpOptions.QuotaRequests.ShouldBeNull();
            keyed.Source.UsesDemoKey.ShouldBeFalse();
        }

        // And what the configuration sets is kept
        await using var configured = await NasaHost.StartAsync(Saturday, key: null, settings: new Dictionary<string, string?> { ["RequestsPerSecond"] = "2", ["QuotaRequests"] = "40" });
        configured.HttpOptions.RequestsPerSecond.ShouldBe(2);
        configured.HttpOptions.Burst.ShouldBe(30);
        configured.HttpOptions.QuotaRequests.ShouldBe(40);
    }

    [SkippableFact]
    public async Task An_empty_DONKI_body_is_an_empty_window_that_lands_as_it_came()
    {
        // Given DONKI answering a window with a zero-length body, as it does at times
        await using var host = await NasaHost.StartAsync(Saturday);
        host.Server.Intercept = context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 0;
            return Task.FromResult(true);
        };

        // When the month lands
        var landed = await host.LandAsync("donki_gst", Partition.MonthOf(new DateOnly(2024, 2, 1)));

        // Then one request sufficed and bronze holds the empty body, raw
        host.Server.RequestCount.ShouldBe(1);
        (await File.ReadAllBytesAsync(Path.Combine(host.LakePath, landed.Landed.Single()))).Length.ShouldBe(0);
    }

    [SkippableFact]
    public async Task The_cursor_moves_to_the_last_complete_day_once_the_window_is_landed()
    {
        // Given a first run on Saturday 2024-03-16
        await using var host = await NasaHost.StartAsync(Saturday);

        // When the planned windows of the feed land in order
        foreach (var partition in host.Source.PlanIncremental(host.Dataset("neo_feed"), null, Saturday, fullRefresh: true))
        {
            await host.LandAsync("neo_feed", partition);
        }

        // Then the cursor is yesterday: today's approaches may still change
        (await host.CursorAsync("neo_feed")).ShouldBe("2024-03-15");
    }

    [Fact]
    public void The_datasets_are_named_as_design_md_names_them_with_their_gold_tables_and_windows()
    {
        var source = new NasaSource(null!, new NasaOptions(), LakehouseSecrets.ForSource(NasaSource.ApiKeyVariable, null), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NasaSource>.Instance);
        source.Datasets.Select(d => (d.Name.ToString(), d.GoldTable, d.Scheme)).ShouldBe(
        [
            ("nasa.neo_feed", "fact_close_approach", PartitionScheme.Week),
            ("nasa.apod", "fact_apod", PartitionScheme.Month),
            ("nasa.donki_cme", "fact_space_weather_event", PartitionScheme.Month),
            ("nasa.donki_flr", "fact_space_weather_event", PartitionScheme.Month),
            ("nasa.donki_gst", "fact_space_weather_event", PartitionScheme.Month),
        ]);
    }
}
