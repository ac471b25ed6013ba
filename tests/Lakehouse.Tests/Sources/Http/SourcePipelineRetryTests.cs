using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lakehouse.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>What is retried, what is not, and what a failure says: against a real local HTTP server.</summary>
public sealed class SourcePipelineRetryTests : IAsyncLifetime
{
    private const string Rockets = "/v5/launches/latest";

    /// <summary>
    /// Non-canonical JSON: odd whitespace, escapes that a serialiser would rewrite (<c>\u0020</c>, a surrogate pair),
    /// a raw UTF-8 "é", an exponent, a CRLF and trailing blanks. Any parse-and-write-again would change its bytes.
    /// </summary>
    private const string OddJson = "{ \"id\" :\"5e9d0d95eda69955f709d1eb\" ,\n\t\"name\":\"Falcon\\u0020 1\",   \"mass_kg\": 3.0E+4 ,"
        + "\"nested\" : [ ] , \"note\":\"caf\\u00e9 \u00e9 \\ud83d\\ude80\"}\r\n  ";

    /// <summary>The page Heroku serves when an app behind NASA's gateway is down (nasa/api-docs issues #140, #233).</summary>
    private const string HerokuErrorPage = """
        <!DOCTYPE html>
        <html>
          <head>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta charset="utf-8">
            <title>Application Error</title>
            <style media="screen">
              html,body,iframe { margin: 0; padding: 0; }
            </style>
          </head>
          <body>
            <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
          </body>
        </html>
        """;

    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_the_server_asked()
    {
        // Given an API that says "come back in 1 second" once
        server.Script(Rockets,
            ScriptedResponse.Text(429, "Too many requests").WithHeader("Retry-After", "1"),
            ScriptedResponse.Json("[]"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the rockets are fetched
        var response = await host.LatestAsync();

        // Then the second attempt succeeded, and it reached the server at least a second after the first
        response.StatusCode.ShouldBe(200);
        response.Attempts.ShouldBe(2);
        var requests = server.Requests;
        requests.Count.ShouldBe(2);
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95));
        response.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95));
        host.Logs.Entries.Single(e => e.Level == LogLevel.Warning).Properties["DelayMs"].ShouldBe(1000L);
    }

    [Fact]
    public async Task The_fetch_time_comes_from_the_injected_clock()
    {
        // Given a client whose clock runs ten years ahead
        server.Script(Rockets, ScriptedResponse.Json("[]"));
        var tenYears = TimeSpan.FromDays(3653);
        using var host = new SourceApiHost(server.BaseUrl, timeProvider: new ShiftedTimeProvider(tenYears));
        var before = TimeProvider.System.GetUtcNow();

        // When the rockets are fetched
        var response = await host.LatestAsync();

        // Then the response is stamped by that clock
        response.FetchedAt.ShouldBeInRange(before + tenYears, TimeProvider.System.GetUtcNow() + tenYears);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_body_comes_back_byte_for_byte()
    {
        // Given an API that fails twice, then answers with non-canonical JSON
        var sent = Encoding.UTF8.GetBytes(OddJson);
        server.Script(Rockets,
            ScriptedResponse.Text(500, "Internal Server Error"),
            ScriptedResponse.Text(502, "Bad Gateway"),
            new ScriptedResponse(200, sent, "application/json; charset=utf-8").WithHeader("ETag", "W/\"7d3-abc\""));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the rockets are fetched
        var response = await host.LatestAsync();

        // Then the third attempt's body is exactly the bytes the server sent, with its headers
        response.Attempts.ShouldBe(3);
        server.Requests.Count.ShouldBe(3);
        response.Body.ShouldBe(sent);
        response.ContentType.ShouldBe("application/json; charset=utf-8");
        response.ETag.ShouldBe("W/\"7d3-abc\"");
    }

    [Fact]
    public async Task Each_retry_is_logged_as_a_warning_with_source_attempt_status_and_delay()
    {
        // Given an API that fails twice before it answers
        server.Script(Rockets, ScriptedResponse.Text(500, "oops"), ScriptedResponse.Text(502, "oops"), ScriptedResponse.Json("[]"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the rockets are fetched
        await host.LatestAsync();

        // Then there is one warning per retry, with its facts as properties
        var warnings = host.Logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        warnings.Count.ShouldBe(2);
        warnings.Select(w => w.Properties["Attempt"]).ShouldBe([1, 2]);
        warnings.Select(w => w.Properties["StatusCode"]).ShouldBe([500, 502]);
        warnings.ShouldAllBe(w => (string?)w.Properties["Source"] == "spacex");
        warnings.ShouldAllBe(w => (long)w.Properties["DelayMs"]! >= 0);
        warnings[0].Message.ShouldContain("GET /v5/launches/latest");
    }

    [Fact]
    public async Task An_attempt_slower_than_RequestTimeout_is_abandoned_and_retried()
    {
        // Given an API whose first answer would take 5 s, with a 300 ms timeout per attempt
        server.Script(Rockets, ScriptedResponse.Json("[\"late\"]").After(TimeSpan.FromSeconds(5)), ScriptedResponse.Json("[\"fast\"]"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        // When the rockets are fetched
        var response = await host.LatestAsync();

        // Then the second attempt's answer came back, and the first was given its full 300 ms
        response.Attempts.ShouldBe(2);
        Encoding.UTF8.GetString(response.Body).ShouldBe("[\"fast\"]");
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280));
    }

    [Fact]
    public async Task Timeouts_on_every_attempt_fail_as_transient_with_no_status()
    {
        // Given an API that never answers in time
        server.Script(Rockets, ScriptedResponse.Json("[]").After(TimeSpan.FromSeconds(5)));
        using var host = new SourceApiHost(server.BaseUrl, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxAttempts = 2;
        });

        // When the rockets are fetched
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then the error says so, and may succeed later
        error.Message.ShouldBe("spacex: GET /v5/launches/latest failed after 2 attempts: no response within 0.2 s (RequestTimeout). The API did not answer in time: raise the source's RequestTimeout or run again later.");
        error.StatusCode.ShouldBeNull();
        error.IsTransient.ShouldBeTrue();
        error.Attempts.ShouldBe(2);
        server.Requests.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("application/json", "{\"id\":\"5e9d0d95eda69955f709d1eb\",\"name\":\"Falc")]
    [InlineData("text/plain", "[{\"id\":1},{\"id\":")]
    public async Task A_2xx_whose_JSON_is_cut_short_is_retried(string contentType, string truncated)
    {
        // Given an API whose first body ends early (declared JSON, or looking like it)
        server.Script(Rockets,
            new ScriptedResponse(200, Encoding.UTF8.GetBytes(truncated), contentType),
            ScriptedResponse.Json("[{\"id\":1}]"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the rockets are fetched
        var response = await host.LatestAsync();

        // Then the complete body of the second attempt is returned
        response.Attempts.ShouldBe(2);
        Encoding.UTF8.GetString(response.Body).ShouldBe("[{\"id\":1}]");
    }

    [Fact]
    public async Task A_body_that_stays_cut_short_fails_as_transient_and_says_why()
    {
        server.Script(Rockets, ScriptedResponse.Json("{\"docs\":[{\"id\":1},"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.MaxAttempts = 2);

        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBe(200);
        error.Message.ShouldContain("failed after 2 attempts: HTTP 200 OK, but the body is not well-formed JSON");
    }

    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not Found")]
    [InlineData(422, "Unprocessable Entity")]
    public async Task A_client_error_fails_at_once_and_is_not_transient(int status, string reason)
    {
        // Given an API that refuses the request
        server.Script(Rockets, ScriptedResponse.Text(status, "Not found or not allowed"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the rockets are fetched
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then one request was made, and the error carries the status
        server.Requests.Count.ShouldBe(1);
        error.StatusCode.ShouldBe(status);
        error.IsTransient.ShouldBeFalse();
        error.Attempts.ShouldBe(1);
        error.Source.ShouldBe("spacex");
        error.Request.ShouldBe("GET /v5/launches/latest");
        error.Message.ShouldStartWith($"spacex: GET /v5/launches/latest failed after 1 attempt: HTTP {status} {reason} (body: text/plain, 'Not found or not allowed').");
    }

    [Fact]
    public async Task An_API_that_stays_down_is_tried_MaxAttempts_times_and_the_error_quotes_the_page_briefly()
    {
        // Given an API that answers every attempt with Heroku's HTML error page
        server.Script(Rockets, ScriptedResponse.Text(503, HerokuErrorPage, "text/html; charset=utf-8"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.MaxAttempts = 4);

        // When the rockets are fetched
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then it tried four times and says so, quoting the page's text, not its markup
        server.Requests.Count.ShouldBe(4);
        error.Attempts.ShouldBe(4);
        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBe(503);
        error.Message.ShouldBe("spacex: GET /v5/launches/latest failed after 4 attempts: HTTP 503 Service Unavailable (body: text/html, 'Application Error'). The API failed on its side: run again later; the next run fetches what is missing.");
    }

    [Fact]
    public async Task A_connection_that_is_refused_is_retried_then_reported_as_transient()
    {
        // Given a port where nothing listens
        var port = ClosedLoopbackPort();
        using var host = new SourceApiHost(new Uri($"http://127.0.0.1:{port}"), o => o.MaxAttempts = 2);

        // When the rockets are fetched
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then both attempts failed to connect, and the error says where it tried
        error.Attempts.ShouldBe(2);
        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBeNull();
        error.Message.ShouldStartWith("spacex: GET /v5/launches/latest failed after 2 attempts: ");
        error.Message.ShouldContain("127.0.0.1");
        error.Message.ShouldEndWith("The API could not be reached: check the source's BaseUrl (http://127.0.0.1:" + port + "/) and the network, then run again.");
        host.Logs.Entries.Count(e => e.Level == LogLevel.Warning).ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_during_a_retry_delay_ends_promptly_without_another_request()
    {
        // Given an API that asks for 30 s of patience after its first answer
        server.Script(Rockets, ScriptedResponse.Text(503, "maintenance").WithHeader("Retry-After", "30"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromSeconds(60));
        using var cancellation = new CancellationTokenSource();
        var call = host.LatestAsync(cancellation.Token);
        await server.WaitForRequestsAsync(1);
        await Task.Delay(100);

        // When the caller cancels while the client waits
        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();

        // Then the call ends at once as cancelled (not as a failure), and no further request is made
        await Should.ThrowAsync<OperationCanceledException>(() => call);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "a sanity bound against the 30 s delay, not a benchmark");
        await Task.Delay(200);
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_during_a_slow_response_is_not_taken_for_a_timeout()
    {
        // Given an API that takes 5 s, well within a 10 s timeout
        server.Script(Rockets, ScriptedResponse.Json("[]").After(TimeSpan.FromSeconds(5)));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RequestTimeout = TimeSpan.FromSeconds(10));
        using var cancellation = new CancellationTokenSource();
        var call = host.LatestAsync(cancellation.Token);
        await server.WaitForRequestsAsync(1);

        // When the caller cancels while the response is awaited
        await cancellation.CancelAsync();

        // Then the call ends as cancelled, without a retry
        await Should.ThrowAsync<OperationCanceledException>(() => call);
        await Task.Delay(200);
        server.Requests.Count.ShouldBe(1);
        host.Logs.Entries.ShouldNotContain(e => e.Level == LogLevel.Warning);
    }

    /// <summary>The system clock, moved by a fixed offset; timers and timestamps stay the system's.</summary>
    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
