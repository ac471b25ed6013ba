using System.Net;
using System.Text;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Demo;

public sealed class NasaApiServerTests
{
    private static string Fixtures => Path.Combine(RepositoryPaths.SharedFixtures, "nasa");
    private static readonly NasaApiServerOptions Rules = new() { ValidKey = "good-key", Today = new DateOnly(2025, 9, 1) };

    [SkippableFact]
    public async Task A_recorded_feed_window_is_replayed_byte_for_byte_with_the_callers_key_in_its_links()
    {
        // Given the recorded feeds behind the server
        await using var server = await NasaApiServer.StartAsync(RecordedCatalogs.Nasa(new NasaSampleGenerator(1)), Rules);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // When the recorded window is asked for
        var response = await http.GetAsync("neo/rest/v1/feed?start_date=2024-03-09&end_date=2024-03-16&api_key=good-key");

        // Then the body is the file, with the key where the recorder wrote REDACTED, and the gateway's headers
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var expected = File.ReadAllText(Path.Combine(Fixtures, "neo-feed-2024-03-09_2024-03-16.json")).Replace("api_key=REDACTED", "api_key=good-key", StringComparison.Ordinal);
        (await response.Content.ReadAsStringAsync()).ShouldBe(expected);
        response.Headers.GetValues("X-RateLimit-Limit").Single().ShouldBe("1000000");
        response.Headers.GetValues("X-RateLimit-Remaining").Single().ShouldBe("999999");

        // And the request log does not keep the key
        server.Requests.Single().QueryString.ShouldBe("?start_date=2024-03-09&end_date=2024-03-16&api_key=REDACTED");
    }

    [Fact]
    public async Task The_feed_refuses_a_window_over_seven_days_and_the_gateway_a_wrong_or_missing_key()
    {
        await using var server = await NasaApiServer.StartAsync(NasaCatalog.Generated(new NasaSampleGenerator(1)), Rules);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // start..start+7 (8 dates) is allowed; one more day is not
        (await http.GetAsync("neo/rest/v1/feed?start_date=2024-01-01&end_date=2024-01-08&api_key=good-key")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var tooLong = await http.GetAsync("neo/rest/v1/feed?start_date=2024-01-01&end_date=2024-01-09&api_key=good-key");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var error = JsonDocument.Parse(await tooLong.Content.ReadAsStringAsync()))
        {
            error.RootElement.GetProperty("http_error").GetString().ShouldBe("BAD_REQUEST");
            error.RootElement.GetProperty("error_message").GetString()!.ShouldEndWith("The Feed date limit is only 7 Days");
        }

        var wrong = await http.GetAsync("DONKI/CME?startDate=2024-01-01&endDate=2024-01-31&api_key=bad-key");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("API_KEY_INVALID");
        var missing = await http.GetAsync("planetary/apod?start_date=2024-01-01&end_date=2024-01-31");
        JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("API_KEY_MISSING");
    }

    [SkippableFact]
    public async Task A_week_that_overlaps_a_recording_replays_the_recorded_days_and_generates_the_others()
    {
        // Given the recorded 2024-03-09..16 feed and generated data around it
        var generator = new NasaSampleGenerator(1);
        await using var server = await NasaApiServer.StartAsync(RecordedCatalogs.Nasa(generator), Rules);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // When the week 2024-03-04..10 is asked for
        using var week = JsonDocument.Parse(await http.GetStringAsync("neo/rest/v1/feed?start_date=2024-03-04&end_date=2024-03-10&api_key=good-key"));
        using var recorded = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures, "neo-feed-2024-03-09_2024-03-16.json")));

        // Then 03-09 and 03-10 are the recorded days (17 and 7 objects), the other five the generator's
        var days = week.RootElement.GetProperty("near_earth_objects");
        days.GetProperty("2024-03-09").GetRawText().ShouldBe(recorded.RootElement.GetProperty("near_earth_objects").GetProperty("2024-03-09").GetRawText()
            .Replace("api_key=REDACTED", "api_key=good-key", StringComparison.Ordinal));
        days.GetProperty("2024-03-10").GetArrayLength().ShouldBe(7);
        var generated = Enumerable.Range(4, 5).Sum(d => generator.ObjectsOn(new DateOnly(2024, 3, d)));
        week.RootElement.GetProperty("element_count").GetInt32().ShouldBe(17 + 7 + generated);
        days.EnumerateObject().Sum(d => d.Value.GetArrayLength()).ShouldBe(17 + 7 + generated);
    }

    [SkippableFact]
    public async Task Recorded_DONKI_months_and_APOD_ranges_are_replayed_as_recorded_and_days_without_data_stay_empty()
    {
        // Given a catalog of fixtures only
        await using var server = await NasaApiServer.StartAsync(RecordedCatalogs.Nasa(generator: null), Rules);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // Then recorded windows come back as recorded, the empty GST month included
        (await http.GetByteArrayAsync("DONKI/FLR?startDate=2024-04-01&endDate=2024-04-30&api_key=good-key"))
            .ShouldBe(File.ReadAllBytes(Path.Combine(Fixtures, "donki-flr-2024-04-01_2024-04-30.json")));
        Encoding.UTF8.GetString(await http.GetByteArrayAsync("DONKI/GST?startDate=2024-11-01&endDate=2024-11-30&api_key=good-key")).ShouldBe("[]");

        // And an APOD range within the recording gives its days: 2022-02-01..05 are 5 of the 13 recorded entries
        using var apod = JsonDocument.Parse(await http.GetStringAsync("planetary/apod?start_date=2022-02-01&end_date=2022-02-05&thumbs=true&api_key=good-key"));
        apod.RootElement.GetArrayLength().ShouldBe(5);

        // And a window nothing was recorded for is empty
        (await http.GetStringAsync("DONKI/CME?startDate=2020-01-01&endDate=2020-01-31&api_key=good-key")).ShouldBe("[]");

        // And APOD refuses what the real service refuses
        (await http.GetAsync("planetary/apod?start_date=1995-01-01&end_date=1995-01-05&api_key=good-key")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.GetAsync("planetary/apod?start_date=2022-02-01&bogus=1&api_key=good-key")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Past_its_request_limit_the_gateway_answers_429_OVER_RATE_LIMIT_with_nothing_remaining()
    {
        await using var server = await NasaApiServer.StartAsync(
            NasaCatalog.Generated(new NasaSampleGenerator(1)), new NasaApiServerOptions { RequestLimit = 2, Today = Rules.Today });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await http.GetAsync("DONKI/GST?startDate=2024-01-01&endDate=2024-01-31&api_key=DEMO_KEY"));
        }

        answers.Select(a => (int)a.StatusCode).ShouldBe([200, 200, 429]);
        answers.Select(a => a.Headers.GetValues("X-RateLimit-Remaining").Single()).ShouldBe(["1", "0", "0"]);
        JsonDocument.Parse(await answers[2].Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().ShouldBe("OVER_RATE_LIMIT");
    }
}
