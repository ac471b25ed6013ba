using System.Collections.Concurrent;
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
    /// blocks the others for at most this long; a holder that cannot renew in time stops its work.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a run waits for a dataset another process is landing before it gives up with a message.</summary>
    public TimeSpan DatasetWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a run waits for another gold build to finish before it leaves gold to the next run.</summary>
    public TimeSpan GoldWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a waiting contender looks again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How much earlier than its recorded expiry a holder considers its lease over: room for the clocks of two
    /// machines to disagree, and for a write that was checked just before the lease ran out to land.
    /// </summary>
    public TimeSpan SafetyMargin => Duration / 4;
}

/// <summary>What a lease claim holds: who claims it and until when.</summary>
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
/// Leases on the lake, so that two processes never land, transform or model the same thing at once, whatever the
/// store: a folder, MinIO, any S3. They need no conditional write (the Minio client cannot send one, and s3rver
/// ignores it), only what every store here promises: a listing made after a write shows it.
/// </summary>
/// <remarks>
/// <para>
/// Lamport's bakery, with objects under <c>_meta/leases/{name}/</c> for its shared registers. A contender first
/// announces itself with <c>entering-{owner}.json</c> (the "doorway"), lists the claims, writes
/// <c>ticket-{number}-{owner}.json</c> with a number above every ticket it saw, and removes its announcement. It then
/// waits for everyone it sees still in the doorway to leave it (they may take a smaller number), and the smallest
/// live ticket, by number and then owner, holds the lease; every other contender removes its ticket. The doorway is
/// what makes this exact: a contender that came in after another decided is sure to see that one's ticket and to
/// take a larger number, so no two contenders can each find themselves the smallest.
/// </para>
/// <para>
/// A claim is live until it is removed (release) or expires: a ticket records when, its holder rewrites it every
/// third of <see cref="LeaseOptions.Duration"/>, and expired ones are removed by the next winner. A holder trusts its
/// lease only until <see cref="LeaseOptions.SafetyMargin"/> before the expiry it last wrote; past that it counts the
/// lease as lost, cancels its work, and every store refuses its writes (<see cref="WriteFence"/>), so a process that
/// was stalled (stopped, swapped out) while another took over does not write after it resumes.
/// </para>
/// <para>
/// Waiting for a contender in the doorway is part of the protocol, not a guess: it ends when that contender's
/// announcement disappears, or when the announcement is older than a lease (its writer died there). No fixed delay
/// decides who wins.
/// </para>
/// </remarks>
internal sealed partial class LakeLeases(IObjectStore store, LeaseOptions options, TimeProvider time, ILogger<LakeLeases> logger)
{
    private const string TicketPrefix = "ticket-";
    private const string EnteringPrefix = "entering-";

    /// <summary>How long an announcement may stay before its writer's process is looked at (same machine only).</summary>
    private static readonly TimeSpan DoorwayGrace = TimeSpan.FromSeconds(1);

    private static readonly string ProcessToken = Guid.NewGuid().ToString("N");

    // The owners this process holds or is acquiring now; a claim of this process that is not among them was left by
    // a failed release.
    private static readonly ConcurrentDictionary<string, bool> Live = new(StringComparer.Ordinal);

    public LeaseOptions Options => options;

    internal TimeProvider Time => time;

    /// <summary>Who this process is, for the holder line: host and pid.</summary>
    public static string ThisProcess => $"{Environment.MachineName}, pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";

