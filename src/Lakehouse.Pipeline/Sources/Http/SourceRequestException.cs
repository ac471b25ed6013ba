namespace Lakehouse.Sources.Http;

/// <summary>
/// A request to a source failed for good: the API refused it (4xx), or every attempt failed (5xx, 429, timeouts,
/// broken connections, truncated JSON). The message says which source, which request (secrets redacted), after how
/// many attempts, and what came back. <see cref="Exception.Source"/> holds the source's name (<c>spacex</c>).
/// </summary>
internal sealed class SourceRequestException : LakehouseException
{
    public SourceRequestException(string message, string source, string request, int? statusCode, int attempts, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Source = source;
        Request = request;
        StatusCode = statusCode;
        Attempts = attempts;
        IsTransient = isTransient;
    }

    /// <summary>The request as <see cref="SourceResponse.Request"/> writes it: secrets redacted.</summary>
    public string Request { get; }

    /// <summary>The last HTTP status received; null when the last attempt got no response (timeout, connection).</summary>
    public int? StatusCode { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    /// <summary>
    /// True when the same request may succeed later unchanged (5xx, 429, timeouts, connections, truncated bodies);
    /// false when the API refused it (400, 401, 403, 404...) and something must change first.
    /// </summary>
    public override bool IsTransient { get; }

    public override LakehouseStage Stage => LakehouseStage.Land;
}
