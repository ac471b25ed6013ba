namespace Lakehouse.Sources.Http;

/// <summary>
/// Replaces a secret the API echoed into a successful body (NeoWs writes the key into every <c>links</c> URL, RAWG
/// into <c>next</c>) with <see cref="SecretRedactor.Marker"/>, in whatever spelling it came back, before anything
/// reads the body: design.md promise 1's one exception to "raw is raw". A body with no echo is passed on untouched.
/// </summary>
internal sealed class EchoedSecretHandler(SecretRedactor redactor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (redactor.IsEmpty || response.Content is not ReceivedBody body)
        {
            return response;
        }

        var redacted = redactor.Redact(body.Bytes, out var replaced);
        if (replaced)
        {
            var echoFree = new EchoRedactedBody(redacted, body.ReceivedAt, body.IsMalformedJson);
            foreach (var header in body.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    echoFree.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            response.Content = echoFree;
            body.Dispose();
        }

        return response;
    }
}

/// <summary>A received body in which <see cref="EchoedSecretHandler"/> replaced an echoed secret.</summary>
internal sealed class EchoRedactedBody(byte[] bytes, DateTimeOffset receivedAt, bool isMalformedJson) : ReceivedBody(bytes, receivedAt, isMalformedJson);