    private TimeSpan DoorwayPoll => options.PollInterval < TimeSpan.FromMilliseconds(50) ? options.PollInterval : TimeSpan.FromMilliseconds(50);

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
        var claims = await ListClaimsAsync(name, ct);
        return (await FindLiveAsync(claims.Tickets, below: null, ct))?.Record;
    }

    /// <summary>One attempt: the lease, or who holds it.</summary>
    private async Task<(LakeLease? Lease, LeaseRecord? HeldBy)> TryAcquireAsync(string name, string purpose, CancellationToken ct)
    {
        // A look before entering: while someone holds the lease, contenders only read.
        var claims = await ListClaimsAsync(name, ct);
        if (await FindLiveAsync(claims.Tickets, below: null, ct) is { } holder)
        {
            return (null, holder.Record);
        }

        var owner = Guid.NewGuid().ToString("N");
        var started = time.GetUtcNow();
        var record = new LeaseRecord
        {
            Name = name,
            Owner = owner,
            Holder = $"{purpose} on {ThisProcess}",
            AcquiredAt = started,
            ExpiresAt = started + options.Duration,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            ProcessToken = ProcessToken,
        };

        // Counted as live before any claim exists: a contender in this same process must never read it as left over.
        Live[owner] = true;
        var entering = LakeKeys.LeaseEntering(name, owner);
        Ticket? mine = null;
        var won = false;
        try
        {
            // The doorway: announce, take a number above every ticket in sight, leave the doorway.
            await store.PutBytesAsync(entering, Serialize(record), ct);
            claims = await ListClaimsAsync(name, ct);
            var number = claims.Tickets.Count == 0 ? 1 : claims.Tickets.Max(t => t.Number) + 1;
            mine = new Ticket(LakeKeys.LeaseTicket(name, number, owner), number, owner, started);
            await store.PutBytesAsync(mine.Key, Serialize(record), ct);
            await store.DeleteAsync(entering, ct);

            // Everyone still in the doorway may take a smaller number: wait until they are out.
            claims = await AwaitDoorwayAsync(name, owner, ct);

            if (await FindLiveAsync(claims.Tickets, below: mine, ct) is { } ahead)
            {
                return (null, ahead.Record);
            }

            // The claim was written at `started`; a contender that took so long (a stalled process) that others may
            // already count its claim as expired must not start work on it.
            var validUntil = started + options.Duration - options.SafetyMargin;
            if (time.GetUtcNow() >= validUntil)
            {
                LogStalled(name);
                return (null, record with { Holder = "nobody (this process stalled while taking the lease; trying again)", ExpiresAt = started });
            }

            won = true;

            // Every ticket below ours is expired, released or left by a dead process: prune them, with announcements
            // their writers left behind.
            foreach (var stale in claims.Tickets.Where(t => t.CompareTo(mine) < 0).Select(t => t.Key)
                         .Concat(claims.Entering.Where(e => e.Owner != owner && IsStale(e)).Select(e => e.Key)))
            {
                await TryDeleteAsync(stale);
            }

            LogAcquired(name, record.Holder);
            return (new LakeLease(this, mine.Key, record, validUntil), null);
        }
        finally
        {
            if (!won)
            {
                Live.TryRemove(owner, out _);
                await TryDeleteAsync(entering);
                if (mine is not null)
                {
                    await TryDeleteAsync(mine.Key);
                }
            }
        }
    }

    /// <summary>
    /// Lists until no other contender seen in the doorway is still there (or its announcement is stale), and returns
    /// that last listing: it holds the tickets those contenders took.
    /// </summary>
    private async Task<Claims> AwaitDoorwayAsync(string name, string owner, CancellationToken ct)
    {
        var claims = await ListClaimsAsync(name, ct);
        var firstSeen = time.GetUtcNow();
        var checkedGone = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var inDoorway = claims.Entering.Where(e => e.Owner != owner && !IsStale(e)).ToList();
            if (inDoorway.Count == 0)
            {
                return claims;
            }

            // A contender of this machine that was killed in the doorway need not be waited out for a whole lease.
            if (time.GetUtcNow() - firstSeen >= DoorwayGrace)
            {
                foreach (var entering in inDoorway.Where(e => checkedGone.Add(e.Owner)))
                {
                    if (await ReadAsync(entering.Info, ct) is { } announced && IsGone(announced))
                    {
                        await TryDeleteAsync(entering.Key);
                    }
                }
            }

            await Task.Delay(DoorwayPoll, time, ct);
            claims = await ListClaimsAsync(name, ct);
        }
    }

    /// <summary>The smallest live ticket (below <paramref name="below"/> when given), with its record.</summary>
    private async Task<(Ticket Ticket, LeaseRecord Record)?> FindLiveAsync(IReadOnlyList<Ticket> tickets, Ticket? below, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var ticket in tickets.Where(t => below is null || t.CompareTo(below) < 0).Order())
        {
            if (await ReadAsync(ticket.Info!, ct) is { } record && IsLive(record, now))
            {
                return (ticket, record);
            }
        }

        return null;
    }

    /// <summary>Renews the lease; false when it was lost (its ticket is gone: someone counted it as expired).</summary>
    internal async Task<DateTimeOffset?> RenewAsync(ObjectKey key, LeaseRecord record, DateTimeOffset validUntil, CancellationToken ct)
    {
        var claims = await ListClaimsAsync(record.Name, ct);
        if (claims.Tickets.All(t => t.Key != key))
        {
            return null;
        }

        var started = time.GetUtcNow();
        if (started >= validUntil)
        {
            return null;
        }

        await store.PutBytesAsync(key, Serialize(record with { ExpiresAt = started + options.Duration }), ct);

        // A renewal that lands after the lease may already have been counted as over proves nothing.
        return time.GetUtcNow() >= validUntil ? null : started + options.Duration - options.SafetyMargin;
    }

    /// <summary>Removes the holder's ticket: the lease is free at once (a lost lease's ticket is still this holder's own).</summary>
    internal async Task ReleaseAsync(ObjectKey key, LeaseRecord record)
    {
        Live.TryRemove(record.Owner, out _);
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (ObjectStoreException e)
        {
            // It expires by itself; the others wait at most the lease's duration.
            LogReleaseFailed(e, record.Name, e.Message);
        }
    }

    internal void OnRenewFailed(string name, Exception e) => LogRenewFailed(e, name, e.Message);

    internal void OnLost(LeaseRecord record) => LogLost(record.Name, record.Holder);

    private async Task<Claims> ListClaimsAsync(string name, CancellationToken ct)
    {
        var tickets = new List<Ticket>();
        var entering = new List<Entering>();
        foreach (var info in await store.ListAllAsync(LakeKeys.LeasePrefix(name), ct))
        {
            var file = info.Key.Name;
            if (file.StartsWith(TicketPrefix, StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal)
                && file.Length > TicketPrefix.Length + 13
                && long.TryParse(file.AsSpan(TicketPrefix.Length, 12), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                tickets.Add(new Ticket(info.Key, number, file[(TicketPrefix.Length + 13)..^".json".Length], info.LastModified) { Info = info });
            }
            else if (file.StartsWith(EnteringPrefix, StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal))
            {
                entering.Add(new Entering(info.Key, file[EnteringPrefix.Length..^".json".Length], info));
            }
        }

        return new Claims(tickets, entering);
    }

    /// <summary>
    /// A claim's record; null when it disappeared since it was listed (released). An unreadable one counts as held by
    /// someone unknown until its file time says it expired.
    /// </summary>
    private async Task<LeaseRecord?> ReadAsync(ObjectInfo info, CancellationToken ct)
    {
        try
        {
            var bytes = await store.ReadAllBytesAsync(info.Key, ct);
            if (bytes.Length > 0 && JsonSerializer.Deserialize<LeaseRecord>(bytes, LakeJson.Options) is { } record)
            {
                return record;
            }
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // Written by another tool or a future version: fall through.
        }

        return new LeaseRecord
        {
            Name = "", Owner = "", Holder = "another process (its claim cannot be read)",
            AcquiredAt = info.LastModified, ExpiresAt = info.LastModified + options.Duration,
        };
    }

    private static bool IsLive(LeaseRecord record, DateTimeOffset now) => record.ReleasedAt is null && record.ExpiresAt > now && !IsGone(record);

    /// <summary>An announcement older than a lease: its writer died in the doorway.</summary>
    private bool IsStale(Entering entering) => entering.Info.LastModified + options.Duration < time.GetUtcNow();

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

    private async Task TryDeleteAsync(ObjectKey key)
    {
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is ObjectStoreException or OperationCanceledException)
        {
            // Best effort: a claim left behind expires; an announcement goes stale.
        }
    }

    private static byte[] Serialize(LeaseRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, LakeJson.Options);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting up to {Seconds} s for lease {Lease}, held by {Holder}")]
    private partial void LogWaiting(string lease, string holder, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Lease} taken by {Holder}")]
    private partial void LogAcquired(string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease}: this process stalled while taking it, so it may already count as expired; trying again")]
    private partial void LogStalled(string lease);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease {Lease} of {Holder} was lost (not renewed in time: stalled, or the lake was unreachable); its work stops")]
    private partial void LogLost(string lease, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} could not be renewed, trying again: {Reason}")]
    private partial void LogRenewFailed(Exception e, string lease, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} could not be released (it will expire by itself): {Reason}")]
    private partial void LogReleaseFailed(Exception e, string lease, string reason);

    /// <summary>A ticket: ordered by number, then owner, the same way by every contender.</summary>
    private sealed record Ticket(ObjectKey Key, long Number, string Owner, DateTimeOffset Written) : IComparable<Ticket>
    {
        public ObjectInfo? Info { get; init; }

        public int CompareTo(Ticket? other) =>
            other is null ? 1 : Number != other.Number ? Number.CompareTo(other.Number) : string.CompareOrdinal(Owner, other.Owner);
    }

    private sealed record Entering(ObjectKey Key, string Owner, ObjectInfo Info);

    private sealed record Claims(IReadOnlyList<Ticket> Tickets, IReadOnlyList<Entering> Entering);
}

