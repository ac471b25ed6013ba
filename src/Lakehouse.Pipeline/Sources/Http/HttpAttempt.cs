using System.Net.Http.Headers;
using System.Text.Json;

namespace Lakehouse.Sources.Http;

/// <summary>
/// What one attempt got back: the status, the headers the client acts on, and the whole body. The body is read
/// inside the attempt, so a slow or broken body counts against that attempt (its timeout, its retry).
/// </summary>
internal sealed class HttpAttempt
{
    private const string RateLimitRemainingHeader = "X-RateLimit-Remaining";

    public required int StatusCode { get; init; }

    public required string ReasonPhrase { get; init; }

    public required byte[] Body { get; init; }

    public string? ContentType { get; init; }

    public string? ETag { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>How long the server asked the source to hold off (Retry-After, or a spent rate limit), capped.</summary>
    public TimeSpan? ServerPause { get; init; }

    /// <summary>The response said <c>X-RateLimit-Remaining: 0</c>.</summary>
    public bool RateLimitSpent { get; init; }

    /// <summary>A non-empty 2xx body that claims to be JSON but does not parse: a body cut short on the way.</summary>
    public bool IsMalformedJson { get; init; }

    public bool IsSuccess => StatusCode is >= 200 and < 300 && !IsMalformedJson;

    /// <summary>Worth another attempt: the server is busy or broken, or the body was cut short.</summary>
    public bool IsTransientFailure => !IsSuccess && (IsMalformedJson || IsTransientStatus(StatusCode));

    public static bool IsTransientStatus(int statusCode) => statusCode is 408 or 429 or >= 500;

    public static HttpAttempt From(HttpResponseMessage response, byte[] body, DateTimeOffset receivedAt, TimeSpan maxPause)
    {
        var statusCode = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType;
        var rateLimitSpent = response.Headers.TryGetValues(RateLimitRemainingHeader, out var remaining)
            && remaining.Any(v => v.Trim() == "0");
        return new HttpAttempt
        {
            StatusCode = statusCode,
            ReasonPhrase = response.ReasonPhrase ?? "",
            Body = body,
            ContentType = contentType?.ToString(),
            ETag = response.Headers.ETag?.ToString(),
            ReceivedAt = receivedAt,
            RateLimitSpent = rateLimitSpent,
            ServerPause = PauseRequested(response.Headers.RetryAfter, rateLimitSpent, receivedAt, maxPause),
            // An empty body is what the server meant to send (DONKI answers an empty window so at times): a body cut
            // short after its headers fails the read with an IOException instead, which is retried.
            IsMalformedJson = statusCode is >= 200 and < 300 && body.Length > 0 && ClaimsJson(contentType?.MediaType, body) && !IsWellFormedJson(body),
        };
    }

    /// <summary>
    /// <c>Retry-After</c> (seconds or an HTTP date) wins; a spent rate limit without one means "later", which is as
    /// long as the client is willing to wait. Both are capped at <paramref name="maxPause"/>.
    /// </summary>
    public static TimeSpan? PauseRequested(RetryConditionHeaderValue? retryAfter, bool rateLimitSpent, DateTimeOffset now, TimeSpan maxPause)
    {
        TimeSpan? pause = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => rateLimitSpent ? maxPause : null,
        };

        return pause is { } p ? TimeSpan.FromTicks(Math.Clamp(p.Ticks, 0, maxPause.Ticks)) : null;
    }

    /// <summary>Declared as JSON (<c>application/json</c>, <c>…+json</c>), or looks like it.</summary>
    public static bool ClaimsJson(string? mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType is not null
            && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var start = body.TrimStart(" \t\r\n"u8);
        return !start.IsEmpty && (start[0] == (byte)'{' || start[0] == (byte)'[');
    }

    /// <summary>
    /// One complete JSON value and nothing after it. A forward-only skim with <see cref="Utf8JsonReader"/>: no
    /// document is built, so a multi-megabyte page costs one pass and no allocations.
    /// </summary>
    public static bool IsWellFormedJson(ReadOnlySpan<byte> body)
    {
        // Utf8JsonReader does not skip a byte order mark; the JSON spec allows a parser to ignore one.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
