using System.Net.Http.Headers;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Lakehouse.Sources.Http;

/// <summary>
/// The one way the pipeline calls a source's API, politely: a token bucket per source spaces the requests (retries
/// included), transient failures are retried with exponential backoff and jitter, a server's <c>Retry-After</c> or
/// spent rate limit pauses the whole source, and attempts are bounded. A response comes back with its body
/// byte for byte; a failure comes back as a <see cref="SourceRequestException"/> that says what to do.
/// </summary>
/// <remarks>
/// One instance per source, shared by every caller (the limiter and the pause must be shared to mean anything).
/// The <see cref="HttpClient"/> is taken from <see cref="IHttpClientFactory"/> per attempt, as the factory intends, so
/// its pooled handlers are recycled and DNS changes are seen.
/// </remarks>
internal sealed class SourceClient : IDisposable
{
    private static readonly ResiliencePropertyKey<SourceRequest> RequestKey = new("Lakehouse.SourceRequest");

    private readonly SourceHttpOptions options;
    private readonly string baseUrl;
    private readonly IHttpClientFactory httpClients;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly TokenBucketRateLimiter rateLimiter;
    private readonly ResiliencePipeline<HttpAttempt> pipeline;
    private readonly RequestQuota? quota;
    private readonly Lock pauseLock = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    /// <param name="source">The source's name (<c>spacex</c>); also the name of its <see cref="HttpClient"/>.</param>
    /// <param name="options">Validated options (<see cref="SourceHttpOptions.Validate"/>).</param>
    /// <param name="httpClients">Creates the named client per attempt.</param>
    /// <param name="timeProvider">The clock for timeouts, pauses and Polly's delays.</param>
    /// <param name="logger">Receives a warning per retry.</param>
    /// <param name="quota">Counts every attempt against the source's quota and refuses to send once it is spent; null when the source has none.</param>
    public SourceClient(
        string source, SourceHttpOptions options, IHttpClientFactory httpClients, TimeProvider timeProvider, ILogger<SourceClient> logger, RequestQuota? quota = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate(source);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        Source = source;
        this.options = options;
        baseUrl = options.BaseUrl!.AbsoluteUri.TrimEnd('/') + "/";
        this.httpClients = httpClients;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.quota = quota;

        // The bucket replenishes on its own timer: it takes no TimeProvider. It only spaces requests out; nothing
        // that a test runs on fake time depends on it.
        rateLimiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.RequestsPerSecond),
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        pipeline = BuildRetryPipeline();
    }

    public string Source { get; }

    /// <summary>
    /// Sends the request, retrying what is worth retrying, and returns the 2xx response.
    /// </summary>
    /// <exception cref="SourceRequestException">The API refused the request, or every attempt failed.</exception>
    /// <exception cref="QuotaExhaustedException">The source's request quota is spent; this attempt was not sent.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; never retried.</exception>
    public async Task<SourceResponse> SendAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        var exchange = new Exchange(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        HttpAttempt last;
        try
        {
            last = await pipeline.ExecuteAsync(context => AttemptAsync(exchange, context.CancellationToken), context);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException)
        {
            throw Failure(request, exchange.Attempts, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (!last.IsSuccess)
        {
            throw Failure(request, exchange.Attempts, last);
        }

        return new SourceResponse
        {
            StatusCode = last.StatusCode,
            Body = last.Body,
            ContentType = last.ContentType,
            ETag = last.ETag,
            Attempts = exchange.Attempts,
            FetchedAt = last.ReceivedAt,
            Elapsed = timeProvider.GetElapsedTime(started),
        };
    }

    public void Dispose() => rateLimiter.Dispose();

    private ResiliencePipeline<HttpAttempt> BuildRetryPipeline()
    {
        if (options.MaxAttempts == 1)
        {
            // Polly's retry needs at least one retry.
            return ResiliencePipeline<HttpAttempt>.Empty;
        }

        return new ResiliencePipelineBuilder<HttpAttempt> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpAttempt>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsWorthRetrying(args.Outcome)),

                // The server's own word beats the backoff; null falls back to it.
                DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Result?.ServerPause),
                OnRetry = args =>
                {
                    LogRetry(args);
                    return default;
                },
            })
            .Build();
    }

    private static bool IsWorthRetrying(Outcome<HttpAttempt> outcome) => outcome switch
    {
        { Result: { } attempt } => attempt.IsTransientFailure,

        // IOException: a body cut off mid-stream. The caller's cancellation (OperationCanceledException) is not here.
        { Exception: HttpRequestException or IOException or TimeoutException } => true,
        _ => false,
    };

    private async ValueTask<HttpAttempt> AttemptAsync(Exchange exchange, CancellationToken cancellationToken)
    {
        await WaitOutPauseAsync(cancellationToken);
        using var lease = await rateLimiter.AcquireAsync(1, cancellationToken);
        ObjectDisposedException.ThrowIf(!lease.IsAcquired, this); // the queue is unbounded: only a disposed limiter refuses
        if (quota is not null)
        {
            // Counted before sending: an attempt the API received but whose answer was lost still counts there.
            await quota.CountAsync(Source, cancellationToken);
        }

        exchange.Attempts++;

        // The timeout starts after the rate limiter's wait: it bounds the server, not our own politeness.
        using var timeout = new CancellationTokenSource(options.RequestTimeout, timeProvider);
        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var http = httpClients.CreateClient(Source);
            using var message = ToHttpRequestMessage(exchange.Request);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token);
            var body = await response.Content.ReadAsByteArrayAsync(attemptCancellation.Token);
            var attempt = HttpAttempt.From(response, body, timeProvider.GetUtcNow(), options.RetryMaxDelay);
            PauseIfAsked(attempt);
            return attempt;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation, so this attempt ran out of time. Thrown as a TimeoutException so that it
            // is retried, while the caller's own cancellation stays an OperationCanceledException and is not.
            throw new TimeoutException($"no response within {Seconds(options.RequestTimeout)} (RequestTimeout)", ex);
        }
    }

    private HttpRequestMessage ToHttpRequestMessage(SourceRequest request)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(baseUrl + request.PathAndQueryToSend().TrimStart('/')));
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        return message;
    }

    /// <summary>Holds every request of the source, not only this one, until the server's pause is over.</summary>
    private void PauseIfAsked(HttpAttempt attempt)
    {
        if (attempt.ServerPause is not { } pause)
        {
            return;
        }

        lock (pauseLock)
        {
            var until = attempt.ReceivedAt + pause;
            if (until > pausedUntil)
            {
                pausedUntil = until;
            }
        }
    }

    private async Task WaitOutPauseAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (pauseLock)
        {
            wait = pausedUntil - timeProvider.GetUtcNow();
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
        }
    }

    private void LogRetry(OnRetryArguments<HttpAttempt> args)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);
        var attempt = args.AttemptNumber + 1;
        var delayMs = (long)args.RetryDelay.TotalMilliseconds;
        if (args.Outcome.Result is { } result)
        {
            var reason = result.IsMalformedJson ? $"{result.ReasonPhrase} with a body that is not well-formed JSON" : result.ReasonPhrase;
            SourceClientLog.RetryingAfterStatus(logger, Source, request.Describe(), attempt, result.StatusCode, request.Redact(reason), delayMs);
        }
        else if (args.Outcome.Exception is { } error)
        {
            SourceClientLog.RetryingAfterError(logger, Source, request.Describe(), attempt, Explain(error, request), delayMs);
        }
    }

    private SourceRequestException Failure(SourceRequest request, int attempts, HttpAttempt last)
    {
        var problem = last.IsMalformedJson
            ? $"HTTP {last.StatusCode} {last.ReasonPhrase}, but the body is not well-formed JSON (cut short on the way?)"
            : $"HTTP {last.StatusCode} {last.ReasonPhrase}";
        var hint = last.StatusCode switch
        {
            401 or 403 => " The API refused the credentials: check the source's API key.",
            404 => $" Check the path and the source's BaseUrl ({options.BaseUrl}).",
            429 => " The API's rate limit is spent: lower RequestsPerSecond or try again later.",
            _ when last.RateLimitSpent => " The API's rate limit is spent: lower RequestsPerSecond or try again later.",
            _ => "",
        };
        var message = $"{Failed(request, attempts)}: {problem} {BodyExcerpt.Describe(last.ContentType, last.Body, request.Redact)}.{hint}";

        // Redacted as a whole too: the reason phrase is the server's text, and a server may echo anything.
        return new SourceRequestException(request.Redact(message), Source, request.Describe(), last.StatusCode, attempts, last.IsTransientFailure);
    }

    /// <summary>
    /// The error is not attached as the inner exception: its text (and its inner exceptions') is not ours to redact,
    /// so it goes into the message through <see cref="SourceRequest.Redact"/> instead.
    /// </summary>
    private SourceRequestException Failure(SourceRequest request, int attempts, Exception error) =>
        new($"{Failed(request, attempts)}: {Explain(error, request)}", Source, request.Describe(), statusCode: null, attempts, isTransient: true);

    private string Failed(SourceRequest request, int attempts) =>
        $"{Source}: {request.Describe()} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}";

    /// <summary>The error's message with its causes (a socket error is two levels down), secrets redacted.</summary>
    private static string Explain(Exception error, SourceRequest request)
    {
        if (error is TimeoutException)
        {
            return error.Message;
        }

        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (!messages.Exists(m => m.Contains(e.Message, StringComparison.Ordinal)))
            {
                messages.Add(e.Message);
            }
        }

        return request.Redact(string.Join(": ", messages));
    }

    private static string Seconds(TimeSpan span) =>
        $"{span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";

    /// <summary>One call's state across its attempts.</summary>
    private sealed class Exchange(SourceRequest request)
    {
        public SourceRequest Request { get; } = request;

        public int Attempts { get; set; }
    }
}