/// <summary>
/// A lease this process holds: renewed in the background until disposed, then released. Once it cannot be trusted
/// any more (not renewed in time, or taken over), <see cref="Lost"/> is cancelled and <see cref="ThrowIfLost"/> throws.
/// </summary>
internal sealed class LakeLease : IAsyncDisposable
{
    private readonly LakeLeases leases;
    private readonly ObjectKey key;
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource lost;
    private readonly Task renewing;
    private long validUntilTicks;
    private int lostLogged;

    internal LakeLease(LakeLeases leases, ObjectKey key, LeaseRecord record, DateTimeOffset validUntil)
    {
        this.leases = leases;
        this.key = key;
        Record = record;
        validUntilTicks = validUntil.UtcTicks;

        // Cancelled by the clock when the lease runs out; every renewal pushes that moment back.
        lost = new CancellationTokenSource(Positive(validUntil - leases.Time.GetUtcNow()), leases.Time);

        // Renewals must not inherit the caller's write fence (a run's, or another lease's): they are this lease's own.
        using (ExecutionContext.SuppressFlow())
        {
            renewing = Task.Run(RenewAsync);
        }
    }

    public LeaseRecord Record { get; }

    /// <summary>Until when this process may trust the lease (earlier than the expiry others see).</summary>
    public DateTimeOffset ValidUntil => new(Interlocked.Read(ref validUntilTicks), TimeSpan.Zero);

