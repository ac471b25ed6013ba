using Lakehouse.Demo;
using Lakehouse.Tests.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Scheduling;

/// <summary>
/// Several <c>lakehouse schedule</c> processes sharing one schedule through Quartz's clustered store on a real
/// PostgreSQL, proven from the run records they leave in the lake.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class ClusteredScheduleTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task Two_nodes_run_every_fire_exactly_once_and_a_killed_nodes_fires_move_to_the_other()
    {
        RealDependency.Require(postgres.MissingReason);

        // Given two scheduler processes on one lake and one fresh PostgreSQL schedule, launches every 2 seconds
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var root = new TempDirectory();
        var database = await postgres.CreateDatabaseAsync();
        LakehouseProcess.WriteConfig(root.Path, Clustered(root.Path, server.BaseAddress, postgres.ConnectionString(database)));
        await using var nodeA = LakehouseProcess.Start(root.Path, Node("node-a"), "schedule");
        await using var nodeB = LakehouseProcess.Start(root.Path, Node("node-b"), "schedule");
        await nodeA.WaitForLogAsync("started (clustered on PostgreSQL", TimeSpan.FromSeconds(30));
        await nodeB.WaitForLogAsync("started (clustered on PostgreSQL", TimeSpan.FromSeconds(30));

        // When a few fires have run, and the node that ran the latest one is killed outright
        await ScheduleCommandTests.WaitUntilAsync(() => Fires(root.Path).Count >= 4, TimeSpan.FromSeconds(30), nodeA);
        var latest = Fires(root.Path)[^1].Node;
        var (killed, survivor) = latest == "node-a" ? (nodeA, nodeB) : (nodeB, nodeA);
        var survivorName = latest == "node-a" ? "node-b" : "node-a";
        killed.Kill();
        var killedAt = TimeProvider.System.GetUtcNow();

        // Then the other node takes its fires: three more, all run by the survivor
        await ScheduleCommandTests.WaitUntilAsync(
            () => Fires(root.Path).Count(f => f.ScheduledFor > killedAt + Every) >= 3, TimeSpan.FromSeconds(30), survivor);
        await survivor.TerminateAsync();
        (await survivor.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, survivor.Error);

        var fires = Fires(root.Path);
        fires.Where(f => f.ScheduledFor > killedAt + Every).ShouldAllBe(f => f.Node == survivorName);
        fires.ShouldContain(f => f.Node == latest && f.ScheduledFor < killedAt);

        // And every fire ran exactly once: no fire time twice, and no 2-second slot missing from first to last
        var seen = string.Join("\n", ScheduleCommandTests.RunRecords(root.Path).Select(r => r.ToString()));
        fires.Select(f => f.ScheduledFor).ShouldBeUnique($"killed at {killedAt:HH:mm:ss.fff}; records:\n{seen}\nsurvivor:\n{survivor.Error}");
        fires.Zip(fires.Skip(1), (a, b) => b.ScheduledFor - a.ScheduledFor).ShouldAllBe(gap => gap == Every);
    }

    [SkippableFact]
    public async Task After_downtime_the_missed_fires_run_once_not_once_each()
    {
        RealDependency.Require(postgres.MissingReason);

        // Given a clustered schedule every 2 seconds that has run, then a downtime of 7 seconds (three fires missed)
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var root = new TempDirectory();
        var database = await postgres.CreateDatabaseAsync();
        var settings = Clustered(root.Path, server.BaseAddress, postgres.ConnectionString(database));
        settings["Scheduling"]!["MisfireThreshold"] = "00:00:01";
        LakehouseProcess.WriteConfig(root.Path, settings);
        await using (var first = LakehouseProcess.Start(root.Path, Node("node-a"), "schedule"))
        {
            await ScheduleCommandTests.WaitUntilAsync(() => Fires(root.Path).Count >= 2, TimeSpan.FromSeconds(30), first);
            await first.TerminateAsync();
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, first.Error);
        }

        var stoppedAt = TimeProvider.System.GetUtcNow();
        var before = Fires(root.Path).Count;
        await Task.Delay(TimeSpan.FromSeconds(7));

        // When the node starts again and runs a little
        var launchedAt = TimeProvider.System.GetUtcNow();
        await using var second = LakehouseProcess.Start(root.Path, Node("node-a"), "schedule");
        await second.WaitForLogAsync("started (clustered on PostgreSQL", TimeSpan.FromSeconds(30));
        await ScheduleCommandTests.WaitUntilAsync(() => Fires(root.Path).Count >= before + 3, TimeSpan.FromSeconds(30), second);
        await second.TerminateAsync();
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, second.Error);

        // Then the missed fires were caught up by one run, not three, and the schedule went on as before
        var records = ScheduleCommandTests.RunRecords(root.Path).Skip(before).ToList();
        // Every record after `before` is the second node's; those due before it started are the catch-up. (A fire due
        // while the first node was still shutting down, on a loaded machine, was missed too: it counts with them.)
        var missed = records.Where(r => r.GetProperty("scheduledFor").GetDateTimeOffset() <= launchedAt).ToList();
        missed.Count.ShouldBe(1, $"stopped at {stoppedAt:HH:mm:ss.fff}, launched at {launchedAt:HH:mm:ss.fff}, {before} fires before\n" + string.Join("\n", records));
        second.Error.ShouldContain("catching up on the fire due at");
        Fires(root.Path).Select(f => f.ScheduledFor).ShouldBeUnique();
        records.Count.ShouldBeGreaterThanOrEqualTo(3);
    }

    [SkippableFact]
    public async Task A_node_keeps_retrying_while_postgresql_is_away_and_says_so()
    {
        RealDependency.Require(postgres.MissingReason);

        // Given a clustered node running
        using var root = new TempDirectory();
        var database = await postgres.CreateDatabaseAsync();
        LakehouseProcess.WriteConfig(root.Path, Clustered(root.Path, new Uri("http://127.0.0.1:9/"), postgres.ConnectionString(database), jobs: ("spacex.launches", "0 0 0 1 1 ? 2099")));
        await using var node = LakehouseProcess.Start(root.Path, Node("node-a"), "schedule");
        await node.WaitForLogAsync("started (clustered on PostgreSQL", TimeSpan.FromSeconds(30));

        // When PostgreSQL goes away, and comes back
        await postgres.StopAsync();
        try
        {
            await node.WaitForLogAsync("is unreachable", TimeSpan.FromSeconds(20));
        }
        finally
        {
            (await postgres.StartAsync()).ShouldBeTrue();
        }

        // Then the node said it keeps retrying, resumes by itself, and still stops cleanly
        node.Error.ShouldContain("retrying every 1 s");
        await node.WaitForLogAsync("is reachable again", TimeSpan.FromSeconds(20));
        await node.TerminateAsync();
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, node.Error);
    }

    [Fact]
    public async Task Postgresql_down_at_start_exits_2_with_a_clear_message_that_keeps_the_password_secret()
    {
        // Given a clustered schedule whose database is not listening
        using var root = new TempDirectory();
        var closed = ClosedPort();
        var settings = Clustered(root.Path, new Uri("http://127.0.0.1:9/"), "");
        LakehouseProcess.WriteConfig(root.Path, settings);
        var environment = new Dictionary<string, string>
        {
            ["Lakehouse__Scheduling__ConnectionString"] = $"Host=127.0.0.1;Port={closed};Database=lakehouse;Username=lakehouse;Password=pw-s3cret-42;Timeout=3",
        };

        // When a node starts
        await using var node = LakehouseProcess.Start(root.Path, environment, "schedule");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Then it refuses at once, naming the database, and never shows the password
        exitCode.ShouldBe(2, node.Error);
        node.Error.ShouldContain($"PostgreSQL 127.0.0.1:{closed}/lakehouse is not reachable");
        node.Error.ShouldNotContain("pw-s3cret-42");
    }

    private static Dictionary<string, string> Node(string name) => new() { ["Lakehouse__Scheduling__NodeId"] = name };

    private static System.Text.Json.Nodes.JsonObject Clustered(string root, Uri api, string connectionString, (string, string)? jobs = null) =>
        ScheduleSettings.For(root, api, ScheduleSettings.Jobs(jobs ?? ("spacex.launches", "*/2 * * * * ?")), s =>
        {
            s["Store"] = "Postgres";
            if (connectionString.Length > 0)
            {
                s["ConnectionString"] = connectionString;
            }

            s["ClusterCheckinInterval"] = "00:00:01";
            s["ClusterCheckinMisfireThreshold"] = "00:00:02";
            s["DatabaseRetryInterval"] = "00:00:01";
        });

    /// <summary>The scheduled runs in the lake, by fire time.</summary>
    private static List<(DateTimeOffset ScheduledFor, string Node)> Fires(string root) =>
        [.. ScheduleCommandTests.RunRecords(root)
            .Where(r => r.TryGetProperty("scheduledFor", out _))
            .Select(r => (r.GetProperty("scheduledFor").GetDateTimeOffset(), r.GetProperty("node").GetString()!))
            .OrderBy(f => f.Item1)];

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
