using System.Globalization;
using System.Text.Json;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Lake;

/// <summary>How long leases on the lake last and how long a contender waits. Bound from <c>Lakehouse:Leases</c>.</summary>
internal sealed class LeaseOptions
{
    public const string Section = "Lakehouse:Leases";

    /// <summary>
    /// How long a lease holds without renewal. The holder renews it every third of this, so a process that dies
    /// blocks the others for at most this long.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a run waits for a dataset another process is landing before it gives up with a message.</summary>
    public TimeSpan DatasetWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a run waits for another gold build to finish before it leaves gold to the next run.</summary>
    public TimeSpan GoldWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a waiting contender looks again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>What a lease object holds: who holds it and until when.</summary>
internal sealed record LeaseRecord
{
    public required string Name { get; init; }

    /// <summary>A fresh id per acquisition: two leases of one process are two owners.</summary>
    public required string Owner { get; init; }

    /// <summary>Who, in words: <c>run 20261122T... (schedule) on host-a, pid 4242</c>.</summary>
    public required string Holder { get; init; }

    public required DateTimeOffset AcquiredAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>The holder's machine and process, so a holder known to be dead need not be waited out.</summary>
    public string? Host { get; init; }

    public int? ProcessId { get; init; }

    /// <summary>A random id per process: tells a reused pid (a restarted container's pid 1) from the holder.</summary>
    public string? ProcessToken { get; init; }
}

/// <summary>
/// Leases on the lake: an object per holder under <c>_meta/leases/{name}/</c>, so that two processes never land,
/// transform or model the same thing at once, whatever the store (a folder, S3, MinIO).
/// </summary>
/// <remarks>
/// Each acquisition creates the next generation object (<c>000000000007.json</c>) with a create-if-absent, so of two
/// contenders exactly one gets a generation; only the highest generation counts, and it holds until it is released
/// or expires. Taking over never rewrites another holder's object, so no compare-and-swap is needed beyond the
/// create. The holder renews its own object while it works. The guarantee is the store's create-if-absent: exact on
/// a folder and on S3 servers with conditional writes; on others see <see cref="S3ObjectStore.TryCreateAsync"/>.
/// </remarks>
internal sealed partial class LakeLeases(IObjectStore store, LeaseOptions options, TimeProvider time, ILogger<LakeLeases> logger)
{
    private static readonly string ProcessToken = Guid.NewGuid().ToString("N");

    // The owners this process holds now; a lease of this process that is not among them was left by a failed release.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Live = new(StringComparer.Ordinal);

    public LeaseOptions Options => options;

