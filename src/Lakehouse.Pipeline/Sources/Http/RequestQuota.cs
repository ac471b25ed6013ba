using System.Collections.Concurrent;
using System.Globalization;
using Lakehouse.Lake;
using Lakehouse.Storage;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.Http;

/// <summary>
/// Counts the requests sent to each source that has a quota (<see cref="SourceHttpOptions.QuotaRequests"/>) per UTC
/// day or month, in the lake (<c>_meta/quota/{source}/{period}.json</c>), and refuses a request once the period's
/// quota is spent. Every attempt counts, retries included: the API counts them too.
/// </summary>
/// <remarks>
/// The count is read, incremented and written back for every request. On the folder store that costs about 9 ms (one
/// read, one fsynced temp write and a rename, measured on a busy 2-core build machine), next to the hundreds of
/// milliseconds of a RAWG call; 20,000 requests a month spend about 3 minutes on it. In exchange a crash loses no
/// count at all. S3 costs a GET and a PUT per request. Processes sharing the lake
/// share the count best-effort: two of them counting at the same instant can lose one increment, which the quota's
/// own margin absorbs (the API keeps the true count).
/// </remarks>
internal sealed class RequestQuota(IObjectStore store, IOptionsMonitor<SourceHttpOptions> options, TimeProvider time)
{
    // Requests of one source in one process go through the read-add-write one at a time, so none is lost here.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    /// <summary>The quota of <paramref name="source"/> and what was used of it in the period that contains <paramref name="now"/>.</summary>
    public async Task<QuotaStatus> ReadAsync(string source, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var settings = options.Get(source);
        var period = QuotaWindow.Of(settings.QuotaPeriod, now);
        var record = await LakeJson.ReadAsync<QuotaRecord>(store, LakeKeys.Quota(source, period.Name), ct);
        return new QuotaStatus(settings.QuotaRequests, record?.Used ?? 0, settings.QuotaPeriod, period.ResetsAt);
    }

    /// <summary>
    /// Counts one request that is about to be sent. Sources without a quota are not counted.
    /// </summary>
    /// <exception cref="QuotaExhaustedException">The period's quota is spent; the request must not be sent.</exception>
    public async Task CountAsync(string source, CancellationToken ct)
    {
        var settings = options.Get(source);
        if (settings.QuotaRequests is not { } limit)
        {
            return;
        }

        var now = time.GetUtcNow();
        var period = QuotaWindow.Of(settings.QuotaPeriod, now);
        var key = LakeKeys.Quota(source, period.Name);
        var gate = gates.GetOrAdd(source, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var record = await LakeJson.ReadAsync<QuotaRecord>(store, key, ct) ?? new QuotaRecord { Source = source, Period = period.Name };
            if (record.Used >= limit)
            {
                throw QuotaExhaustedException.Spent(source, limit, record.Used, settings.QuotaPeriod, period);
            }

            await LakeJson.WriteAsync(store, key, record with { Used = record.Used + 1, Limit = limit, UpdatedAt = now }, ct);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>A source's request quota as the lake counts it.</summary>
/// <param name="Limit">Requests allowed per period; null when the source has no quota.</param>
/// <param name="Used">Requests sent (every attempt) in the current period, by every process sharing the lake.</param>
/// <param name="Period">What the quota counts over.</param>
/// <param name="ResetsAt">When the current period ends and the count starts again from zero (UTC).</param>
internal sealed record QuotaStatus(int? Limit, int Used, QuotaPeriod Period, DateTimeOffset ResetsAt)
{
    /// <summary>Requests left in this period (never negative); null when there is no quota.</summary>
    public int? Remaining => Limit is { } limit ? Math.Max(0, limit - Used) : null;
}

/// <summary>The lake record of one source's count in one period.</summary>
internal sealed record QuotaRecord
{
    public required string Source { get; init; }

    /// <summary><c>2026-11</c> or <c>2026-11-22</c>.</summary>
    public required string Period { get; init; }

    public int Used { get; init; }

    /// <summary>The quota in force when last counted, for a person reading the file.</summary>
    public int? Limit { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>One UTC calendar day or month: its name in lake keys and when it ends.</summary>
internal readonly record struct QuotaWindow(string Name, DateTimeOffset ResetsAt)
{
    public static QuotaWindow Of(QuotaPeriod period, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        if (period == QuotaPeriod.Day)
        {
            var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
            return new(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day.AddDays(1));
        }

        var month = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), month.AddMonths(1));
    }
}

/// <summary>
/// A source's request quota is spent, as counted in the lake or as the API said (RAWG answers 429 or 403). Not
/// transient within a run: nothing is sent until the quota resets, and the same command then continues where it
/// stopped (landed partitions are kept, cursors did not move past what landed).
/// </summary>
internal sealed class QuotaExhaustedException : LakehouseException
{
    public QuotaExhaustedException(string source, string message, DateTimeOffset? resetsAt, Exception? innerException = null)
        : base(message, innerException)
    {
        SourceName = source;
        ResetsAt = resetsAt;
    }

    public string SourceName { get; }

    /// <summary>When sending may start again; null when the API did not say.</summary>
    public DateTimeOffset? ResetsAt { get; }

    /// <summary>Always false: retrying before <see cref="ResetsAt"/> cannot help.</summary>
    public override bool IsTransient => false;

    public override LakehouseStage Stage => LakehouseStage.Land;

    internal static QuotaExhaustedException Spent(string source, int limit, int used, QuotaPeriod period, QuotaWindow window)
    {
        var per = period == QuotaPeriod.Day ? "day" : "month";
        var resets = window.ResetsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{source}: the request quota of {limit:N0} per {per} is spent ({used:N0} sent in {window.Name}, counted in the lake at {LakeKeys.Quota(source, window.Name)}); no request was sent. It resets at {resets} UTC: run the same command again then and it continues where it stopped.");
        return new QuotaExhaustedException(source, message, window.ResetsAt);
    }
}
