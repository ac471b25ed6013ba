using System.Diagnostics;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Lakehouse.Tests.Demo;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Tests.Lake;

/// <summary>
/// Leases on a folder lake: one holder at a time, waiting, giving up with a name, renewal, take-over, and a holder
/// that stalled past its lease losing it and writing nothing more.
/// </summary>
public sealed class LakeLeasesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_held_lease_makes_another_process_give_up_after_its_wait_naming_the_holder()
    {
        // Given one process holding the lease of a dataset
        var store = new FileSystemObjectStore(temp.Path);
        await using var held = await Leases(store).AcquireAsync("spacex.launches", "run 20261122T100000000Z-abcd (schedule)", TimeSpan.Zero, CancellationToken.None);

        // When another asks for it and waits 300 ms
        var clock = Stopwatch.StartNew();
        var refused = await Should.ThrowAsync<LakeLeaseHeldException>(
            () => Leases(store).AcquireAsync("spacex.launches", "run 20261122T100001000Z-ef01 (run)", TimeSpan.FromMilliseconds(300), CancellationToken.None));

        // Then it waited, and its message names who holds the dataset
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
        refused.Message.ShouldStartWith("Dataset spacex.launches is held by run 20261122T100000000Z-abcd (schedule) on ");
        refused.Message.ShouldContain($"pid {Environment.ProcessId}");
        refused.Message.ShouldContain("waited 0.3 s");
    }

    [Fact]
    public async Task A_waiting_process_gets_the_lease_as_soon_as_the_holder_releases_it()
    {
        // Given a holder, and a second process that will wait up to 10 s
        var store = new FileSystemObjectStore(temp.Path);
        var held = await Leases(store).AcquireAsync("_gold", "gold build A", TimeSpan.Zero, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var waiting = Leases(store).AcquireAsync("_gold", "gold build B", TimeSpan.FromSeconds(10), CancellationToken.None);

        // When the holder releases after 300 ms
        await Task.Delay(300);
        waiting.IsCompleted.ShouldBeFalse();
        await held.DisposeAsync();

        // Then the waiter holds it well before its wait is over
        await using var lease = await waiting;
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        lease.Record.Holder.ShouldStartWith("gold build B");
    }

    [Fact]
    public async Task The_expired_claim_of_a_holder_that_died_is_taken_over_and_pruned()
    {
        // Given the ticket a crashed process on another machine left behind: never released, expired a minute ago
        var store = new FileSystemObjectStore(temp.Path);
        var now = TimeProvider.System.GetUtcNow();
        var dead = new LeaseRecord
        {
            Name = "spacex.launches", Owner = "dead", Holder = "run 1 on gone-host, pid 1",
            AcquiredAt = now.AddMinutes(-5), ExpiresAt = now.AddMinutes(-1), Host = "gone-host", ProcessId = 1,
        };
        await Put(store, LakeKeys.LeaseTicket("spacex.launches", 7, "dead"), dead);

        // When a process asks for it without waiting
        await using var lease = await Leases(store).AcquireAsync("spacex.launches", "run 2", TimeSpan.Zero, CancellationToken.None);

        // Then it holds a ticket numbered above the dead one, and the dead holder's claim is gone
        var claims = await store.ListAllAsync(LakeKeys.LeasePrefix("spacex.launches"), CancellationToken.None);
        claims.ShouldHaveSingleItem().Key.ShouldBe(LakeKeys.LeaseTicket("spacex.launches", 8, lease.Record.Owner));
    }

    [Fact]
    public async Task The_unexpired_claim_of_a_killed_process_on_this_machine_is_taken_over_at_once()
    {
        // Given a ticket valid for another minute, held by a process of this machine that has exited
        var store = new FileSystemObjectStore(temp.Path);
        var gone = await ExitedProcessIdAsync();
        var now = TimeProvider.System.GetUtcNow();
        var killed = new LeaseRecord
        {
            Name = "spacex.launches", Owner = "killed", Holder = $"run 1 on {Environment.MachineName}, pid {gone}",
            AcquiredAt = now.AddSeconds(-5), ExpiresAt = now.AddMinutes(1),
            Host = Environment.MachineName, ProcessId = gone, ProcessToken = "another process",
        };
        await Put(store, LakeKeys.LeaseTicket("spacex.launches", 1, "killed"), killed);

        // When a run asks for it without waiting
        await using var lease = await Leases(store).AcquireAsync("spacex.launches", "run 2", TimeSpan.Zero, CancellationToken.None);

        // Then it holds it: nobody waits out the lease of a process that is gone
        lease.Record.Holder.ShouldStartWith("run 2");
    }

    [Fact]
    public async Task A_contender_killed_in_the_doorway_holds_nobody_up_for_long()
    {
        // Given the announcement of a contender of this machine that was killed while choosing its ticket
        var store = new FileSystemObjectStore(temp.Path);
        var gone = await ExitedProcessIdAsync();
        var now = TimeProvider.System.GetUtcNow();
        var announcement = new LeaseRecord
        {
            Name = "_gold", Owner = "killed", Holder = $"gold build on {Environment.MachineName}, pid {gone}",
            AcquiredAt = now, ExpiresAt = now.AddMinutes(2), Host = Environment.MachineName, ProcessId = gone, ProcessToken = "another process",
        };
        await Put(store, LakeKeys.LeaseEntering("_gold", "killed"), announcement);

        // When a process asks for the lease without waiting
        var clock = Stopwatch.StartNew();
        await using var lease = await Leases(store).AcquireAsync("_gold", "gold build", TimeSpan.Zero, CancellationToken.None);

        // Then it waited for the doorway only until it saw the contender was gone (not a whole lease), and cleaned up
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        (await store.ExistsAsync(LakeKeys.LeaseEntering("_gold", "killed"), CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_held_lease_is_renewed_so_it_outlives_its_duration_while_the_holder_works()
    {
        // Given leases that last 600 ms unless renewed
        var store = new FileSystemObjectStore(temp.Path);
        var shortLeases = Leases(store, TimeSpan.FromMilliseconds(600));
        await using var held = await shortLeases.AcquireAsync("spacex.launches", "long run", TimeSpan.Zero, CancellationToken.None);

        // When three durations pass while the holder works
        await Task.Delay(1800);

        // Then nobody can take it: the holder kept renewing it, and still trusts it
        var refused = await Should.ThrowAsync<LakeLeaseHeldException>(
            () => shortLeases.AcquireAsync("spacex.launches", "intruder", TimeSpan.Zero, CancellationToken.None));
        refused.Holder.Holder.ShouldStartWith("long run");
        held.IsLost.ShouldBeFalse();
    }

    [Fact]
    public async Task A_holder_that_stalls_past_its_lease_loses_it_and_its_writes_are_refused_while_the_new_holder_keeps_it()
    {
        // Given a holder whose renewals never run (its timers are stalled, as in a stopped process), on 1 s leases
        var store = new FileSystemObjectStore(temp.Path);
        var stalled = new LakeLeases(store, Options(TimeSpan.FromSeconds(1)), new StalledTimers(), NullLogger<LakeLeases>.Instance);
        var first = await stalled.AcquireAsync("spacex.launches", "stalled run", TimeSpan.Zero, CancellationToken.None);

        // When another process waits for the lease and gets it once the first one's claim has expired
        var second = await Leases(store, TimeSpan.FromSeconds(1)).AcquireAsync("spacex.launches", "next run", TimeSpan.FromSeconds(10), CancellationToken.None);

        // Then the first one knows its lease is lost, and its writes do not reach the lake
        first.IsLost.ShouldBeTrue();
        var cursor = ObjectKey.Parse("_meta/cursors/spacex.launches.json");
        using (WriteFence.Enter(first.ThrowIfLost))
        {
            // (Awaited directly: the exception is a cancellation, which Shouldly would report as a bare TaskCanceledException.)
            LakeLeaseLostException? refused = null;
            try
            {
                await store.PutBytesAsync(cursor, "{}"u8.ToArray(), CancellationToken.None);
            }
            catch (LakeLeaseLostException e)
            {
                refused = e;
            }

            refused.ShouldNotBeNull().Message.ShouldStartWith("Dataset spacex.launches was lost by stalled run on ");
            refused.Message.ShouldContain("run again to heal the lake");
        }

        (await store.ExistsAsync(cursor, CancellationToken.None)).ShouldBeFalse();

        // And when it lets go, the new holder still holds the lease
        await first.DisposeAsync();
        var third = await Should.ThrowAsync<LakeLeaseHeldException>(
            () => Leases(store).AcquireAsync("spacex.launches", "third run", TimeSpan.Zero, CancellationToken.None));
        third.Holder.Holder.ShouldStartWith("next run");
        second.IsLost.ShouldBeFalse();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Of_many_processes_asking_at_once_exactly_one_gets_the_lease()
    {
        var store = new FileSystemObjectStore(temp.Path);
        for (var round = 0; round < 5; round++)
        {
            (await Contend(Enumerable.Repeat<IObjectStore>(store, 16).ToList(), "_gold")).ShouldBe(1, $"round {round}");
        }
    }

    [Fact]
    public async Task Of_many_processes_whose_requests_interleave_in_every_order_exactly_one_gets_the_lease()
    {
        // Each contender's store calls wait a random moment first, so that a contender can be overtaken anywhere in
        // the protocol (this is what catches a protocol without its doorway: two contenders then both win now and then).
        var store = new FileSystemObjectStore(temp.Path);
        for (var round = 0; round < 40; round++)
        {
            var stores = Enumerable.Range(0, 16).Select(i => (IObjectStore)new JitteredStore(store, (round * 100) + i, TimeSpan.FromMilliseconds(15))).ToList();
            (await Contend(stores, "_gold")).ShouldBe(1, $"round {round}");
        }
    }

    [SkippableFact]
    public async Task A_run_while_another_process_lands_the_dataset_stops_naming_it_and_touches_nothing()
    {
        // Given another process landing spacex.launches (its lease held), and a run that waits 300 ms for it
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Leases:DatasetWait"] = "00:00:00.300";
        using var host = PipelineHost.Create(settings);
        await using var other = await Leases(host.Store).AcquireAsync("spacex.launches", "run 20261122T090000000Z-0001 (schedule)", TimeSpan.Zero, CancellationToken.None);

        // When the run asks for the dataset
        var refused = await Should.ThrowAsync<LakeLeaseHeldException>(() => host.Pipeline.RunAsync(
            new RunRequest("run", new HashSet<string>(), new HashSet<DatasetName> { DatasetName.Parse("spacex.launches") }), CancellationToken.None));

        // Then it stops with the holder's name, before any API call, landing or run record
        refused.Message.ShouldContain("Dataset spacex.launches is held by run 20261122T090000000Z-0001 (schedule)");
        server.RequestCount.ShouldBe(0);
        (await host.Store.ListAllAsync("bronze/", CancellationToken.None)).ShouldBeEmpty();
        (await host.Store.ListAllAsync(LakeKeys.RunRecordPrefix, CancellationToken.None)).ShouldBeEmpty();
    }

    internal static LeaseOptions Options(TimeSpan? duration = null) =>
        new() { Duration = duration ?? TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(50) };

    internal static LakeLeases Leases(IObjectStore store, TimeSpan? duration = null) =>
        new(store, Options(duration), TimeProvider.System, NullLogger<LakeLeases>.Instance);

    /// <summary>
    /// How many of the contenders (one per store given, each with its own leases) get <paramref name="name"/> when
    /// they all ask at once without waiting. While the winner holds it, exactly its ticket is left in the lake.
    /// </summary>
    internal static async Task<int> Contend(IReadOnlyList<IObjectStore> stores, string name)
    {
        using var start = new ManualResetEventSlim();
        var attempts = stores.Select((store, i) => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return await Leases(store).AcquireAsync(name, $"contender {i}", TimeSpan.Zero, CancellationToken.None);
            }
            catch (LakeLeaseHeldException)
            {
                return null;
            }
        })).ToList();
        start.Set();
        var leases = await Task.WhenAll(attempts);
        var winners = leases.OfType<LakeLease>().ToList();
        if (winners.Count == 1)
        {
            var claims = await stores[0].ListAllAsync(LakeKeys.LeasePrefix(name), CancellationToken.None);
            var claim = claims.ShouldHaveSingleItem("the losers took their claims back").Key.Name;
            claim.ShouldStartWith("ticket-");
            claim.ShouldEndWith($"-{winners[0].Record.Owner}.json");
        }

        foreach (var lease in winners)
        {
            await lease.DisposeAsync();
        }

        (await stores[0].ListAllAsync(LakeKeys.LeasePrefix(name), CancellationToken.None)).ShouldBeEmpty("a released lease leaves no claim");
        return winners.Count;
    }

    private static async Task Put(IObjectStore store, ObjectKey key, LeaseRecord record) =>
        await store.PutBytesAsync(key, JsonSerializer.SerializeToUtf8Bytes(record, LakeJson.Options), CancellationToken.None);

    private static async Task<int> ExitedProcessIdAsync()
    {
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        return gone.Id;
    }

    /// <summary>The real clock, with timers that never fire: a process whose background work is stalled.</summary>
    private sealed class StalledTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Never();

        private sealed class Never : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => default;
        }
    }
}