    /// <summary>Who this process is, for the holder line: host and pid.</summary>
    public static string ThisProcess => $"{Environment.MachineName}, pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Takes every named lease (in name order, so two runs never deadlock), waiting up to <paramref name="wait"/>.</summary>
    /// <exception cref="LakeLeaseHeldException">One stayed held by someone else for all of <paramref name="wait"/>.</exception>
    public async Task<LeaseSet> AcquireAllAsync(IEnumerable<string> names, string purpose, TimeSpan wait, CancellationToken ct)
    {
        var held = new LeaseSet();
        try
        {
            foreach (var name in names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                held.Add(await AcquireAsync(name, purpose, wait, ct));
            }

            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the lease <paramref name="name"/>, waiting up to <paramref name="wait"/> while someone else holds it.</summary>
    /// <exception cref="LakeLeaseHeldException">It stayed held for all of <paramref name="wait"/>.</exception>
    public async Task<LakeLease> AcquireAsync(string name, string purpose, TimeSpan wait, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + wait;
        var announced = false;
        while (true)
        {
            var (lease, heldBy) = await TryAcquireAsync(name, purpose, ct);
            if (lease is not null)
            {
                return lease;
            }

            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                throw new LakeLeaseHeldException(name, heldBy!, wait);
            }

            if (!announced)
            {
                LogWaiting(name, heldBy!.Holder, wait.TotalSeconds);
                announced = true;
            }

            var pause = deadline - now < options.PollInterval ? deadline - now : options.PollInterval;
            await Task.Delay(pause, time, ct);
        }
    }

    /// <summary>The current holder of <paramref name="name"/>, or null when it is free.</summary>
    public async Task<LeaseRecord?> ReadHolderAsync(string name, CancellationToken ct)
    {
        var generations = await store.ListAllAsync(LakeKeys.LeasePrefix(name), ct);
        if (generations.Count == 0)
        {
            return null;
        }

        var current = await ReadAsync(generations[^1], name, ct);
        return current.ReleasedAt is null && current.ExpiresAt > time.GetUtcNow() && !IsGone(current) ? current : null;
    }

    private async Task<(LakeLease? Lease, LeaseRecord? HeldBy)> TryAcquireAsync(string name, string purpose, CancellationToken ct)
    {
        var generations = await store.ListAllAsync(LakeKeys.LeasePrefix(name), ct);
        long top = 0;
        var now = time.GetUtcNow();
        if (generations.Count > 0)
        {
            var newest = generations[^1];
            top = LakeKeys.LeaseGeneration(newest.Key);
            var current = await ReadAsync(newest, name, ct);
            if (current.ReleasedAt is null && current.ExpiresAt > now && !IsGone(current))
            {
                return (null, current);
            }

            if (current.ReleasedAt is null && current.ExpiresAt > now)
            {
                LogHolderGone(name, current.Holder);
            }
            else if (current.ReleasedAt is null)
            {
                LogTakingOver(name, current.Holder, current.ExpiresAt);
            }
        }

        var record = new LeaseRecord
        {
            Name = name,
            Owner = Guid.NewGuid().ToString("N"),
            Holder = $"{purpose} on {ThisProcess}",
            AcquiredAt = now,
            ExpiresAt = now + options.Duration,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            ProcessToken = ProcessToken,
        };
        var key = LakeKeys.Lease(name, top + 1);

        // Counted as live before the object exists: a contender in this same process must never read it as left over.
        Live[record.Owner] = true;
        var won = false;
        try
        {
            won = await TryCreateAsync(key, record, name, ct);
        }
        finally
        {
            if (!won)
            {
                Live.TryRemove(record.Owner, out _);
            }
        }

        return won ? (new LakeLease(this, key, record), null) : (null, await CurrentAsync(name, now, ct));
    }

    /// <summary>Creates generation <paramref name="key"/>; true when it is this holder's and the newest.</summary>
    private async Task<bool> TryCreateAsync(ObjectKey key, LeaseRecord record, string name, CancellationToken ct)
    {
        if (!await store.TryCreateAsync(key, Serialize(record), ct))
        {
            return false;
        }

        // A contender that listed long ago may create a generation below the newest one: only the newest counts.
        var after = await store.ListAllAsync(LakeKeys.LeasePrefix(name), ct);
        if (after[^1].Key != key)
        {
            await store.DeleteAsync(key, ct);
            return false;
        }

        foreach (var older in after.Where(o => o.Key != key))
        {
            await store.DeleteAsync(older.Key, ct);
        }

        LogAcquired(name, record.Holder);
        return true;
    }

    /// <summary>Who holds <paramref name="name"/> now that this attempt did not get it.</summary>
    private async Task<LeaseRecord> CurrentAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        var generations = await store.ListAllAsync(LakeKeys.LeasePrefix(name), ct);
        return generations.Count == 0 ? Unknown(name, now) : await ReadAsync(generations[^1], name, ct);
    }

    /// <summary>Renews the lease; false when it was lost (expired and taken by someone else).</summary>
    internal async Task<bool> RenewAsync(ObjectKey key, LeaseRecord record, CancellationToken ct)
    {
        var generations = await store.ListAllAsync(LakeKeys.LeasePrefix(record.Name), ct);
        if (generations.Count == 0 || generations[^1].Key != key)
        {
            LogLost(record.Name, record.Holder);
            return false;
        }

        await store.PutBytesAsync(key, Serialize(record with { ExpiresAt = time.GetUtcNow() + options.Duration }), ct);
        return true;
    }

    internal async Task ReleaseAsync(ObjectKey key, LeaseRecord record)
    {
        Live.TryRemove(record.Owner, out _);
        try
        {
            // Marked released rather than deleted: the generation stays, so the next holder takes the one above it.
            var generations = await store.ListAllAsync(LakeKeys.LeasePrefix(record.Name), CancellationToken.None);
            if (generations.Count > 0 && generations[^1].Key == key)
            {
                var now = time.GetUtcNow();
                await store.PutBytesAsync(key, Serialize(record with { ExpiresAt = now, ReleasedAt = now }), CancellationToken.None);
            }
        }
        catch (ObjectStoreException e)
        {
            // It expires by itself; the others wait at most the lease's duration.
            LogReleaseFailed(e, record.Name, e.Message);
        }
    }

    internal void OnRenewFailed(string name, Exception e) => LogRenewFailed(e, name, e.Message);

