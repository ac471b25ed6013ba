using System.Text;
using Lakehouse.Sources.Http;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>The client spaces its requests and backs off when the API says its quota is spent.</summary>
public sealed class SourcePipelinePolitenessTests : IAsyncLifetime
{
    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Requests_to_one_source_are_spaced_by_its_rate_limit_even_when_sent_together()
    {
        // Given a source limited to 10 requests a second, without burst
        server.Script("/v5/launches/latest", ScriptedResponse.Json("{}"));
        using var host = new SourceApiHost(server.BaseUrl, o =>
        {
            o.RequestsPerSecond = 10;
            o.Burst = 1;
        });

        // When eleven requests are sent at once
        await Task.WhenAll(Enumerable.Range(0, 11).Select(_ => host.LatestAsync()));

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
        server.Script("/v5/launches/latest", ScriptedResponse.Json("{}").WithHeader("X-RateLimit-Remaining", "0"));
        server.Script("/v4/launchpads/query", ScriptedResponse.Json("{\"docs\":[]}").WithHeader("X-RateLimit-Remaining", "41"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(500));

        // When another request of the source follows that answer
        await host.LatestAsync();
        await host.SpaceX.QueryAsync("v4", "launchpads", new SpaceXQuery(SpaceXFilter.Everything, new SpaceXQueryOptions(1, 10)), CancellationToken.None).ReceiveAsync();

        // Then it went out only after the longest wait the client allows
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(480));
    }

    [Fact]
    public async Task A_429_without_Retry_After_but_with_the_rate_limit_spent_waits_the_longest_delay_before_retrying()
    {
        // Given an API that says "too many" with no time to come back, and a 20 ms base delay
        server.Script("/v5/launches/latest",
            ScriptedResponse.Json("{\"error\":{\"code\":\"OVER_RATE_LIMIT\"}}", 429).WithHeader("X-RateLimit-Remaining", "0"),
            ScriptedResponse.Json("{}"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(500));

        // When the latest launch is fetched
        var response = await host.LatestAsync();

        // Then the retry waited RetryMaxDelay, not the short backoff
        response.Attempts.ShouldBe(2);
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(480));
    }

    [Fact]
    public async Task A_query_is_posted_as_the_API_documents_it_and_its_identity_hashes_those_bytes()
    {
        // Given a query endpoint
        server.Script("/v5/launches/query", ScriptedResponse.Json("{\"docs\":[],\"hasNextPage\":false}"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When the launches since a day, and the upcoming ones, are asked for
        var query = new SpaceXQuery(SpaceXFilter.LaunchesSince("2022-09-05T00:00:00.000Z"), new SpaceXQueryOptions(2, 100));
        var response = await host.SpaceX.QueryAsync("v5", "launches", query, CancellationToken.None).ReceiveAsync();

        // Then the server received the mongoose-paginate body apis.md §1.4 and §1.7 describe, as JSON
        var request = server.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/v5/launches/query");
        var sent = Encoding.UTF8.GetString(request.Body);
        sent.ShouldBe("{\"query\":{\"$or\":[{\"date_utc\":{\"$gte\":\"2022-09-05T00:00:00.000Z\"}},{\"upcoming\":true}]},\"options\":{\"page\":2,\"limit\":100,\"sort\":{\"_id\":\"asc\"}}}");
        request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");

        // And the request is written down with the SHA-256 of exactly those bytes
        response.Request.ShouldBe("POST /v5/launches/query");
        response.RequestIdentity.ShouldBe($"POST /v5/launches/query sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Body))}");
    }

    [Fact]
    public async Task Every_attempt_of_a_query_posts_the_same_body()
    {
        // Given a query endpoint that fails once
        server.Script("/v4/rockets/query", ScriptedResponse.Text(500, "oops"), ScriptedResponse.Json("{\"docs\":[]}"));
        using var host = new SourceApiHost(server.BaseUrl);

        // When a page is asked for
        await host.SpaceX.QueryAsync("v4", "rockets", new SpaceXQuery(SpaceXFilter.Everything, new SpaceXQueryOptions(1, 100)), CancellationToken.None).ReceiveAsync();

        // Then the retry sent the body again, byte for byte
        var requests = server.Requests;
        requests.Count.ShouldBe(2);
        requests[1].Body.ShouldBe(requests[0].Body);
        Encoding.UTF8.GetString(requests[0].Body).ShouldBe("{\"query\":{},\"options\":{\"page\":1,\"limit\":100,\"sort\":{\"_id\":\"asc\"}}}");
    }

    [Fact]
    public async Task Request_paths_are_appended_to_the_path_of_the_base_URL()
    {
        // Given a source whose base URL has a path, as RAWG's does (https://api.rawg.io/api), with or without a slash
        server.Script("/api/v5/launches/latest", ScriptedResponse.Json("{}"));
        using var withoutSlash = new SourceApiHost(new Uri(server.BaseUrl, "/api"));
        using var withSlash = new SourceApiHost(new Uri(server.BaseUrl, "/api/"));

        // When the latest launch is asked for
        var response = await withoutSlash.LatestAsync();
        await withSlash.LatestAsync();

        // Then both went under /api, and the request is written down below the base URL's path
        server.Requests.Select(r => r.Path).ShouldBe(["/api/v5/launches/latest", "/api/v5/launches/latest"]);
        response.Request.ShouldBe("GET /v5/launches/latest");
    }
}