/// <summary>Leases on an S3 lake through the Minio client, which has no conditional write: the claims alone decide.</summary>
[Collection(UsesMoto.Name)]
public sealed class LakeLeasesOnMotoTests(MotoFixture moto)
{
    [SkippableFact]
    public async Task Sixteen_contenders_for_one_lease_on_moto_get_exactly_one_winner_in_each_of_20_rounds()
    {
        // Given 16 contenders, each with its own client (its own connections), on one bucket
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        var stores = Enumerable.Range(0, 16).Select(_ => new S3ObjectStore(options)).ToList();
        try
        {
            await stores[0].EnsureBucketAsync(CancellationToken.None);

            // When they all ask for the same lease at once, 20 times (the winner releasing it after each round)
            var winners = new List<int>();
            for (var round = 0; round < 20; round++)
            {
                winners.Add(await LakeLeasesTests.Contend(stores, "spacex.launches"));
            }

            // Then every round had exactly one winner
            winners.ShouldAllBe(count => count == 1);
        }
        finally
        {
            stores.ForEach(store => store.Dispose());
        }
    }

    [SkippableFact]
    public async Task On_s3_a_held_lease_refuses_others_until_it_is_released()
    {
        // Given a holder on an S3 lake
        RealDependency.Require(moto.MissingReason);
        using var store = await moto.CreateStoreAsync();
        var held = await LakeLeasesTests.Leases(store).AcquireAsync("spacex.launches", "scheduled run", TimeSpan.Zero, CancellationToken.None);

        // When another asks, before and after the release
        var refused = await Should.ThrowAsync<LakeLeaseHeldException>(
            () => LakeLeasesTests.Leases(store).AcquireAsync("spacex.launches", "manual run", TimeSpan.Zero, CancellationToken.None));
        await held.DisposeAsync();
        await using var taken = await LakeLeasesTests.Leases(store).AcquireAsync("spacex.launches", "manual run", TimeSpan.Zero, CancellationToken.None);

        // Then it was refused with the holder's name while held, and got it once released
        refused.Message.ShouldContain("held by scheduled run on");
        taken.Record.Holder.ShouldStartWith("manual run");
    }
}

/// <summary>The same on s3rver, a server that ignores conditional writes altogether.</summary>
[Collection(UsesS3rver.Name)]
public sealed class LakeLeasesOnS3rverTests(S3rverFixture s3rver)
{
    [SkippableFact]
    public async Task Eight_contenders_on_s3rver_get_exactly_one_winner_in_each_of_5_rounds()
    {
        RealDependency.Require(s3rver.MissingReason);
        var options = s3rver.OptionsForNewBucket();
        var stores = Enumerable.Range(0, 8).Select(_ => new S3ObjectStore(options)).ToList();
        try
        {
            await stores[0].EnsureBucketAsync(CancellationToken.None);
            for (var round = 0; round < 5; round++)
            {
                (await LakeLeasesTests.Contend(stores, "_gold")).ShouldBe(1, $"round {round}");
            }
        }
        finally
        {
            stores.ForEach(store => store.Dispose());
        }
    }
}
