using System.Text;
using Lakehouse.Sources.Http;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>The client spaces its requests and backs off when the API says its quota is spent.</summary>
public sealed class SourceClientPolitenessTests : IAsyncLifetime
{
    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Requests_to_one_source_are_spaced_by_its_rate_limit_even_when_sent_together()
    {
        // Given a source limited to 10 requests a second, without burst
        server.Script("/v4/rockets", ScriptedResponse.Json("[]"));
        using var host = new SourceClientHost(server.BaseUrl, o =>
        {
            o.RequestsPerSecond = 10;
            o.Burst = 1;
        });

        // When eleven requests are sent at once
        await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => host.Client.SendAsync(SourceRequest.Get("/v4/rockets"), CancellationToken.None)));

        // Then they reached the server spread over most of the ten refill periods of 100 ms that separate them (not
        // all ten: the bucket's timer has its own phase, and on a loaded machine the first request, which also opens
        // the connection, can arrive late by a good part of a period). Unlimited, they would arrive within a few ms.
        var arrivals = server.Requests.Select(r => r.ArrivedAt).ToList();
        arrivals.Count.ShouldBe(11);
        (arrivals.Max() - arrivals.Min()).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task A_response_that_spends_the_rate_limit_holds_the_next_request_of_the_source()
    {
        // Given an API whose answer says no requests remain, and a client that waits at most 500 ms between attempts
        server.Script("/v4/rockets", ScriptedResponse.Json("[]").WithHeader("X-RateLimit-Remaining", "0"));
        server.Script("/v4/launchpads", ScriptedResponse.Json("[]").WithHeader("X-RateLimit-Remaining", "41"));
        using var host = new SourceClientHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(500));

        // When one request follows that answer
        await host.Client.SendAsync(SourceRequest.Get("/v4/rockets"), CancellationToken.None);
        await host.Client.SendAsync(SourceRequest.Get("/v4/launchpads"), CancellationToken.None);

        // Then it went out only after the longest wait the client allows
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(480));
    }

    [Fact]
    public async Task A_429_without_Retry_After_but_with_the_rate_limit_spent_waits_the_longest_delay_before_retrying()
    {
        // Given an API that says "too many" with no time to come back, and a 20 ms base delay
        server.Script("/v4/rockets",
            ScriptedResponse.Json("{\"error\":{\"code\":\"OVER_RATE_LIMIT\"}}", 429).WithHeader("X-RateLimit-Remaining", "0"),
            ScriptedResponse.Json("[]"));
        using var host = new SourceClientHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(500));

        // When the rockets are fetched
        var response = await host.Client.SendAsync(SourceRequest.Get("/v4/rockets"), CancellationToken.None);

        // Then the retry waited RetryMaxDelay, not the short backoff
        response.Attempts.ShouldBe(2);
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(480));
    }

    [Fact]
    public async Task A_POST_sends_its_JSON_body_unchanged()
    {
        // Given a query endpoint
        server.Script("/v5/launches/query", ScriptedResponse.Json("{\"docs\":[],\"hasNextPage\":false}"));
        using var host = new SourceClientHost(server.BaseUrl);
        var body = Encoding.UTF8.GetBytes("{\"query\":{},\"options\":{\"page\":2, \"limit\":100}}");

        // When a query is posted
        await host.Client.SendAsync(SourceRequest.PostJson("/v5/launches/query", body), CancellationToken.None);

        // Then the server received exactly that body as JSON
        var request = server.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Body.ShouldBe(body);
        request.ContentType.ShouldBe("application/json");
    }

    [Fact]
    public async Task Request_paths_are_appended_to_the_path_of_the_base_URL()
    {
        // Given a source whose base URL has a path, as RAWG's does (https://api.rawg.io/api)
        server.Script("/api/games", ScriptedResponse.Json("{\"results\":[]}"));
        using var host = new SourceClientHost(new Uri(server.BaseUrl, "/api"));

        // When a path is requested with or without its leading slash
        await host.Client.SendAsync(SourceRequest.Get("/games?page=1"), CancellationToken.None);
        await host.Client.SendAsync(SourceRequest.Get("games?page=2"), CancellationToken.None);

        // Then both went under /api
        server.Requests.Select(r => r.Path + r.Query).ShouldBe(["/api/games?page=1", "/api/games?page=2"]);
    }
}
