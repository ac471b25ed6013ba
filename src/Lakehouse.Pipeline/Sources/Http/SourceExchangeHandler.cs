using Lakehouse.Monitoring;
using Polly.Timeout;

namespace Lakehouse.Sources.Http;

/// <summary>
/// The outermost handler of a source's client: writes the request down (relative to the base URL, secrets
/// redacted), holds its body so every attempt sends the same bytes and the identity hashes them, and turns the call's
/// final outcome into the pipeline's terms — a <see cref="SourceResponse"/> in the request's
/// <see cref="SourceExchangeRecord"/>, or a <see cref="SourceRequestException"/> whose message says what came back
/// and what to do. Every text it writes goes through the source's <see cref="SecretRedactor"/>.
/// </summary>
internal sealed class SourceExchangeHandler(
    string source, Uri baseUrl, SecretRedactor redactor, SourceHttpOptions options, TimeProvider time, PipelineTelemetry telemetry)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        byte[] requestBody = [];
        if (request.Content is { } content)
        {
            // Refit streams a body as it serialises it: held as bytes, every attempt sends the same ones.
            requestBody = await content.ReadAsByteArrayAsync(cancellationToken);
            var held = new ByteArrayContent(requestBody);
            foreach (var header in content.Headers)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    held.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            request.Content = held;
            content.Dispose();
        }

        var record = new SourceExchangeRecord(source, Describe(request), redactor);
        request.Options.Set(SourceExchangeRecord.Key, record);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException)
        {
            throw Failed(Failure(record, e));
        }

        if (!response.IsSuccessStatusCode || response.Content is not ReceivedBody body || body.IsMalformedJson)
        {
            using (response)
            {
                throw Failed(Failure(record, response));
            }
        }

        telemetry.OnApiCall(source, succeeded: true);

        record.Response = new SourceResponse
        {
            Request = record.Request,
            RequestIdentity = SourceResponse.IdentityOf(record.Request, requestBody),
            StatusCode = (int)response.StatusCode,
            Body = body.Bytes,
            SecretsReplaced = response.Content is EchoRedactedBody,
            ContentType = body.Headers.ContentType?.ToString(),
            ETag = response.Headers.ETag?.ToString(),
            Attempts = record.Attempts,
            FetchedAt = body.ReceivedAt,
            Elapsed = time.GetElapsedTime(started),
        };
        return response;
    }

    /// <summary>Counts the failed call (after the client's retries) before it is thrown.</summary>
    private SourceRequestException Failed(SourceRequestException failure)
    {
        telemetry.OnApiCall(source, succeeded: false, failure.Message);
        return failure;
    }

    /// <summary>The error's message with its causes (a socket error is two levels down), secrets redacted.</summary>
    internal static string Explain(Exception error, SecretRedactor redactor, TimeSpan requestTimeout)
    {
        if (error is TimeoutRejectedException)
        {
            return $"no response within {SourcePoliteness.Seconds(requestTimeout)} (RequestTimeout)";
        }

        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (!messages.Exists(m => m.Contains(e.Message, StringComparison.Ordinal)))
            {
                messages.Add(e.Message);
            }
        }

        return redactor.Redact(string.Join(": ", messages));
    }

    /// <summary><c>GET /neo/rest/v1/feed?start_date=2025-01-01&amp;api_key=REDACTED</c>: the path below the base URL's.</summary>
    private string Describe(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("A source request has no URL.");
        var path = uri.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped);
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        if (basePath.Length > 0 && path.StartsWith(basePath + "/", StringComparison.Ordinal))
        {
            path = path[basePath.Length..];
        }

        return $"{request.Method} {redactor.Redact(path + uri.GetComponents(UriComponents.Query | UriComponents.KeepDelimiter, UriFormat.UriEscaped))}";
    }

    private SourceRequestException Failure(SourceExchangeRecord record, HttpResponseMessage last)
    {
        var status = (int)last.StatusCode;
        var reason = last.ReasonPhrase ?? last.StatusCode.ToString();
        var bytes = (last.Content as ReceivedBody)?.Bytes ?? [];
        var contentType = last.Content?.Headers.ContentType?.ToString();
        var cutShort = ReceivedBody.IsCutShort(last);
        var problem = cutShort
            ? $"HTTP {status} {reason}, but the body is not well-formed JSON (cut short on the way?)"
            : $"HTTP {status} {reason}";
        var requested = ServerPause.Requested(last, time.GetUtcNow(), options.RetryMaxDelay);
        var hint = status switch
        {
            >= 300 and < 400 => $" The API redirected to {Location(last)}; redirects are not followed, so that the key never goes to another host: check the source's BaseUrl ({baseUrl}).",
            401 or 403 => " The API refused the credentials: check the source's API key.",
            404 => $" Check the path and the source's BaseUrl ({baseUrl}).",
            _ when requested > options.RetryMaxDelay =>
                $" The API asked to wait {SourcePoliteness.Seconds(requested.Value)} before the next request, longer than RetryMaxDelay ({SourcePoliteness.Seconds(options.RetryMaxDelay)}): not retried; run again after {(time.GetUtcNow() + requested.Value).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC.",
            429 => " The API's rate limit is spent: lower RequestsPerSecond or try again later.",
            _ when ServerPause.RateLimitSpent(last) => " The API's rate limit is spent: lower RequestsPerSecond or try again later.",
            >= 500 => " The API failed on its side: run again later; the next run fetches what is missing.",
            _ => "",
        };
        var transient = cutShort || (status is 408 or 429 or >= 500);
        var message = $"{Failed(record)}: {problem} {BodyExcerpt.Describe(contentType, bytes, redactor.Redact)}.{hint}";

        // Redacted as a whole too: the reason phrase and the Location are the server's text, and a server may echo anything.
        return new SourceRequestException(redactor.Redact(message), source, record.Request, status, record.Attempts, transient);
    }

    /// <summary>
    /// The error is not attached as the inner exception: its text (and its inner exceptions') is not ours to redact,
    /// so it goes into the message through the redactor instead.
    /// </summary>
    private SourceRequestException Failure(SourceExchangeRecord record, Exception error)
    {
        var hint = error is TimeoutRejectedException
            ? " The API did not answer in time: raise the source's RequestTimeout or run again later."
            : $" The API could not be reached: check the source's BaseUrl ({baseUrl}) and the network, then run again.";
        return new($"{Failed(record)}: {Explain(error, redactor, options.RequestTimeout)}.{hint}", source, record.Request, statusCode: null, record.Attempts, isTransient: true);
    }

    private string Failed(SourceExchangeRecord record) =>
        $"{source}: {record.Request} failed after {record.Attempts} attempt{(record.Attempts == 1 ? "" : "s")}";

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? location.IsAbsoluteUri ? location.GetLeftPart(UriPartial.Path) : location.OriginalString.Split('?')[0] : "(no Location)";
}
