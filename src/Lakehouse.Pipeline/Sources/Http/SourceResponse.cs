namespace Lakehouse.Sources.Http;

/// <summary>A successful (2xx) answer from a source, with the body exactly as the server sent it.</summary>
internal sealed class SourceResponse
{
    public required int StatusCode { get; init; }

    /// <summary>The response body byte for byte (after transport decompression); never parsed and written again.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The <c>Content-Type</c> header as sent, e.g. <c>application/json; charset=utf-8</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The <c>ETag</c> header as sent (quotes and <c>W/</c> included), if any.</summary>
    public string? ETag { get; init; }

    /// <summary>How many attempts it took, the successful one included.</summary>
    public required int Attempts { get; init; }

    /// <summary>When the successful attempt's body was received, by the client's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>The whole call: rate-limit waits, every attempt and the delays between them.</summary>
    public required TimeSpan Elapsed { get; init; }
}
