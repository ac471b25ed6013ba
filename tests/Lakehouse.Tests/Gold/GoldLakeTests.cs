using System.Diagnostics;
using System.Text.Json;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Lakehouse.Tests.Runs;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Gold;

/// <summary>
/// Gold in the lake: every build published under <c>gold/builds/{buildId}/</c> (Parquet per table, the DuckDB file)
/// with the pointer <c>gold/current.json</c> written last; nodes restoring the current build; readers that never hold
/// up a build. On the folder lake and on moto_server, with the SpaceX fixtures served by the local replay server; the
/// second node is a process (or a pipeline) with a local gold file of its own and the same lake.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class GoldLakeTests(MotoFixture moto) : IAsyncLifetime, IDisposable
{
    /// <summary>python3: len(json.load(open('v4-launches.json'))); and those not upcoming, before and after one flies.</summary>
    private const long Launches = 205;

    private const long Flown = 187;

    private readonly TempDirectory temp = new();
    private readonly MotoFixture s3 = moto;
    private SpaceXApiServer server = null!;

    public enum LakeKind
    {
        Folder,
        Moto,
    }

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableTheory]
    [InlineData(LakeKind.Folder)]
    [InlineData(LakeKind.Moto)]
    public async Task A_run_publishes_every_gold_table_as_parquet_under_a_pointer_written_last_and_both_readers_give_the_gold_rows(LakeKind kind)
    {
        // Given an empty lake
        using var lake = await NewLakeAsync(kind);
        using var node = lake.Host("a");

        // When a run builds gold
        var run = await node.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the lake's pointer names the build the node holds, with the rows of each table
        run.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", run.Datasets.Select(d => d.Message)));
        var pointer = await GoldExport.PointerAsync(lake.Store);
        LocalGold.ReadBuild(node.GoldPath)!.BuildId.ShouldBe(pointer.BuildId);
        pointer.Tables.Single(t => t.Name == "fact_launch").Rows.ShouldBe(Launches);
        pointer.Database.Key.ShouldBe($"gold/builds/{pointer.BuildId}/lakehouse.duckdb");

        // And the pointer was written after every object of the build (S3 keeps times to the second)
        var objects = await lake.Store.ListAllAsync(LakeKeys.GoldBuildPrefix(pointer.BuildId), CancellationToken.None);
        var written = (await lake.Store.GetInfoAsync(LakeKeys.GoldPointer, CancellationToken.None))!.LastModified;
        objects.Select(o => o.Key.Value).Order(StringComparer.Ordinal)
            .ShouldBe(pointer.Keys.Append(LakeKeys.GoldBuildManifest(pointer.BuildId).Value).Order(StringComparer.Ordinal));
        objects.ShouldAllBe(o => o.LastModified <= written);

        // And every table reads back the same, row for row, with Parquet.Net, and with DuckDB over its folder
        await GoldExport.ShouldEqualGoldAsync(lake.Store, pointer, node.GoldPath, temp.Combine("read-back"));
    }

    [SkippableFact]
    public async Task Every_gold_table_of_the_demo_lake_with_all_three_sources_reads_back_the_same_with_parquet_net()
    {
        // Given the demo's lake: SpaceX, NASA and RAWG data, lists and dates included
        var lake = temp.Combine("demo-lake");
        var demo = await CliRunner.RunAsync("demo", "--lake", lake, "--seed", "11");
        demo.ExitCode.ShouldBe(0, demo.Error);

        // When its published build is read back
        var store = new FileSystemObjectStore(lake);
        var pointer = await GoldExport.PointerAsync(store);

        // Then every table holds the gold's rows, by both readers
        pointer.Tables.Where(t => t.Rows > 1).Select(t => t.Name).ShouldContain("fact_game");
        pointer.Tables.Where(t => t.Rows > 1).Select(t => t.Name).ShouldContain("fact_close_approach");
        await GoldExport.ShouldEqualGoldAsync(store, pointer, Path.Combine(lake, "gold", "lakehouse.duckdb"), temp.Combine("read-back"));
    }

    [SkippableTheory]
    [InlineData(LakeKind.Folder)]
    [InlineData(LakeKind.Moto)]
    public async Task An_empty_node_restores_the_current_build_for_query_and_status_without_an_api_call(LakeKind kind)
    {
        // Given a lake whose gold node A built
        using var lake = await NewLakeAsync(kind);
        using (var a = lake.Host("a"))
        {
            (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        }

        var pointer = await GoldExport.PointerAsync(lake.Store);
        server.ClearRequests();

        // When node B, with no gold of its own, queries and asks for status
        var query = await lake.ProcessAsync("b", "query", "SELECT count(*) AS launches FROM fact_launch", "--format", "csv");
        var status = await lake.ProcessAsync("b", "status", "--format", "json");

        // Then it restored A's build from the lake, and answered from it, without calling the API
        query.ExitCode.ShouldBe(0, query.Stderr);
        query.Stdout.ReplaceLineEndings("\n").ShouldBe($"launches\n{Launches}\n");
        status.ExitCode.ShouldBe(0, status.Stderr);
        using (var rows = JsonDocument.Parse(status.Stdout))
        {
            rows.RootElement.EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "spacex.launches")
                .GetProperty("goldRows").GetInt64().ShouldBe(Launches);
        }

        LocalGold.ReadBuild(lake.GoldPath("b"))!.BuildId.ShouldBe(pointer.BuildId);
        server.RequestCount.ShouldBe(0);
        Directory.GetFiles(Path.GetDirectoryName(lake.GoldPath("b"))!).Select(Path.GetFileName).Where(f => !f!.EndsWith(".lock", StringComparison.Ordinal))
            .ShouldBe(["lakehouse.duckdb"], "the download was renamed into place");
    }

    [SkippableTheory]
    [InlineData(LakeKind.Folder)]
    [InlineData(LakeKind.Moto)]
    public async Task A_node_whose_gold_is_older_than_the_lakes_restores_the_newer_build_for_query_and_before_its_incremental_build(LakeKind kind)
    {
        // Given nodes B and C that hold the lake's first build
        using var lake = await NewLakeAsync(kind);
        using var a = lake.Host("a");
        (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var first = await GoldExport.PointerAsync(lake.Store);
        (await lake.ProcessAsync("b", "query", "SELECT 1")).ExitCode.ShouldBe(0);
        Directory.CreateDirectory(Path.GetDirectoryName(lake.GoldPath("c"))!);
        File.Copy(lake.GoldPath("b"), lake.GoldPath("c"));
        LocalGold.ReadBuild(lake.GoldPath("c"))!.BuildId.ShouldBe(first.BuildId);

        // When a launch flies and node A publishes a second build
        server.Catalog = SpaceXIncrementalTests.WithNextLaunchFlown(server.Catalog);
        (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var second = await GoldExport.PointerAsync(lake.Store);
        string.CompareOrdinal(second.BuildId, first.BuildId).ShouldBeGreaterThan(0, "build ids sort by time");

        // Then B's query answers from the second build
        var query = await lake.ProcessAsync("b", "query", "SELECT count(*) AS flown FROM fact_launch WHERE NOT upcoming", "--format", "csv");
        query.ExitCode.ShouldBe(0, query.Stderr);
        query.Stdout.ReplaceLineEndings("\n").ShouldBe($"flown\n{Flown + 1}\n");
        LocalGold.ReadBuild(lake.GoldPath("b"))!.BuildId.ShouldBe(second.BuildId);

        // And C's model step restores the second build instead of building: its gold is then current
        using var c = lake.Host("c");
        var built = await c.Services.GetRequiredService<GoldStage>().ModelAsync(rebuild: false, CancellationToken.None);
        built.ShouldBeNull("the restored build is current");
        LocalGold.ReadBuild(lake.GoldPath("c"))!.BuildId.ShouldBe(second.BuildId);
        (await GoldExport.PointerAsync(lake.Store)).BuildId.ShouldBe(second.BuildId, "nothing was published");
        GoldComparison.Differences(a.GoldPath, lake.GoldPath("c")).ShouldBeEmpty();
    }

    [SkippableTheory]
    [InlineData(LakeKind.Folder)]
    [InlineData(LakeKind.Moto)]
    public async Task A_pointer_naming_deleted_files_gives_one_line_naming_the_fix_and_a_rebuild_or_the_next_runs_model_step_heals_it(LakeKind kind)
    {
        // Given a lake whose current build's files were deleted by hand
        using var lake = await NewLakeAsync(kind);
        using (var a = lake.Host("a"))
        {
            (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        }

        var deleted = await GoldExport.PointerAsync(lake.Store);
        await lake.DeleteBuildAsync(deleted.BuildId);

        // When a node with no gold of its own queries
        var query = await lake.ProcessAsync("b", "query", "SELECT count(*) FROM fact_launch");

        // Then it fails with one line that names the build, the missing file and the fix
        query.ExitCode.ShouldBe(1, query.Stderr);
        var error = query.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldHaveSingleItem();
        error.ShouldContain($"names gold build {deleted.BuildId}, but gold/builds/{deleted.BuildId}/lakehouse.duckdb is not in");
        error.ShouldEndWith("lakehouse model --rebuild");
        query.Stderr.ShouldNotContain("   at ");

        // And `model --rebuild` heals the lake: a new whole build that the node then queries
        var rebuild = await lake.ProcessAsync("b", "model", "--rebuild");
        rebuild.ExitCode.ShouldBe(0, rebuild.Stderr);
        var healed = await GoldExport.PointerAsync(lake.Store);
        healed.BuildId.ShouldNotBe(deleted.BuildId);
        (await lake.Restorer("b").FindMissingAsync(healed, CancellationToken.None)).ShouldBeNull();
        var again = await lake.ProcessAsync("c", "query", "SELECT count(*) AS launches FROM fact_launch", "--format", "csv");
        again.Stdout.ReplaceLineEndings("\n").ShouldBe($"launches\n{Launches}\n", again.Stderr);

        // And when that build's files go too, the next run's model step heals by itself, with a warning
        await lake.DeleteBuildAsync(healed.BuildId);
        using var d = lake.Host("d");
        var run = await d.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        run.Status.ShouldBe(RunStatus.Succeeded, run.GoldError);
        run.GoldRows.ShouldNotBeNull()["fact_launch"].ShouldBe(Launches);
        var third = await GoldExport.PointerAsync(lake.Store);
        third.BuildId.ShouldNotBe(healed.BuildId);
        (await lake.Restorer("d").FindMissingAsync(third, CancellationToken.None)).ShouldBeNull();
        lake.Log("d").ShouldContain("Building gold from silver alone instead");
    }

    [SkippableTheory]
    [InlineData(LakeKind.Folder, "Exporting gold build")]
    [InlineData(LakeKind.Folder, "Uploaded gold object")]
    [InlineData(LakeKind.Moto, "Exporting gold build")]
    [InlineData(LakeKind.Moto, "Uploaded gold object")]
    public async Task A_build_killed_while_exporting_leaves_the_previous_build_current_and_the_next_build_finishes_cleanly(LakeKind kind, string killPoint)
    {
        // Given a lake with a published build
        using var lake = await NewLakeAsync(kind);
        using (var a = lake.Host("a"))
        {
            (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        }

        var previous = await GoldExport.PointerAsync(lake.Store);

        // When a rebuild is killed (SIGKILL) as soon as its log shows it reached the kill point: DuckDB writing the
        // Parquet, or the first object gone up to the lake. The folder lake publishes by renames, microseconds each,
        // so there every rename is held back under strace for the kill to land first (the export once finished
        // between the log line and the kill).
        IReadOnlyList<string>? tracer = null;
        if (kind == LakeKind.Folder)
        {
            RealDependency.Require(await Strace.MissingReasonAsync());
            tracer = Strace.DelayingRenames(TimeSpan.FromMilliseconds(750));
        }

        await using (var killed = lake.StartKillable("a", "Debug", tracer, "model", "--rebuild"))
        {
            (await killed.WaitForLogAsync(killPoint, TimeSpan.FromMinutes(2))).ShouldBeTrue(killed.Log);
            await killed.KillAsync();
        }

        // Then the pointer and the node's gold are still the previous build (after an upload, beside half a new one)
        (await GoldExport.PointerAsync(lake.Store)).BuildId.ShouldBe(previous.BuildId);
        LocalGold.ReadBuild(lake.GoldPath("a"))!.BuildId.ShouldBe(previous.BuildId);
        var half = (await lake.Store.ListAllAsync(LakeKeys.GoldBuildsPrefix, CancellationToken.None))
            .Where(o => LakeKeys.GoldBuildIdOf(o.Key) != previous.BuildId).ToList();
        if (killPoint.StartsWith("Uploaded", StringComparison.Ordinal))
        {
            half.ShouldNotBeEmpty("the kill came after an upload");
            half.ShouldNotContain(o => o.Key.Name == "_build.json", "the killed build never finished");
        }

        // And the next build finishes cleanly: a new whole build, the killed one's leftovers gone from lake and node
        var next = await lake.ProcessAsync("a", "model", "--rebuild");
        next.ExitCode.ShouldBe(0, next.Stderr);
        var current = await GoldExport.PointerAsync(lake.Store);
        current.BuildId.ShouldNotBe(previous.BuildId);
        var builds = (await lake.Store.ListAllAsync(LakeKeys.GoldBuildsPrefix, CancellationToken.None))
            .GroupBy(o => LakeKeys.GoldBuildIdOf(o.Key)).ToDictionary(g => g.Key!, g => g.Select(o => o.Key.Name).ToList());
        builds.Keys.Order(StringComparer.Ordinal).ToList().ShouldBe(new List<string> { previous.BuildId, current.BuildId }, "no build folder is left half-written");
        builds.Values.ShouldAllBe(files => files.Contains("_build.json"));
        Directory.GetFileSystemEntries(Path.GetDirectoryName(lake.GoldPath("a"))!).Select(Path.GetFileName)
            .Where(f => !f!.EndsWith(".lock", StringComparison.Ordinal)).ShouldBe(["lakehouse.duckdb"]);
        await GoldExport.ShouldEqualGoldAsync(lake.Store, current, lake.GoldPath("a"), temp.Combine("read-back"));
    }

    [SkippableFact]
    public async Task Two_nodes_building_gold_at_once_on_one_bucket_publish_one_build_the_other_waits_and_restores_it()
    {
        // Given a bucket with silver and no gold yet
        using var lake = await NewLakeAsync(LakeKind.Moto);
        await lake.SilverOnlyAsync();

        // When node A builds and is held (SIGSTOP) while it exports, and node B starts building meanwhile
        await using var a = lake.Start("a", "model");
        await a.WaitForLogAsync("Exporting gold build", TimeSpan.FromMinutes(1));
        Signal(a.Id, "STOP");
        await using var b = lake.Start("b", "model");
        try
        {
            await b.WaitForLogAsync("Waiting up to", TimeSpan.FromMinutes(1));
        }
        finally
        {
            Signal(a.Id, "CONT");
        }

        // Then both succeed: A published, and B, once A released the lease, restored A's build and found it current
        (await a.WaitForExitAsync(TimeSpan.FromMinutes(1))).ShouldBe(0, a.Error);
        (await b.WaitForExitAsync(TimeSpan.FromMinutes(1))).ShouldBe(0, b.Error);
        b.Error.ShouldContain("Gold is current");
        var pointer = await GoldExport.PointerAsync(lake.Store);
        (await lake.Store.ListAllAsync(LakeKeys.GoldBuildsPrefix, CancellationToken.None))
            .Select(o => LakeKeys.GoldBuildIdOf(o.Key)!).Distinct().ToList().ShouldBe(new List<string> { pointer.BuildId }, "one build was published");
        LocalGold.ReadBuild(lake.GoldPath("a"))!.BuildId.ShouldBe(pointer.BuildId);
        LocalGold.ReadBuild(lake.GoldPath("b"))!.BuildId.ShouldBe(pointer.BuildId);
        await GoldExport.ShouldEqualGoldAsync(lake.Store, pointer, lake.GoldPath("b"), temp.Combine("read-back"));
    }

    [SkippableFact]
    public async Task A_query_that_runs_while_a_run_builds_and_publishes_finishes_with_the_old_gold_and_a_new_query_sees_the_new()
    {
        // Given a lake with gold, and a query process reading it that cannot finish until its output is read
        // (it streams more than a pipe holds, so it stays inside the query, holding gold open)
        using var lake = await NewLakeAsync(LakeKind.Folder);
        using var node = lake.Host("a");
        (await node.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var before = await GoldExport.PointerAsync(lake.Store);
        using var reader = lake.StartRaw(
            "a", null, "query", "SELECT f.launch_id, (SELECT count(*) FROM fact_launch WHERE NOT upcoming) AS flown, r.i FROM fact_launch f, range(2000) r(i)",
            "--format", "csv");
        await WaitUntilOpenAsync(reader, node.GoldPath);

        // When a launch flies and a run builds and publishes meanwhile
        server.Catalog = SpaceXIncrementalTests.WithNextLaunchFlown(server.Catalog);
        var run = await node.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the build succeeded at once (no waiting for the reader), and a new query sees the new gold
        run.Status.ShouldBe(RunStatus.Succeeded, run.GoldError);
        reader.HasExited.ShouldBeFalse("the old query is still reading");
        (await GoldExport.PointerAsync(lake.Store)).BuildId.ShouldNotBe(before.BuildId);
        var fresh = await lake.ProcessAsync("a", "query", "SELECT count(*) AS flown FROM fact_launch WHERE NOT upcoming", "--format", "csv");
        fresh.Stdout.ReplaceLineEndings("\n").ShouldBe($"flown\n{Flown + 1}\n", fresh.Stderr);

        // And the old query finishes with the old gold, every row of it
        var stderr = reader.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (await reader.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        await reader.WaitForExitAsync();
        reader.ExitCode.ShouldBe(0, await stderr);
        lines[0].ShouldBe("launch_id,flown,i");
        lines.Count.ShouldBe(1 + ((int)Launches * 2000));
        lines.Skip(1).Select(l => l.Split(',')[1]).Distinct().ShouldBe([Flown.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    [SkippableFact]
    public async Task The_lake_keeps_the_newest_builds_it_is_told_to_and_removes_older_ones_after_the_pointer_moved()
    {
        // Given a lake that keeps two builds
        using var lake = await NewLakeAsync(LakeKind.Folder);
        lake.Extra["Lakehouse:Gold:KeepBuilds"] = "2";
        using var node = lake.Host("a");
        (await node.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var gold = node.Services.GetRequiredService<GoldStage>();
        var ids = new List<string> { (await GoldExport.PointerAsync(lake.Store)).BuildId };

        // When gold is rebuilt three more times
        for (var i = 0; i < 3; i++)
        {
            var built = await gold.ModelAsync(rebuild: true, CancellationToken.None);
            ids.Add(built.ShouldNotBeNull().BuildId!);
        }

        // Then the ids sort by time, and the lake holds the newest two, the pointer naming the newest
        ids.ShouldBe([.. ids.Order(StringComparer.Ordinal)]);
        ids.Distinct().Count().ShouldBe(4);
        (await GoldExport.PointerAsync(lake.Store)).BuildId.ShouldBe(ids[3]);
        (await lake.Store.ListAllAsync(LakeKeys.GoldBuildsPrefix, CancellationToken.None))
            .Select(o => LakeKeys.GoldBuildIdOf(o.Key)!).Distinct().Order(StringComparer.Ordinal).ShouldBe([ids[2], ids[3]]);
    }

    [SkippableFact]
    public void A_new_build_id_sorts_after_the_current_one_even_from_a_node_whose_clock_is_behind()
    {
        // Given the lake's current build, made by a node whose clock was an hour ahead of this one
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var (aheadId, aheadAt) = GoldBuildId.Next(new FixedTimeProvider(now.AddHours(1)), null);
        var current = new GoldPointer
        {
            BuildId = aheadId, BuiltAt = aheadAt, SilverFingerprint = "x",
            Database = new GoldPublishedFile(LakeKeys.GoldDatabase(aheadId).Value, 1), Tables = [],
        };

        // When this node names its next build
        var (id, builtAt) = GoldBuildId.Next(new FixedTimeProvider(now), current);

        // Then it sorts after the current one, and both are valid ids; a clock that is right gives its own time
        string.CompareOrdinal(id, aheadId).ShouldBeGreaterThan(0);
        builtAt.ShouldBe(aheadAt.AddMilliseconds(1));
        GoldBuildId.IsValid(id).ShouldBeTrue();
        GoldBuildId.IsValid(aheadId).ShouldBeTrue();
        GoldBuildId.Next(new FixedTimeProvider(now.AddHours(2)), current).Id.ShouldStartWith("20261207T120000000Z-");
        GoldBuildId.IsValid("../../etc").ShouldBeFalse();
    }

    [SkippableFact]
    public async Task A_pointer_that_names_objects_outside_its_build_is_refused_with_the_fix()
    {
        // Given a lake whose pointer was edited to name another object of the lake as the gold database
        using var lake = await NewLakeAsync(LakeKind.Folder);
        using (var a = lake.Host("a"))
        {
            (await a.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        }

        var pointer = await GoldExport.PointerAsync(lake.Store);
        var bronze = (await lake.Store.ListAllAsync("bronze/spacex/", CancellationToken.None))[0].Key.Value;
        await LakeJson.WriteAsync(lake.Store, LakeKeys.GoldPointer, pointer with { Database = new GoldPublishedFile(bronze, 1) }, CancellationToken.None);

        // When an empty node queries
        var query = await lake.ProcessAsync("b", "query", "SELECT 1");

        // Then nothing is downloaded, and the one line says what is wrong and what fixes it
        query.ExitCode.ShouldBe(1, query.Stderr);
        var error = query.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldHaveSingleItem();
        error.ShouldContain($"is not a valid gold pointer: it names {bronze}, which is not an object of its build's folder gold/builds/{pointer.BuildId}/");
        error.ShouldEndWith("lakehouse model --rebuild");
        File.Exists(lake.GoldPath("b")).ShouldBeFalse();
    }

    [SkippableTheory]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_retention_below_one_build_is_refused_at_start_naming_the_key(string keep)
    {
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Gold:KeepBuilds"] = keep;

        var error = Should.Throw<ConfigurationException>(() => PipelineHost.Create(settings));

        error.Message.ShouldStartWith($"Lakehouse:Gold:KeepBuilds is {keep}; allowed: 1 or more (the lake keeps at least the current gold build");
        error.Message.ShouldContain("Lakehouse__Gold__KeepBuilds");
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until <paramref name="process"/> holds <paramref name="path"/> open (its descriptors in /proc).</summary>
    private static async Task WaitUntilOpenAsync(Process process, string path)
    {
        var target = Path.GetFullPath(path);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            process.HasExited.ShouldBeFalse($"the query exited ({(process.HasExited ? process.ExitCode : 0)}) before opening gold");
            var open = Directory.EnumerateFileSystemEntries($"/proc/{process.Id}/fd").Any(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget == target;
                }
                catch (IOException)
                {
                    return false;
                }
            });
            if (open)
            {
                return;
            }

            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1), "the query never opened gold");
            await Task.Delay(20);
        }
    }

    private async Task<Lake> NewLakeAsync(LakeKind kind)
    {
        if (kind == LakeKind.Folder)
        {
            var root = temp.Combine("lake");
            return new Lake(this, new FileSystemObjectStore(root), root, null, null);
        }

        RealDependency.Require(s3.MissingReason);
        var store = await s3.CreateStoreAsync();
        var bucket = store.Describe.Split('/')[2];
        return new Lake(this, store, null, bucket, new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = s3.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = s3.SecretKey,
        });
    }

    /// <summary>One lake (a folder or a bucket on moto) and the nodes that share it, each with its own folder and gold.</summary>
    private sealed class Lake(GoldLakeTests test, IObjectStore store, string? folder, string? bucket, Dictionary<string, string>? environment) : IDisposable
    {
        public IObjectStore Store { get; } = store;

        /// <summary>Settings every node gets on top of its own.</summary>
        public Dictionary<string, string?> Extra { get; } = new();

        public string GoldPath(string node) => test.temp.Combine(node, "gold", "lakehouse.duckdb");

        public string Log(string node) =>
            string.Concat(Directory.GetFiles(test.temp.Combine(node, "logs")).Select(f => File.ReadAllText(f)));

        public Dictionary<string, string?> Settings(string node)
        {
            var settings = PipelineHost.Settings(test.temp.Combine(node), test.server.BaseAddress);
            settings["Lakehouse:Gold:DatabasePath"] = GoldPath(node);
            if (folder is not null)
            {
                settings["Lakehouse:Storage:Root"] = folder;
            }
            else
            {
                settings["Lakehouse:Storage:Kind"] = "S3";
                settings["Lakehouse:Storage:S3:ServiceUrl"] = test.s3.ServiceUrl.ToString();
                settings["Lakehouse:Storage:S3:Bucket"] = bucket;
            }

            foreach (var (key, value) in Extra)
            {
                settings[key] = value;
            }

            return settings;
        }

        /// <summary>The node's pipeline in this process.</summary>
        public PipelineHost Host(string node) => PipelineHost.Create(Settings(node), environment);

        public GoldRestorer Restorer(string node)
        {
            var host = Host(node);
            return host.Services.GetRequiredService<GoldRestorer>();
        }

        /// <summary>Gives the lake silver and no gold: a run on a node of its own, whose gold is then removed from the lake.</summary>
        public async Task SilverOnlyAsync()
        {
            using (var seed = Host("seed"))
            {
                (await seed.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
            }

            foreach (var info in await Store.ListAllAsync("gold/", CancellationToken.None))
            {
                await Store.DeleteAsync(info.Key, CancellationToken.None);
            }
        }

        /// <summary>Deletes every object of one build, as a user cleaning the bucket by hand would.</summary>
        public async Task DeleteBuildAsync(string buildId)
        {
            foreach (var info in await Store.ListAllAsync(LakeKeys.GoldBuildPrefix(buildId), CancellationToken.None))
            {
                await Store.DeleteAsync(info.Key, CancellationToken.None);
            }
        }

        /// <summary>Runs the <c>lakehouse</c> command as the node, to its end.</summary>
        public Task<(int ExitCode, string Stdout, string Stderr)> ProcessAsync(string node, params string[] args) =>
            LakehouseProcess.RunAsync(WorkFolder(node), environment, [.. args, "--config", Config(node)]);

        /// <summary>Starts the <c>lakehouse</c> command as the node, logging at Information.</summary>
        public LakehouseProcess Start(string node, params string[] args) =>
            LakehouseProcess.Start(WorkFolder(node), environment, [.. args, "--config", Config(node, "Information")]);

        /// <summary>Starts the command with its output left unread, for a test that decides when to read it.</summary>
        /// <summary>A lakehouse process on <paramref name="node"/> to be killed at a log line, under <paramref name="tracer"/> when given.</summary>
        public KillableLakehouse StartKillable(string node, string? level, IReadOnlyList<string>? tracer, params string[] args) =>
            KillableLakehouse.Start(WorkFolder(node), environment, tracer, [.. args, "--config", Config(node, level)]);

        public Process StartRaw(string node, string? level, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = WorkFolder(node),
            };
            foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "lakehouse.dll"), .. args, "--config", Config(node, level)])
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in environment ?? [])
            {
                start.Environment[name] = value;
            }

            return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        }

        public void Dispose() => (Store as IDisposable)?.Dispose();

        private string WorkFolder(string node)
        {
            var work = test.temp.Combine(node, "cwd");
            Directory.CreateDirectory(work);
            return work;
        }

        private string Config(string node, string? level = null)
        {
            var settings = Settings(node);
            if (level is not null)
            {
                settings["Lakehouse:Logging:Level"] = level;
            }

            var path = test.temp.Combine(node, $"config-{level ?? "default"}.json");
            File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
            return path;
        }
    }
}
