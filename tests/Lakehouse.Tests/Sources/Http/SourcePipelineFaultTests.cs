using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lakehouse.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>
/// The fault matrix beyond plain 5xx and 429s, each against a real socket on loopback: a server that accepts and never
/// answers, a Retry-After of 0 and one far beyond RetryMaxDelay, a redirect to another host, and a key echoed back in
/// every spelling a server's JSON or URL encoder may choose.
/// </summary>
public sealed class SourcePipelineFaultTests : IAsyncLifetime
{
    private const string Latest = "/v5/launches/latest";
    private const string Feed = "/neo/rest/v1/feed";

    /// <summary>A key with a quote, a backslash, a slash, a newline, a space, a plus, an ampersand and non-ASCII letters.</summary>
    private const string AwkwardKey = "k\"ey\\wi/th\nsp ace+&é€😀";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_costs_each_attempt_its_timeout_then_fails_as_transient()
    {
        // Given a port that accepts connections and never writes a byte
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await listener.AcceptSocketAsync());
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var host = new SourceApiHost(new Uri($"http://127.0.0.1:{port}"), o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxAttempts = 2;
        });

        // When the latest launch is asked for
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then both attempts timed out, and the error says so: transient, no status
        error.Message.ShouldBe("spacex: GET /v5/launches/latest failed after 2 attempts: no response within 0.3 s (RequestTimeout). The API did not answer in time: raise the source's RequestTimeout or run again later.");
        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBeNull();
        accepted.Count.ShouldBeGreaterThanOrEqualTo(1);
        listener.Stop();
        accepted.ForEach(s => s.Dispose());
        await Should.ThrowAsync<Exception>(() => accepting);
    }

    [Fact]
    public async Task A_Retry_After_of_zero_is_honoured_instead_of_the_backoff()
    {
        // Given a long backoff, and an API that fails once saying "come back now"
        server.Script(Latest, ScriptedResponse.Text(503, "busy").WithHeader("Retry-After", "0"), ScriptedResponse.Json("{}"));
        using var host = new SourceApiHost(server.BaseUrl, o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(10);
            o.RetryMaxDelay = TimeSpan.FromSeconds(20);
        });

        // When the latest launch is asked for
        var response = await host.LatestAsync();

        // Then the retry went out at once, not after the 10 s backoff, and the log says 0 ms
        response.Attempts.ShouldBe(2);
        var requests = server.Requests;
        (requests[1].ArrivedAt - requests[0].ArrivedAt).ShouldBeLessThan(TimeSpan.FromSeconds(5), "a bound far below the backoff, not a benchmark");
        host.Logs.Entries.Single(e => e.Level == LogLevel.Warning).Properties["DelayMs"].ShouldBe(0L);
    }

    [Fact]
    public async Task A_Retry_After_far_beyond_RetryMaxDelay_fails_at_once_and_says_when_to_come_back()
    {
        // Given an API that asks for an hour of patience, and a client that waits at most 2 s
        server.Script(Latest, ScriptedResponse.Text(429, "Too Many Requests").WithHeader("Retry-After", "3600"));
        using var host = new SourceApiHost(server.BaseUrl, o => o.RetryMaxDelay = TimeSpan.FromSeconds(2));

        // When the latest launch is asked for
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.LatestAsync());

        // Then nothing more was sent (coming back sooner would only be refused again), and the error says why and when
        server.Requests.Count.ShouldBe(1);
        error.Attempts.ShouldBe(1);
        error.StatusCode.ShouldBe(429);
        error.Message.ShouldContain("The API asked to wait 3600 s before the next request, longer than RetryMaxDelay (2 s): not retried; run again after ");
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_so_the_key_never_leaves()
    {
        // Given an API that redirects the feed, key and all, to another server
        await using var elsewhere = await ScriptedHttpServer.StartAsync();
        elsewhere.Script("/steal", ScriptedResponse.Json("{}"));
        using var host = new SourceApiHost(server.BaseUrl, key: "secret-key-42");
        server.Script(Feed, ScriptedResponse.Text(302, "moved").WithHeader("Location", new Uri(elsewhere.BaseUrl, "/steal?api_key=secret-key-42").ToString()));

        // When the feed is asked for
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.FeedAsync());

        // Then the other server saw nothing, the call failed at once, and the error names where it was sent, not the key
        elsewhere.Requests.ShouldBeEmpty();
        server.Requests.Count.ShouldBe(1);
        error.StatusCode.ShouldBe(302);
        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain($"The API redirected to {new Uri(elsewhere.BaseUrl, "/steal")}; redirects are not followed");
        error.Message.ShouldNotContain("secret-key-42");
    }

    [Fact]
    public async Task A_key_echoed_in_any_spelling_is_replaced_and_everything_else_stays_byte_for_byte()
    {
        // Given a key with characters that JSON and URLs escape, echoed by the server URL-encoded (either hex case),
        // and as the JSON escapes of three common encoders (System.Text.Json's default \u0022 and \u00E9, a relaxed
        // encoder's \" and raw UTF-8, Python's \" and lower-case \u00e9)
        string[] spellings =
        [
            Uri.EscapeDataString(AwkwardKey),
            Uri.EscapeDataString(AwkwardKey).ToLowerInvariant(),
            Inner(JsonSerializer.Serialize(AwkwardKey)),
            Inner(JsonSerializer.Serialize(AwkwardKey, Relaxed)),
            PythonJson(AwkwardKey),
        ];
        spellings.Distinct().Count().ShouldBe(spellings.Length, "each spelling is a different byte sequence");
        var body = "{ \"links\" : {\n" + string.Join(",\n", spellings.Select((s, i) => $"  \"s{i}\": \"https://x/feed?api_key={s}&a=1\"")) + "\n} }\n";
        server.Script(Feed, new ScriptedResponse(200, Encoding.UTF8.GetBytes(body), "application/json"));
        using var host = new SourceApiHost(server.BaseUrl, key: AwkwardKey);

        // When the feed is fetched
        var response = await host.FeedAsync();

        // Then the server got the key, and the body holds the marker in each place and otherwise the bytes it sent
        server.Requests.Single().Query.ShouldContain("api_key=" + Uri.EscapeDataString(AwkwardKey));
        response.SecretsReplaced.ShouldBeTrue();
        var expected = "{ \"links\" : {\n" + string.Join(",\n", spellings.Select((_, i) => $"  \"s{i}\": \"https://x/feed?api_key=REDACTED&a=1\"")) + "\n} }\n";
        Encoding.UTF8.GetString(response.Body).ShouldBe(expected);
        response.Request.ShouldBe("GET /neo/rest/v1/feed?start_date=2025-01-01&end_date=2025-01-07&api_key=REDACTED");
    }

    [Fact]
    public async Task A_key_echoed_in_an_error_is_in_no_message_or_log_line_in_any_spelling()
    {
        // Given a gateway that echoes the key, JSON-escaped, in its error body
        server.Script(Feed, ScriptedResponse.Json("{\"error\":\"bad key " + Inner(JsonSerializer.Serialize(AwkwardKey)) + "\"}", 503));
        using var host = new SourceApiHost(server.BaseUrl, o => o.MaxAttempts = 2, key: AwkwardKey);

        // When the call fails after a logged retry
        var error = await Should.ThrowAsync<SourceRequestException>(() => host.FeedAsync());

        // Then neither the error nor the log holds the key in any spelling, and both say where it was
        string[] written = [error.Message, error.Request, error.ToString(), host.Logs.AllText];
        foreach (var text in written)
        {
            text.ShouldNotContain(AwkwardKey);
            text.ShouldNotContain(Uri.EscapeDataString(AwkwardKey));
            text.ShouldNotContain("\\u00E9\\u20AC");
        }

        error.Message.ShouldContain("api_key=REDACTED");
        error.Message.ShouldContain("bad key REDACTED");
        host.Logs.AllText.ShouldContain("api_key=REDACTED");
    }

    [Fact]
    public void The_redactor_never_matches_less_than_the_whole_key()
    {
        var redactor = new SecretRedactor(["abc\"d"]);
        new SecretRedactor([AwkwardKey]).Redact($"raw {AwkwardKey}; with + for the space {AwkwardKey.Replace(' ', '+')}.")
            .ShouldBe("raw REDACTED; with + for the space REDACTED.");

        redactor.Redact("abc and abc\\\"x and abc\\u0022d and abc%22d").ShouldBe("abc and abc\\\"x and REDACTED and REDACTED");
        redactor.Redact(Encoding.UTF8.GetBytes("nothing here"), out var replaced).ShouldBe(Encoding.UTF8.GetBytes("nothing here"));
        replaced.ShouldBeFalse();
    }

    /// <summary>A JSON string literal without its quotes.</summary>
    private static string Inner(string literal) => literal[1..^1];

    /// <summary>How Python's json.dumps (ensure_ascii) writes a string: \" \\ \n, lower-case \uXXXX for the rest.</summary>
    private static string PythonJson(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }
}