    /// <summary>Cancelled when the lease is lost.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Whether the lease is lost, by the clock or by a renewal that found it taken.</summary>
    public bool IsLost => lost.IsCancellationRequested || leases.Time.GetUtcNow() >= ValidUntil;

    /// <summary>Throws when the lease is lost: the check every write of the holder's work goes through.</summary>
    /// <exception cref="LakeLeaseLostException">The lease is lost.</exception>
    public void ThrowIfLost()
    {
        if (IsLost)
        {
            throw LostException();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> under this lease: it is cancelled when the lease is lost, no write of it reaches
    /// the lake after that (<see cref="WriteFence"/>), and it ends with <see cref="LakeLeaseLostException"/>.
    /// </summary>
    public async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Lost);
        using (WriteFence.Enter(ThrowIfLost))
        {
            try
            {
                var result = await work(linked.Token);
                ThrowIfLost();
                return result;
            }
            catch (OperationCanceledException e) when (e is not LakeLeaseLostException && IsLost && !ct.IsCancellationRequested)
            {
                throw LostException();
            }
        }
    }

    /// <summary>The exception that says this lease was lost.</summary>
    public LakeLeaseLostException LostException()
    {
        if (Interlocked.Exchange(ref lostLogged, 1) == 0)
        {
            leases.OnLost(Record);
        }

        return new LakeLeaseLostException(Record, ValidUntil, lost.Token);
    }

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
        lost.Dispose();
    }

    private async Task RenewAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(leases.Options.Duration / 3, leases.Time);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (IsLost)
                {
                    MarkLost();
                    return;
                }

                try
                {
                    if (await leases.RenewAsync(key, Record, ValidUntil, stop.Token) is not { } renewed)
                    {
                        MarkLost();
                        return;
                    }

                    Interlocked.Exchange(ref validUntilTicks, renewed.UtcTicks);
                    lost.CancelAfter(Positive(renewed - leases.Time.GetUtcNow()));
                }
                catch (ObjectStoreException e)
                {
                    // Tried again at the next tick; if no renewal lands before ValidUntil, the lease is lost.
                    leases.OnRenewFailed(Record.Name, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the lease is released next.
        }
    }

    private void MarkLost()
    {
        Interlocked.Exchange(ref validUntilTicks, Math.Min(Interlocked.Read(ref validUntilTicks), leases.Time.GetUtcNow().UtcTicks));
        _ = LostException();
        lost.Cancel();
    }

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;
}

