namespace Lakehouse.Sources.Http;

/// <summary>
/// The innermost handler, one per attempt on the wire: counts the attempt, reads the whole body inside it (so a slow
/// or broken body counts against that attempt's timeout and retry, and a cut-off stream fails as an
/// <see cref="IOException"/>), checks that a body claiming to be JSON is complete, and passes on what the server said
/// about its rate limit to the source's <see cref="ServerPause"/>.
/// </summary>
internal sealed class ReceivedResponseHandler(ServerPause pause, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SourceExchangeRecord.Of(request)?.CountAttempt();
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var mediaType = response.Content.Headers.ContentType?.MediaType;

            // An empty body is what the server meant to send (DONKI answers an empty window so at times): a body cut
            // short after its headers fails the read above instead.
            var malformed = response.IsSuccessStatusCode && bytes.Length > 0 && ReceivedBody.ClaimsJson(mediaType, bytes) && !ReceivedBody.IsWellFormedJson(bytes);
            var body = new ReceivedBody(bytes, time.GetUtcNow(), malformed);
            foreach (var header in response.Content.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    body.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            response.Content.Dispose();
            response.Content = body;
            pause.Note(response);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