    private async Task<LeaseRecord> ReadAsync(ObjectInfo info, string name, CancellationToken ct)
    {
        try
        {
            var bytes = await store.ReadAllBytesAsync(info.Key, ct);
            if (bytes.Length > 0 && JsonSerializer.Deserialize<LeaseRecord>(bytes, LakeJson.Options) is { } record)
            {
                return record;
            }
        }
        catch (Exception e) when (e is JsonException or ObjectNotFoundException)
        {
            // Being written this very moment (the folder's exclusive create comes before its content) or just
            // released and pruned: treated as held by someone unknown, until its file time says it expired.
        }

        return Unknown(name, info.LastModified) with { ExpiresAt = info.LastModified + options.Duration };
    }

    /// <summary>
    /// Whether the holder is a process on this machine that no longer runs (killed, crashed) or a lease this process
    /// failed to release: waiting out its expiry would only delay the run that heals what it left.
    /// </summary>
    private static bool IsGone(LeaseRecord holder)
    {
        if (holder.Host != Environment.MachineName || holder.ProcessId is not { } pid)
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return holder.ProcessToken != ProcessToken || !Live.ContainsKey(holder.Owner);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);

            // A process started after the lease was taken merely reuses the pid.
            return process.HasExited || process.StartTime.ToUniversalTime() > holder.AcquiredAt.UtcDateTime.AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }

    private static LeaseRecord Unknown(string name, DateTimeOffset since) => new()
    {
        Name = name, Owner = "", Holder = "another process (its lease is being written)", AcquiredAt = since, ExpiresAt = since,
    };

    private static byte[] Serialize(LeaseRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, LakeJson.Options);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting up to {Seconds} s for lease {Lease}, held by {Holder}")]
    private partial void LogWaiting(string lease, string holder, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Lease} taken by {Holder}")]
    private partial void LogAcquired(string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} expired at {ExpiredAt} without being released by {Holder} (did it die?): taking it over")]
    private partial void LogTakingOver(string lease, string holder, DateTimeOffset expiredAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} is held by {Holder}, which no longer runs: taking it over")]
    private partial void LogHolderGone(string lease, string holder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease {Lease} of {Holder} was lost: it expired and another process took it")]
    private partial void LogLost(string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} could not be renewed, trying again: {Reason}")]
    private partial void LogRenewFailed(Exception e, string lease, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} could not be released (it will expire by itself): {Reason}")]
    private partial void LogReleaseFailed(Exception e, string lease, string reason);
}

/// <summary>A lease this process holds: renewed in the background until disposed, then released.</summary>
internal sealed class LakeLease : IAsyncDisposable
{
    private readonly LakeLeases leases;
    private readonly ObjectKey key;
    private readonly CancellationTokenSource stop = new();
    private readonly Task renewing;

    internal LakeLease(LakeLeases leases, ObjectKey key, LeaseRecord record)
    {
        this.leases = leases;
        this.key = key;
        Record = record;
        renewing = RenewAsync();
    }

    public LeaseRecord Record { get; }

    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await stop.CancelAsync();
        await renewing;
        stop.Dispose();
        await leases.ReleaseAsync(key, Record);
    }

    private async Task RenewAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(leases.Options.Duration / 3);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    if (!await leases.RenewAsync(key, Record, stop.Token))
                    {
                        return;
                    }
                }
                catch (ObjectStoreException e)
                {
                    leases.OnRenewFailed(Record.Name, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the lease is released next.
        }
    }
}

/// <summary>Several leases held together, released together.</summary>
internal sealed class LeaseSet : IAsyncDisposable
{
    private readonly List<LakeLease> leases = [];

    public void Add(LakeLease lease) => leases.Add(lease);

    public async ValueTask DisposeAsync()
    {
        for (var i = leases.Count - 1; i >= 0; i--)
        {
            await leases[i].DisposeAsync();
        }

        leases.Clear();
    }
}

/// <summary>
/// Someone else holds a lease on the lake (another run landing the dataset, another gold build, another scheduler):
/// the message names the holder and until when.
/// </summary>
internal sealed class LakeLeaseHeldException(string name, LeaseRecord holder, TimeSpan waited)
    : Exception($"{Describe(name)} is held by {holder.Holder} since {holder.AcquiredAt:yyyy-MM-dd HH:mm:ss} UTC " +
                $"(its lease runs to {holder.ExpiresAt:HH:mm:ss} UTC unless renewed); waited {waited.TotalSeconds:0.#} s. " +
                "Try again when it has finished.")
{
    public string Name { get; } = name;

    public LeaseRecord Holder { get; } = holder;

    private static string Describe(string name) => name.StartsWith('_') ? $"The lake's {name.TrimStart('_')} lease" : $"Dataset {name}";
}
