namespace Lakehouse.Sources.Http;

/// <summary>
/// What the server said about its own rate limit — <c>Retry-After</c>, or <c>X-RateLimit-Remaining: 0</c> — held for
/// every request of the source, not only the one that got the answer: the source's rate limiter waits it out before
/// handing out the next permit.
/// </summary>
/// <remarks>
/// Ours: System.Threading.RateLimiting's limiters count permits at a fixed rate and cannot be told by a response to
/// stop for a while, and Polly's retry delays only the request that was refused. NASA's gateway sends
/// <c>X-RateLimit-Remaining</c> on every answer, so a spent limit is known before the next request is refused.
/// </remarks>
internal sealed class ServerPause(TimeProvider time, TimeSpan maxPause)
{
    private const string RateLimitRemainingHeader = "X-RateLimit-Remaining";

    private readonly Lock gate = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    /// <summary>The longest the source holds its requests on a server's word (<see cref="SourceHttpOptions.RetryMaxDelay"/>).</summary>
    public TimeSpan MaxPause => maxPause;

    /// <summary>
    /// How long the server asked to hold off: <c>Retry-After</c> (seconds or an HTTP date) wins; a spent rate limit
    /// without one means "later", which is as long as the client is willing to wait. Null when it asked nothing.
    /// Not capped: a caller compares it with <see cref="MaxPause"/>.
    /// </summary>
    public static TimeSpan? Requested(HttpResponseMessage? response, DateTimeOffset now, TimeSpan maxPause)
    {
        if (response is null)
        {
            return null;
        }

        TimeSpan? pause = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => RateLimitSpent(response) ? maxPause : null,
        };
        return pause is { } p && p < TimeSpan.Zero ? TimeSpan.Zero : pause;
    }

    /// <summary>The response said <c>X-RateLimit-Remaining: 0</c>.</summary>
    public static bool RateLimitSpent(HttpResponseMessage response) =>
        response.Headers.TryGetValues(RateLimitRemainingHeader, out var remaining) && remaining.Any(v => v.Trim() == "0");

    /// <summary>Holds the source's requests for as long as <paramref name="response"/> asked, at most <see cref="MaxPause"/>.</summary>
    public void Note(HttpResponseMessage response)
    {
        var now = time.GetUtcNow();
        if (Requested(response, now, maxPause) is not { } pause || pause <= TimeSpan.Zero)
        {
            return;
        }

        var until = now + (pause < maxPause ? pause : maxPause);
        lock (gate)
        {
            if (until > pausedUntil)
            {
                pausedUntil = until;
            }
        }
    }

    /// <summary>Waits until the server's pause, if any, is over.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            wait = pausedUntil - time.GetUtcNow();
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
