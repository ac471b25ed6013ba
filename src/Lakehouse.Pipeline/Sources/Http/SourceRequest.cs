using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Sources.Http;

/// <summary>
/// One call to a source's API: a GET, or a POST with a JSON body, at a path relative to the source's base URL.
/// Secret query parameters (an <c>api_key</c>) are added only when the request is sent: everything that describes the
/// request in text (<see cref="Describe"/>, <see cref="RequestIdentity"/>, <see cref="ToString"/>, error messages and
/// logs) shows <see cref="Redacted"/> in their place.
/// </summary>
internal sealed record SourceRequest
{
    /// <summary>What stands in for a secret value wherever a request is written down.</summary>
    public const string Redacted = "REDACTED";

    /// <param name="method">GET or POST.</param>
    /// <param name="pathAndQuery">Relative to the source's base URL, e.g. <c>/v4/rockets</c> or <c>feed?start_date=2025-01-01</c>; no secrets.</param>
    /// <param name="body">A JSON body, for POST only.</param>
    public SourceRequest(HttpMethod method, string pathAndQuery, byte[]? body = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (method != HttpMethod.Get && method != HttpMethod.Post)
        {
            throw new ArgumentException($"Only GET and POST are used with source APIs, not {method}.", nameof(method));
        }

        if (body is not null && method != HttpMethod.Post)
        {
            throw new ArgumentException("Only a POST carries a body.", nameof(body));
        }

        if (pathAndQuery.Contains("://", StringComparison.Ordinal) || pathAndQuery.StartsWith("//", StringComparison.Ordinal) || pathAndQuery.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A request path is relative to the source's BaseUrl and has no fragment: \"{pathAndQuery}\".", nameof(pathAndQuery));
        }

        Method = method;
        PathAndQuery = pathAndQuery;
        Body = body;
    }

    public HttpMethod Method { get; }

    public string PathAndQuery { get; }

    /// <summary>The JSON body of a POST; null for a GET.</summary>
    public byte[]? Body { get; }

    /// <summary>
    /// Secret query parameters, in the order added. Private so that nothing (the record's printer included) can show
    /// them; they leave this type only through <see cref="PathAndQueryToSend"/>.
    /// </summary>
    private ImmutableArray<KeyValuePair<string, string>> Secrets { get; init; } = [];

    /// <summary>
    /// The request as it is named in logs, manifests and error messages, with secrets redacted.
    /// Stable across runs: the same call today and tomorrow, with the same or another key, has the same identity,
    /// so a lander can tell "same request as last time".
    /// </summary>
    public string RequestIdentity =>
        $"{Method} {RedactedPathAndQuery()} sha256:{Convert.ToHexStringLower(SHA256.HashData(Body ?? []))}";

    public static SourceRequest Get(string pathAndQuery) => new(HttpMethod.Get, pathAndQuery);

    public static SourceRequest PostJson(string pathAndQuery, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new(HttpMethod.Post, pathAndQuery, body);
    }

    /// <summary>A copy of this request that also sends <c>name=value</c> in its query string, never showing the value.</summary>
    public SourceRequest WithSecretQuery(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return this with { Secrets = Secrets.Add(new(name, value)) };
    }

    /// <summary>The request as text, e.g. <c>GET /neo/rest/v1/feed?start_date=2025-01-01&amp;api_key=REDACTED</c>.</summary>
    public string Describe() => $"{Method} {RedactedPathAndQuery()}";

    public override string ToString() => Describe();

    /// <summary>The path and query that goes on the wire, secrets included. Only the client calls this.</summary>
    internal string PathAndQueryToSend() => WithSecrets(value => Uri.EscapeDataString(value));

    /// <summary>Replaces every secret value of this request (as given and as escaped in a URL) inside a text.</summary>
    internal string Redact(string text)
    {
        foreach (var (_, value) in Secrets)
        {
            text = text.Replace(value, Redacted, StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(value);
            if (escaped != value)
            {
                text = text.Replace(escaped, Redacted, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text;
    }

    /// <summary>
    /// The response body with every secret of this request that the API echoed back (NeoWs and RAWG write the key
    /// into their <c>links</c>/<c>next</c> URLs) replaced by <see cref="Redacted"/>: design.md promise 1's one
    /// exception to "raw is raw". Returns the same array when there was nothing to replace.
    /// </summary>
    internal byte[] RedactBody(byte[] body, out bool replaced)
    {
        ArgumentNullException.ThrowIfNull(body);
        replaced = false;
        foreach (var (_, value) in Secrets)
        {
            foreach (var form in (string[])[value, Uri.EscapeDataString(value)])
            {
                var secret = Encoding.UTF8.GetBytes(form);
                if (body.AsSpan().IndexOf(secret) >= 0)
                {
                    body = Replace(body, secret, "REDACTED"u8);
                    replaced = true;
                }
            }
        }

        return body;
    }

    private static byte[] Replace(byte[] body, byte[] secret, ReadOnlySpan<byte> marker)
    {
        using var output = new MemoryStream(body.Length);
        var rest = body.AsSpan();
        for (var at = rest.IndexOf(secret); at >= 0; at = rest.IndexOf(secret))
        {
            output.Write(rest[..at]);
            output.Write(marker);
            rest = rest[(at + secret.Length)..];
        }

        output.Write(rest);
        return output.ToArray();
    }

    private string RedactedPathAndQuery() => WithSecrets(_ => Redacted);

    private string WithSecrets(Func<string, string> render)
    {
        if (Secrets.IsEmpty)
        {
            return PathAndQuery;
        }

        var text = new StringBuilder(PathAndQuery);
        var separator = !PathAndQuery.Contains('?', StringComparison.Ordinal) ? "?"
            : PathAndQuery.EndsWith('?') || PathAndQuery.EndsWith('&') ? ""
            : "&";
        foreach (var (name, value) in Secrets)
        {
            text.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(render(value));
            separator = "&";
        }

        return text.ToString();
    }
}
