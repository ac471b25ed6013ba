using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Lakehouse.Monitoring;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Lakehouse.Sources.Http;

/// <summary>
/// One source's politeness, built from Polly's own strategies and shared by every request to the source: a retry
/// (bounded attempts, exponential backoff with jitter, the server's <c>Retry-After</c> or spent rate limit honoured),
/// the source's rate limit (a token bucket, retries included, plus the <see cref="ServerPause"/>), and a timeout per
/// attempt. The client runs them through <see cref="ResilienceHandler"/>s: <see cref="RetryAndRateLimit"/> outside the
/// quota count, <see cref="AttemptTimeout"/> inside it, so the timeout bounds the server, not our own waits.
/// </summary>
internal sealed partial class SourcePoliteness : IDisposable
{
    private readonly string source;
    private readonly SourceHttpOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TokenBucketRateLimiter bucket;
    private readonly PipelineTelemetry? telemetry;

    /// <param name="source">The source's name, for log lines.</param>
    /// <param name="options">
    /// Options already validated: they come from <c>IOptionsMonitor.Get(source)</c>, which runs the source's
    /// <see cref="SourceHttpOptionsValidator"/> and names the bad key.
    /// </param>
    /// <param name="time">The clock for Polly's delays and timeouts and for the server's pauses.</param>
    /// <param name="logger">Receives a warning per retry.</param>
    /// <param name="telemetry">Counts the retries, by source; none when null.</param>
    public SourcePoliteness(string source, SourceHttpOptions options, TimeProvider time, ILogger<SourcePoliteness> logger, PipelineTelemetry? telemetry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(options);
        this.source = source;
        this.options = options;
        this.time = time;
        this.logger = logger;
        this.telemetry = telemetry;
        Pause = new ServerPause(time, options.RetryMaxDelay);

        // The bucket replenishes on its own timer (it takes no TimeProvider): it only spaces requests out, and nothing
        // that a test runs on fake time depends on it. The queue is unbounded: a request waits its turn, never fails.
        bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.RequestsPerSecond),
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        var outer = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            // Polly's retry needs at least one retry; MaxAttempts = 1 means none.
            outer.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsWorthRetrying(args.Outcome)),

                // The server's own word beats the backoff; null falls back to it.
                DelayGenerator = args => ValueTask.FromResult(ServerPause.Requested(args.Outcome.Result, time.GetUtcNow(), options.RetryMaxDelay)),
                OnRetry = args =>
                {
                    LogRetry(args);
                    this.telemetry?.OnApiRetry(source);
                    return default;
                },
            });
        }

        RetryAndRateLimit = outer
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = async args =>
                {
                    await Pause.WaitAsync(args.Context.CancellationToken);
                    return await bucket.AcquireAsync(1, args.Context.CancellationToken);
                },
            })
            .Build();
        AttemptTimeout = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(options.RequestTimeout)
            .Build();
    }

    /// <summary>What the server said about its rate limit, held for the whole source.</summary>
    public ServerPause Pause { get; }

    /// <summary>The retry around the rate limiter: every attempt, retries included, takes a permit.</summary>
    public ResiliencePipeline<HttpResponseMessage> RetryAndRateLimit { get; }

    /// <summary>How long one attempt may take, from sending the request to the last byte of the body.</summary>
    public ResiliencePipeline<HttpResponseMessage> AttemptTimeout { get; }

    public void Dispose() => bucket.Dispose();

    /// <summary>
    /// Worth another attempt: the server is busy or broken (408, 429, 5xx), the connection failed or was refused, the
    /// attempt timed out, or the body was cut short. Not when the server asks for a longer pause than
    /// <see cref="SourceHttpOptions.RetryMaxDelay"/>: coming back sooner would be refused again, so the call fails at
    /// once and says when to come back.
    /// </summary>
    private bool IsWorthRetrying(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } when ReceivedBody.IsCutShort(response) => true,
        { Result: { } response } => (int)response.StatusCode is 408 or 429 or >= 500 && !AsksTooLongAPause(response),

        // HttpRequestException: refused or broken connections. IOException: a body cut off mid-stream. Polly's
        // timeout is this attempt's; the caller's cancellation (OperationCanceledException) is never retried.
        { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
        _ => false,
    };

    private bool AsksTooLongAPause(HttpResponseMessage response) =>
        ServerPause.Requested(response, time.GetUtcNow(), options.RetryMaxDelay) is { } pause && pause > options.RetryMaxDelay;

    private void LogRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        var record = SourceExchangeRecord.Of(args.Context.GetRequestMessage());
        var request = record?.Request ?? "(request)";
        var attempt = args.AttemptNumber + 1;
        var delayMs = (long)args.RetryDelay.TotalMilliseconds;
        if (args.Outcome.Result is { } response)
        {
            var reason = response.ReasonPhrase ?? ((HttpStatusCode)response.StatusCode).ToString();
            if (ReceivedBody.IsCutShort(response))
            {
                reason += " with a body that is not well-formed JSON";
            }

            LogRetryAfterStatus(source, request, attempt, (int)response.StatusCode, record?.Redactor.Redact(reason) ?? reason, delayMs);
        }
        else if (args.Outcome.Exception is { } error)
        {
            LogRetryAfterError(source, request, attempt, SourceExchangeHandler.Explain(error, record?.Redactor ?? SecretRedactor.None, options.RequestTimeout), delayMs);
        }
    }

    internal static string Seconds(TimeSpan span) =>
        $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "{Source}: {Request} attempt {Attempt} got HTTP {StatusCode} {Reason}; retrying in {DelayMs} ms")]
    private partial void LogRetryAfterStatus(string source, string request, int attempt, int statusCode, string reason, long delayMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "{Source}: {Request} attempt {Attempt} failed: {Error}; retrying in {DelayMs} ms")]
    private partial void LogRetryAfterError(string source, string request, int attempt, string error, long delayMs);
}
