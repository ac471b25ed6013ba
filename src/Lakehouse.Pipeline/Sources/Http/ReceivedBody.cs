using System.Text.Json;

namespace Lakehouse.Sources.Http;

/// <summary>
/// A response body read whole within its attempt, with what the pipeline needs to know about it: when it arrived,
/// and whether a body that claims to be JSON is one.
/// </summary>
internal class ReceivedBody : ByteArrayContent
{
    public ReceivedBody(byte[] bytes, DateTimeOffset receivedAt, bool isMalformedJson)
        : base(bytes)
    {
        Bytes = bytes;
        ReceivedAt = receivedAt;
        IsMalformedJson = isMalformedJson;
    }

    public byte[] Bytes { get; }

    public DateTimeOffset ReceivedAt { get; }

    /// <summary>A non-empty body that claims to be JSON but does not parse: a body cut short on the way.</summary>
    public bool IsMalformedJson { get; }

    /// <summary>Whether <paramref name="response"/> is a 2xx whose JSON body was cut short.</summary>
    public static bool IsCutShort(HttpResponseMessage response) =>
        response.IsSuccessStatusCode && response.Content is ReceivedBody { IsMalformedJson: true };

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