/// <summary>Several leases held together (a run's datasets), released together, lost as soon as one is.</summary>
internal sealed class LeaseSet : IAsyncDisposable
{
    private readonly List<LakeLease> leases = [];
    private readonly List<CancellationTokenRegistration> registrations = [];
    private readonly CancellationTokenSource lost = new();

    /// <summary>Cancelled when any of the leases is lost.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>The first lease that is lost, or null.</summary>
    public LakeLease? LostLease => leases.FirstOrDefault(l => l.IsLost);

    public void Add(LakeLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        leases.Add(lease);
        registrations.Add(lease.Lost.Register(static state => ((CancellationTokenSource)state!).Cancel(), lost));
    }

    /// <summary>Throws when any lease is lost (see <see cref="LakeLease.ThrowIfLost"/>).</summary>
    /// <exception cref="LakeLeaseLostException">A lease is lost.</exception>
    public void ThrowIfLost()
    {
        foreach (var lease in leases)
        {
            lease.ThrowIfLost();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in registrations)
        {
            await registration.DisposeAsync();
        }

        registrations.Clear();
        for (var i = leases.Count - 1; i >= 0; i--)
        {
            await leases[i].DisposeAsync();
        }

        leases.Clear();
        lost.Dispose();
    }
}

/// <summary>
/// Someone else holds a lease on the lake (another run landing the dataset, another gold build, another scheduler):
/// the message names the holder and until when.
/// </summary>
internal sealed class LakeLeaseHeldException(string name, LeaseRecord holder, TimeSpan waited)
    : LakehouseException($"{LeaseNames.Describe(name)} is held by {holder.Holder} since {holder.AcquiredAt:yyyy-MM-dd HH:mm:ss} UTC " +
                $"(its lease runs to {holder.ExpiresAt:HH:mm:ss} UTC unless renewed); waited {waited.TotalSeconds:0.#} s. " +
                "Try again when it has finished.")
{
    public override LakehouseStage Stage => LakehouseStage.Lake;

    /// <summary>The holder finishes or its lease runs out: a later attempt gets it.</summary>
    public override bool IsTransient => true;

    public string Name { get; } = name;

    public LeaseRecord Holder { get; } = holder;
}

/// <summary>
/// A lease this process held ran out before it could be renewed (the process was stalled, or could not reach the
/// lake), so another process may hold it now: the work under it was cancelled, and nothing more was written.
/// A cancellation, so that every stage stops as it does for Ctrl-C; the run records itself as interrupted.
/// </summary>
internal sealed class LakeLeaseLostException(LeaseRecord record, DateTimeOffset validUntil, CancellationToken token)
    : OperationCanceledException(
        $"{LeaseNames.Describe(record.Name)} was lost by {record.Holder}: it was not renewed in time (trusted until " +
        $"{validUntil:HH:mm:ss} UTC; the process was stalled or could not reach the lake), so another process may hold " +
        "it now. The work under it stopped without writing more; run again to heal the lake.", token)
{
    public LeaseRecord Record { get; } = record;
}

internal static class LeaseNames
{
    public static string Describe(string name) => name.StartsWith('_') ? $"The lake's {name.TrimStart('_')} lease" : $"Dataset {name}";
}
