using System.Text;
using Lakehouse.Sources.Http;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>How a request is written down: secrets never, and the same call always the same way.</summary>
public sealed class SourceRequestTests : IAsyncLifetime
{
    private const string Secret = "abc123secret";

    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public void A_secret_query_parameter_is_sent_but_described_as_REDACTED()
    {
        var request = SourceRequest.Get("/neo/rest/v1/feed?start_date=2025-01-01").WithSecretQuery("api_key", "k/y+1");

        request.Describe().ShouldBe("GET /neo/rest/v1/feed?start_date=2025-01-01&api_key=REDACTED");
        request.ToString().ShouldBe(request.Describe());
        request.PathAndQueryToSend().ShouldBe("/neo/rest/v1/feed?start_date=2025-01-01&api_key=k%2Fy%2B1");
        request.Redact("echo: api_key=k%2Fy%2B1 and k/y+1").ShouldBe("echo: api_key=REDACTED and REDACTED");
    }

    [Fact]
    public void The_identity_is_method_redacted_path_and_the_body_hash_and_ignores_the_key()
    {
        // Given the same query posted with two different keys, and one with another body
        var body = Encoding.UTF8.GetBytes("{\"query\":{}}");
        var withOneKey = SourceRequest.PostJson("/v5/launches/query", body).WithSecretQuery("api_key", "first-key");
        var withAnotherKey = SourceRequest.PostJson("/v5/launches/query", body).WithSecretQuery("api_key", "second-key");
        var otherBody = SourceRequest.PostJson("/v5/launches/query", Encoding.UTF8.GetBytes("{\"query\":{\"upcoming\":true}}"));

        // Then the key makes no difference, the body does, and the hash is SHA-256 of the body
        // python3 -c "import hashlib; print(hashlib.sha256(b'{\"query\":{}}').hexdigest())"
        withOneKey.RequestIdentity.ShouldBe("POST /v5/launches/query?api_key=REDACTED sha256:be9b522cceff9db8d9564fbb87b3ae6b2968b4cacecbfc3831f96ba31cd7a7e6");
        withAnotherKey.RequestIdentity.ShouldBe(withOneKey.RequestIdentity);
        otherBody.RequestIdentity.ShouldNotBe(SourceRequest.PostJson("/v5/launches/query", body).RequestIdentity);
    }

    [Theory]
    [InlineData("https://evil.example/v4/rockets")]
    [InlineData("//evil.example/v4/rockets")]
    [InlineData("/v4/rockets#top")]
    public void A_path_that_would_leave_the_base_URL_is_refused(string pathAndQuery)
    {
        Should.Throw<ArgumentException>(() => SourceRequest.Get(pathAndQuery));
    }

    [Fact]
    public void Only_a_POST_carries_a_body()
    {
        Should.Throw<ArgumentException>(() => new SourceRequest(HttpMethod.Get, "/v4/rockets", [1]));
        Should.Throw<ArgumentException>(() => new SourceRequest(HttpMethod.Delete, "/v4/rockets"));
    }

    [Fact]
    public async Task A_secret_reaches_the_server_but_no_description_error_or_log_line()
    {
        // Given an API that echoes the key back in its error page, as gateways do
        server.Script("/neo/rest/v1/feed", ScriptedResponse.Text(503, $"Backend down for api_key={Secret}, try later"));
        using var host = new SourceClientHost(server.BaseUrl, o => o.MaxAttempts = 2);
        var request = SourceRequest.Get("/neo/rest/v1/feed?start_date=2025-01-01").WithSecretQuery("api_key", Secret);

        // When the call fails after a logged retry
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.Client.SendAsync(request, CancellationToken.None));

        // Then the server got the key
        server.Requests.ShouldAllBe(r => r.Query == $"?start_date=2025-01-01&api_key={Secret}");

        // And nothing written down holds it, while each says where it was
        string[] written = [request.Describe(), request.RequestIdentity, request.ToString(), error.Request, error.Message, error.ToString(), host.Logs.AllText];
        written.ShouldAllBe(text => !text.Contains(Secret));
        error.Message.ShouldContain("api_key=REDACTED");
        error.Message.ShouldContain("Backend down for api_key=REDACTED, try later");
        host.Logs.AllText.ShouldContain("api_key=REDACTED");
    }
}
