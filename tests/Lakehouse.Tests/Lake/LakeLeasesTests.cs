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

/// <summary>Leases on a folder lake: one holder at a time, waiting, giving up with a name, renewal and take-over.</summary>
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
    public async Task The_expired_lease_of_a_holder_that_died_is_taken_over_and_pruned()
    {
        // Given the lease object a crashed process left behind: never released, expired a minute ago
        var store = new FileSystemObjectStore(temp.Path);
        var now = TimeProvider.System.GetUtcNow();
        var dead = new LeaseRecord
        {
            Name = "spacex.launches", Owner = "dead", Holder = "run 1 on gone-host, pid 1",
            AcquiredAt = now.AddMinutes(-5), ExpiresAt = now.AddMinutes(-1),
        };
        await store.PutBytesAsync(LakeKeys.Lease("spacex.launches", 7), JsonSerializer.SerializeToUtf8Bytes(dead, LakeJson.Options), CancellationToken.None);

        // When a process asks for it without waiting
        await using var lease = await Leases(store).AcquireAsync("spacex.launches", "run 2", TimeSpan.Zero, CancellationToken.None);

        // Then it holds the next generation, and the dead holder's object is gone
        var objects = await store.ListAllAsync(LakeKeys.LeasePrefix("spacex.launches"), CancellationToken.None);
        objects.ShouldHaveSingleItem().Key.ShouldBe(LakeKeys.Lease("spacex.launches", 8));
    }

    [Fact]
    public async Task The_unexpired_lease_of_a_killed_process_on_this_machine_is_taken_over_at_once()
    {
        // Given a lease valid for another minute, held by a process of this machine that has exited
        var store = new FileSystemObjectStore(temp.Path);
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        var now = TimeProvider.System.GetUtcNow();
        var killed = new LeaseRecord
        {
            Name = "spacex.launches", Owner = "killed", Holder = $"run 1 on {Environment.MachineName}, pid {gone.Id}",
            AcquiredAt = now.AddSeconds(-5), ExpiresAt = now.AddMinutes(1),
            Host = Environment.MachineName, ProcessId = gone.Id, ProcessToken = "another process",
        };
        await store.PutBytesAsync(LakeKeys.Lease("spacex.launches", 1), JsonSerializer.SerializeToUtf8Bytes(killed, LakeJson.Options), CancellationToken.None);

        // When a run asks for it without waiting
        await using var lease = await Leases(store).AcquireAsync("spacex.launches", "run 2", TimeSpan.Zero, CancellationToken.None);

        // Then it holds it: nobody waits out the lease of a process that is gone
        lease.Record.Holder.ShouldStartWith("run 2");
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

        // Then nobody can take it: the holder kept renewing it
        var refused = await Should.ThrowAsync<LakeLeaseHeldException>(
            () => shortLeases.AcquireAsync("spacex.launches", "intruder", TimeSpan.Zero, CancellationToken.None));
        refused.Holder.Holder.ShouldStartWith("long run");
    }

    [Fact]
    public async Task Of_many_processes_asking_at_once_exactly_one_gets_the_lease()
    {
        var store = new FileSystemObjectStore(temp.Path);
        (await Contend(store, 16)).ShouldBe(1);
    }

    [Fact]
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

    internal static LakeLeases Leases(IObjectStore store, TimeSpan? duration = null) => new(
        store,
        new LeaseOptions { Duration = duration ?? TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(50) },
        TimeProvider.System,
        NullLogger<LakeLeases>.Instance);

    /// <summary>How many of <paramref name="contenders"/> simultaneous acquisitions succeed.</summary>
    internal static async Task<int> Contend(IObjectStore store, int contenders)
    {
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, contenders).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return await Leases(store).AcquireAsync("_gold", $"contender {i}", TimeSpan.Zero, CancellationToken.None);
            }
            catch (LakeLeaseHeldException)
            {
                return null;
            }
        })).ToList();
        start.Set();
        var leases = await Task.WhenAll(attempts);
        foreach (var lease in leases.OfType<LakeLease>())
        {
            await lease.DisposeAsync();
        }

        return leases.Count(l => l is not null);
    }
}

/// <summary>The same leases on an S3 lake (s3rver, which ignores conditional writes: the read-back decides).</summary>
[Collection(UsesS3rver.Name)]
public sealed class LakeLeasesOnS3Tests(S3rverFixture s3)
{
    [SkippableFact]
    public async Task Of_many_processes_asking_at_once_on_s3_exactly_one_gets_the_lease()
    {
        RealDependency.Require(s3.MissingReason);
        using var store = await s3.CreateStoreAsync();
        (await LakeLeasesTests.Contend(store, 8)).ShouldBe(1);
    }

    [SkippableFact]
    public async Task On_s3_a_held_lease_refuses_others_until_it_is_released()
    {
        // Given a holder on an S3 lake
        RealDependency.Require(s3.MissingReason);
        using var store = await s3.CreateStoreAsync();
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

    [SkippableFact]
    public async Task Create_if_absent_on_s3_keeps_the_first_object_and_reports_the_second_as_not_created()
    {
        RealDependency.Require(s3.MissingReason);
        using var store = await s3.CreateStoreAsync();
        var key = ObjectKey.Parse("_meta/leases/x/000000000001.json");

        (await store.TryCreateAsync(key, "first"u8.ToArray(), CancellationToken.None)).ShouldBeTrue();
        (await store.TryCreateAsync(key, "second"u8.ToArray(), CancellationToken.None)).ShouldBeFalse();

        (await store.ReadAllBytesAsync(key, CancellationToken.None)).ShouldBe("first"u8.ToArray());
    }
}
