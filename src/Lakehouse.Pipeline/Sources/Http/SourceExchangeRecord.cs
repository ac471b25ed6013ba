namespace Lakehouse.Sources.Http;

/// <summary>
/// One call's facts as its handlers gather them, carried in the request's options from the outermost handler, which
/// creates it, to the innermost, which counts the attempts that reach the wire; the caller reads the result from the
/// response's request.
/// </summary>
internal sealed class SourceExchangeRecord
{
    public static readonly HttpRequestOptionsKey<SourceExchangeRecord> Key = new("Lakehouse.SourceExchange");

    private int attempts;

    public SourceExchangeRecord(string source, string request, SecretRedactor redactor)
    {
        Source = source;
        Request = request;
        Redactor = redactor;
    }

    /// <summary>The source's name, e.g. <c>nasa</c>.</summary>
    public string Source { get; }

    /// <summary>The request as text, secrets redacted.</summary>
    public string Request { get; }

    /// <summary>Hides the source's secrets in whatever is written about this call.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>Attempts that went on the wire so far.</summary>
    public int Attempts => Volatile.Read(ref attempts);

    /// <summary>What the call returned, set once it succeeded.</summary>
    public SourceResponse? Response { get; set; }

    public void CountAttempt() => Interlocked.Increment(ref attempts);

    public static SourceExchangeRecord? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var record) ? record : null;
}
