using System.Security.Cryptography;

namespace Lakehouse.Sources.Http;

/// <summary>
/// A successful (2xx) answer from a source, as the lake records it: the request as text (secrets redacted), the
/// body exactly as the server sent it (only a secret it echoed replaced), and the facts of the exchange.
/// </summary>
internal sealed class SourceResponse
{
    /// <summary>The request as text, relative to the source's base URL, e.g. <c>GET /neo/rest/v1/feed?start_date=2025-01-01&amp;api_key=REDACTED</c>.</summary>
    public required string Request { get; init; }

    /// <summary>
    /// Names "the same request" across runs for the unchanged check: <see cref="Request"/> and the SHA-256 of the
    /// request body. The same call today and tomorrow, with the same or another key, has the same identity.
    /// </summary>
    public required string RequestIdentity { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>
    /// The response body byte for byte (after transport decompression), never parsed and written again; a secret the
    /// API echoed in it is replaced by <see cref="SecretRedactor.Marker"/> (<see cref="SecretsReplaced"/>).
    /// </summary>
    public required byte[] Body { get; init; }

    /// <summary>True when a secret the API echoed in the body was replaced (design.md promise 1's one exception).</summary>
    public bool SecretsReplaced { get; init; }

    /// <summary>The <c>Content-Type</c> header as sent, e.g. <c>application/json; charset=utf-8</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The <c>ETag</c> header as sent (quotes and <c>W/</c> included), if any.</summary>
    public string? ETag { get; init; }

    /// <summary>How many attempts went on the wire, the successful one included.</summary>
    public required int Attempts { get; init; }

    /// <summary>When the successful attempt's body was received, by the client's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>The whole call: rate-limit waits, every attempt and the delays between them.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>
    /// A response that did not come over HTTP: bodies generated or recorded elsewhere (benchmarks, tests) landed as
    /// if fetched once with <paramref name="request"/>.
    /// </summary>
    public static SourceResponse Recorded(string request, byte[] body, DateTimeOffset fetchedAt, byte[]? requestBody = null) => new()
    {
        Request = request,
        RequestIdentity = IdentityOf(request, requestBody ?? []),
        StatusCode = 200,
        Body = body,
        ContentType = "application/json",
        Attempts = 1,
        FetchedAt = fetchedAt,
        Elapsed = TimeSpan.Zero,
    };

    /// <summary>The identity of a request described as <paramref name="request"/> that sent <paramref name="requestBody"/>.</summary>
    public static string IdentityOf(string request, ReadOnlySpan<byte> requestBody) =>
        $"{request} sha256:{Convert.ToHexStringLower(SHA256.HashData(requestBody))}";
}
