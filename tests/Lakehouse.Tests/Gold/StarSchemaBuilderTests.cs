using System.Globalization;
using Lakehouse.Gold;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static Lakehouse.Tests.Gold.SpaceXScenario;

namespace Lakehouse.Tests.Gold;

public sealed class StarSchemaBuilderTests : IDisposable
{
    private static readonly DateTimeOffset BuildTime = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly SilverLake lake = new();
    private readonly string goldPath;
    private readonly StarSchemaBuilder builder = new(BuiltInSources.Catalog, new FixedTimeProvider(BuildTime), NullLogger<StarSchemaBuilder>.Instance);

    public StarSchemaBuilderTests()
    {
        goldPath = lake.Folder.Combine("gold", "lakehouse.duckdb");
    }

    public void Dispose() => lake.Dispose();

    [Fact]
    public async Task The_latest_observation_of_a_launch_wins_and_brings_its_own_children()
    {
        // Given a launch landed twice: the newer landing has another name, a second payload and a different core.
        // The older object's bronze key sorts last, so only the landing time can make the newer one win.
        lake.Land(RunA, "bronze/spacex/launches/all/z-old.json", LandedA)
            .Launch("L-1", "Starlink-1 (old)", new DateTime(2019, 11, 11, 14, 56, 0), rocket: "rkt-f9")
            .LaunchPayload("L-1", 1, "pl-a")
            .LaunchCore("L-1", 1, "core-x", reused: false);
        lake.Land(RunB, "bronze/spacex/launches/all/a-new.json", LandedB)
            .Launch("L-1", "Starlink-1", new DateTime(2019, 11, 11, 14, 56, 0), rocket: "rkt-f9")
            .LaunchPayload("L-1", 1, "pl-a")
            .LaunchPayload("L-1", 2, "pl-b")
            .LaunchCore("L-1", 1, "core-y", reused: true);
        // And a launch landed twice at the same instant: then the greater bronze key wins
        lake.Land(RunB, "bronze/spacex/launches/all/b-1.json", LandedB)
            .Launch("L-2", "first", new DateTime(2020, 1, 7, 2, 19, 0));
        lake.Land(RunB, "bronze/spacex/launches/all/b-2.json", LandedB)
            .Launch("L-2", "second", new DateTime(2020, 1, 7, 2, 19, 0));
        // And dimensions follow the same rule
        lake.Land(RunA, "bronze/spacex/rockets/all/a.json", LandedA).Rocket("rkt-f9", "Falcon 9 v1.1");
        lake.Land(RunB, "bronze/spacex/rockets/all/b.json", LandedB).Rocket("rkt-f9", "Falcon 9");
        lake.Land(RunA, "bronze/spacex/cores/all/a.json", LandedA).Core("core-x", "B1048").Core("core-y", "B1049");

        // When gold is built
        await Build();

        // Then the newer observations are the facts
        using var gold = GoldFile.Open(goldPath);
        var launch = gold.Single("""
            SELECT f.name, f.payload_count, f.reused_core_count, r.name AS rocket
            FROM fact_launch f JOIN dim_rocket r USING (rocket_key) WHERE f.launch_id = 'L-1'
            """);
        launch["name"].ShouldBe("Starlink-1");
        launch["payload_count"].ShouldBe(2L);
        launch["reused_core_count"].ShouldBe(1L);
        launch["rocket"].ShouldBe("Falcon 9");
        gold.Scalar<string>("SELECT name FROM fact_launch WHERE launch_id = 'L-2'").ShouldBe("second");

        // And the bridges hold the newer object's children only, not the older ones as well
        gold.Scalar<long>("SELECT count(*) FROM bridge_launch_payload").ShouldBe(2);
        gold.Rows("SELECT c.serial FROM bridge_launch_core JOIN dim_core c USING (core_key)")
            .Select(r => r["serial"]).ShouldBe(["B1049"]);
        gold.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(2);
    }

    [Fact]
    public async Task Surrogate_keys_derive_from_the_natural_key_alone()
    {
        // Given gold built from one lake
        LandFourLaunches(lake);
        await Build();
        var first = Keys();

        // When more data arrives (another rocket, another launch) and gold is rebuilt
        lake.Land(RunB, "bronze/spacex/launches/all/more.json", LandedB)
            .Launch("L-more", "Starlink-2", new DateTime(2020, 1, 7, 2, 19, 0), rocket: "rkt-f1");
        lake.Land(RunB, "bronze/spacex/rockets/all/more.json", LandedB).Rocket("rkt-f1", "Falcon 1");
        await Build();

        // Then the existing keys are unchanged (FourLaunchGoldTests checks what they are)
        Keys().ShouldBe(first);

        (long Rocket, long Launch) Keys()
        {
            using var gold = GoldFile.Open(goldPath);
            return (gold.Scalar<long>("SELECT rocket_key FROM dim_rocket WHERE rocket_id = 'rkt-f9'"),
                    gold.Scalar<long>("SELECT launch_key FROM fact_launch WHERE launch_id = 'L-demo2'"));
        }
    }

    [Fact]
    public async Task The_same_silver_gives_identical_gold_on_a_rebuild_and_in_another_file()
    {
        // Given gold built from the lake
        LandFourLaunches(lake);
        var files = lake.WriteFiles();
        await Build(files);
        var original = GoldFile.Contents(goldPath);

        // When it is rebuilt in place from the same files, and built into a fresh file from a second copy of silver
        await Build(files);
        var rebuilt = GoldFile.Contents(goldPath);
        var other = lake.Folder.Combine("other", "lakehouse.duckdb");
        await builder.BuildAsync(other, lake.WriteFiles(), SilverLake.Ddl, SpaceXScenario.Runs(), "fp-1", CancellationToken.None);

        // Then every table holds the same rows
        original.Keys.Count.ShouldBe(BuiltInSources.Catalog.Gold.Count);
        rebuilt.ShouldHaveSameContents(original);
        GoldFile.Contents(other).ShouldHaveSameContents(original);
    }

    [Fact]
    public async Task A_duplicated_grain_fails_its_data_test_and_keeps_the_previous_gold()
    {
        // Given a published gold
        var landing = LandFourLaunches(lake);
        await Build(fingerprint: "fp-good");
        var before = GoldFile.Contents(goldPath);

        // When silver gains a crafted row that repeats Demo-2's second payload entry, and gold is rebuilt
        landing.LaunchPayload("L-demo2", 2, "pl-cargo");
        var error = await Should.ThrowAsync<GoldDataTestException>(() => Build(fingerprint: "fp-bad"));

        // Then the error names the test and the model, with the failing row
        error.Model.ShouldBe("bridge_launch_payload");
        error.Test.ShouldBe("unique(launch_key, payload_ordinal)");
        error.Message.ShouldContain("bridge_launch_payload: unique(launch_key, payload_ordinal) — 1 failing row(s)");
        error.Message.ShouldContain("payload_ordinal=2, occurrences=2");

        // And the previous gold is intact
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("fp-good");
        GoldFile.Contents(goldPath).ShouldHaveSameContents(before);
    }

    [Fact]
    public async Task A_date_precision_outside_the_accepted_values_fails_the_build_naming_the_value()
    {
        // Given a launch whose date precision the API does not define
        LandFourLaunches(lake);
        lake.Land(RunB, "bronze/spacex/launches/all/odd.json", LandedB)
            .Launch("L-odd", "Odd", new DateTime(2021, 1, 1), datePrecision: "fortnight");

        // When gold is built
        var error = await Should.ThrowAsync<GoldDataTestException>(() => Build());

        // Then the accepted_values test of fact_launch fails with the value
        error.Failures.Count.ShouldBe(1);
        error.Model.ShouldBe("fact_launch");
        error.Test.ShouldStartWith("accepted_values(date_precision:");
        error.Message.ShouldContain("date_precision='fortnight', occurrences=1");

        // And no gold was published
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBeNull();
    }

    [Fact]
    public async Task Agg_launch_snapshot_shows_the_totals_as_each_run_saw_them()
    {
        // Given run A landing two past launches (one failed) and one upcoming; run B landing the failed one again as a
        // success, the upcoming one as launched from a third site, and a past launch with an unknown outcome
        lake.Land(RunA, "bronze/spacex/launches/all/a.json", LandedA)
            .Launch("L-1", "One", new DateTime(2020, 1, 1, 12, 0, 0), launchpad: "pad-40", success: true)
            .Launch("L-2", "Two", new DateTime(2020, 2, 1, 12, 0, 0), launchpad: "pad-39a", success: false)
            .Launch("L-3", "Three", new DateTime(2020, 12, 1), launchpad: "pad-40", upcoming: true, datePrecision: "month");
        lake.Land(RunB, "bronze/spacex/launches/all/b.json", LandedB)
            .Launch("L-2", "Two", new DateTime(2020, 2, 1, 12, 0, 0), launchpad: "pad-39a", success: true)
            .Launch("L-3", "Three", new DateTime(2020, 12, 15, 12, 0, 0), launchpad: "pad-vafb", success: true)
            .Launch("L-4", "Four", new DateTime(2021, 1, 1, 12, 0, 0), launchpad: "pad-40");
        // And run records: one before any landing, A, B (partial), a failed run, and a later run that landed nothing
        GoldRunRow[] runs =
        [
            Run("20261121T091500123Z-0000", "succeeded"),
            Run(RunA, "succeeded"),
            Run(RunB, "partial"),
            Run("20261124T091500123Z-cccc", "failed"),
            Run("20261125T091500123Z-dddd", "succeeded"),
        ];

        // When gold is built
        await Build(runs: runs);

        // Then there is one row per succeeded or partial run, with that run's view of the launches
        using var gold = GoldFile.Open(goldPath);
        var rows = gold.Rows("""
            SELECT run_id, total_launches, successes, failures, success_rate, earliest_launch_date, latest_launch_date, launch_sites_used
            FROM agg_launch_snapshot ORDER BY run_id
            """).Select(r => string.Join(" ", r.Values.Select(Text))).ToList();
        rows.ShouldBe(
        [
            "20261121T091500123Z-0000 0 0 0 null null null 0",
            // L-1 succeeded, L-2 failed: 1 of 2 known outcomes, sites pad-40 and pad-39a
            $"{RunA} 2 1 1 0.5 2020-01-01 2020-02-01 2",
            // L-1..L-3 succeeded, L-4's outcome is unknown: 3 of 3 known outcomes, sites pad-40, pad-39a, pad-vafb
            $"{RunB} 4 3 0 1 2020-01-01 2021-01-01 3",
            "20261125T091500123Z-dddd 4 3 0 1 2020-01-01 2021-01-01 3",
        ]);

        static string Text(object? value) => value switch
        {
            null => "null",
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        };
    }

    [Fact]
    public async Task Agg_launch_snapshot_takes_for_each_run_the_newest_landing_it_could_see()
    {
        // Given run A landing L-1 as failed, and L-2 twice: as failed, then an hour later as succeeded
        lake.Land(RunA, "bronze/spacex/launches/all/a-1.json", LandedA)
            .Launch("L-1", "One", new DateTime(2020, 1, 1, 12, 0, 0), launchpad: "pad-40", success: false)
            .Launch("L-2", "Two", new DateTime(2020, 2, 1, 12, 0, 0), launchpad: "pad-40", success: false);
        lake.Land(RunA, "bronze/spacex/launches/all/a-2.json", LandedA.AddHours(1))
            .Launch("L-2", "Two", new DateTime(2020, 2, 1, 12, 0, 0), launchpad: "pad-40", success: true);
        // And run B landing an object that was fetched before run A's (a replay): L-1 as succeeded from another site
        lake.Land(RunB, "bronze/spacex/launches/all/b.json", LandedA.AddDays(-1))
            .Launch("L-1", "One", new DateTime(2020, 1, 1, 12, 0, 0), launchpad: "pad-39a", success: true);
        // And a launch landed by a run that has no record yet
        lake.Land("20261124T091500123Z-cccc", "bronze/spacex/launches/all/c.json", LandedB.AddDays(1))
            .Launch("L-3", "Three", new DateTime(2021, 1, 1, 12, 0, 0), launchpad: "pad-40", success: true);

        // When gold is built with the records of runs A and B
        await Build(runs: [Run(RunA, "succeeded"), Run(RunB, "succeeded")]);

        // Then run A counts L-2 as succeeded (its later landing), and run B still sees L-1 as failed, because run A's
        // landing of it is the newer one; L-3 is in neither
        using var gold = GoldFile.Open(goldPath);
        var rows = gold.Rows("SELECT run_id, total_launches, successes, failures, launch_sites_used FROM agg_launch_snapshot ORDER BY run_id")
            .Select(r => string.Join(" ", r.Values)).ToList();
        rows.ShouldBe([$"{RunA} 2 1 1 1", $"{RunB} 2 1 1 1"]);
    }

    [Fact]
    public async Task Meta_run_lists_every_run_record()
    {
        // Given three run records, one of them failed and unfinished
        GoldRunRow[] runs =
        [
            Run(RunA, "succeeded"),
            new(RunB, new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.FromHours(1)), null, "failed", "schedule",
                ApiCalls: 3, ObjectsLanded: 1, ObjectsUnchanged: 2, RowsTransformed: 0, RowsQuarantined: 4, DurationMs: 1234,
                EarlyExit: true, Error: "spacex.launches: HTTP 503"),
            Run("20261124T091500123Z-cccc", "succeeded"),
        ];

        // When gold is built
        await Build(runs: runs);

        // Then meta_run has them all, with the failed run's details and its start in UTC
        using var gold = GoldFile.Open(goldPath);
        gold.Scalar<long>("SELECT count(*) FROM meta_run").ShouldBe(3);
        var failed = gold.Single($"SELECT * FROM meta_run WHERE run_id = '{RunB}'");
        failed["started_at"].ShouldBe(new DateTime(2026, 11, 23, 9, 15, 0));
        failed["finished_at"].ShouldBeNull();
        failed["status"].ShouldBe("failed");
        failed["trigger"].ShouldBe("schedule");
        failed["api_calls"].ShouldBe(3L);
        failed["objects_unchanged"].ShouldBe(2L);
        failed["rows_quarantined"].ShouldBe(4L);
        failed["duration_ms"].ShouldBe(1234L);
        failed["early_exit"].ShouldBe(true);
        failed["error"].ShouldBe("spacex.launches: HTTP 503");
    }

    [Fact]
    public async Task The_fingerprint_of_the_published_gold_can_be_read_back()
    {
        // Given no gold yet
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBeNull();

        // When gold is built with a fingerprint
        LandFourLaunches(lake);
        await Build(fingerprint: "spacex:3f9a");

        // Then meta_build and ReadFingerprint both say it
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("spacex:3f9a");
        using var gold = GoldFile.Open(goldPath);
        var build = gold.Single("SELECT * FROM meta_build");
        build["silver_fingerprint"].ShouldBe("spacex:3f9a");
        build["built_at"].ShouldBe(BuildTime.UtcDateTime);
    }

    [Fact]
    public async Task Silver_without_files_builds_an_empty_star_with_the_unknown_members()
    {
        // Given no silver file at all (an empty list counts as none)
        var files = new Dictionary<string, IReadOnlyList<string>> { ["spacex_launches"] = [] };

        // When gold is built
        var result = await builder.BuildAsync(goldPath, files, SilverLake.Ddl, [Run(RunA, "succeeded")], "empty", CancellationToken.None);

        // Then facts and bridges are empty, each dimension holds its unknown member, and the run is listed
        result.RowsPerTable.Keys.Order().ShouldBe(BuiltInSources.Catalog.Gold.Select(m => m.Name).Order());
        var spacexRawgAndCommon = BuiltInSources.Catalog.Gold.Where(m => m.Folder is "spacex" or "rawg" or "common").Select(m => m.Name).ToHashSet();
        result.RowsPerTable.Where(t => t.Value != 1 && spacexRawgAndCommon.Contains(t.Key)).Select(t => t.Key).Order().ShouldBe(
        [
            "bridge_game_genre", "bridge_game_platform", "bridge_game_store", "bridge_game_tag", "bridge_launch_core",
            "bridge_launch_crew", "bridge_launch_payload", "fact_game", "fact_launch", "meta_silver_file",
        ]);
        result.RowsPerTable.Where(t => t.Value != 1).ShouldAllBe(t => t.Value == 0);
        using var gold = GoldFile.Open(goldPath);
        gold.Scalar<string>("SELECT name FROM dim_rocket").ShouldBe("Unknown");
    }

    [Fact]
    public async Task A_build_neither_waits_for_nor_disturbs_another_process_holding_the_gold_file()
    {
        // Given a published gold that another process holds locked, and a descriptor open on it
        LandFourLaunches(lake);
        var files = lake.WriteFiles();
        await Build(files, fingerprint: "before");
        using var foreignLock = new ForeignFileLock(goldPath);
        using var held = new FileStream(goldPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var before = new byte[held.Length];
        held.ReadExactly(before);

        // When gold is built meanwhile, with no wait allowed
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Build(files, fingerprint: "after");
        clock.Stop();

        // Then the new gold is at the path, while the open descriptor still reads the old file, byte for byte
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("after");
        held.Position = 0;
        var still = new byte[before.Length];
        held.ReadExactly(still);
        still.ShouldBe(before);
        held.Length.ShouldBe(before.Length);

        // And nothing of the build is left beside the gold file (its work file was renamed into place)
        Directory.GetFiles(Path.GetDirectoryName(goldPath)!).Select(Path.GetFileName).Where(f => !f!.EndsWith(".lock", StringComparison.Ordinal))
            .ShouldBe(["lakehouse.duckdb"]);
    }

    [Fact]
    public async Task Leftovers_of_a_killed_build_are_removed_by_the_next_build()
    {
        // Given what a build killed half-way leaves beside the gold file: its work file, its log and its spill folder
        LandFourLaunches(lake);
        await Build(fingerprint: "before");
        var folder = Path.GetDirectoryName(goldPath)!;
        var leftover = Path.Combine(folder, ".tmp-lakehouse.duckdb.build-0123456789abcdef");
        File.WriteAllText(leftover, "half a database");
        File.WriteAllText(leftover + ".wal", "half a log");
        Directory.CreateDirectory(leftover + ".tmp");

        // When the next build runs
        await Build(fingerprint: "after");

        // Then they are gone, and the gold is the new build
        File.Exists(leftover).ShouldBeFalse();
        File.Exists(leftover + ".wal").ShouldBeFalse();
        Directory.Exists(leftover + ".tmp").ShouldBeFalse();
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("after");
    }

    [Fact]
    public async Task A_gold_file_that_is_not_a_database_is_moved_aside_and_the_build_starts_from_silver()
    {
        // Given a gold path holding something that is not a DuckDB database, and four launches in silver
        Directory.CreateDirectory(Path.GetDirectoryName(goldPath)!);
        const string Damaged = "not a database, just text long enough to hold a header block";
        await File.WriteAllTextAsync(goldPath, Damaged);
        LandFourLaunches(lake);

        // When gold is built (incrementally, as every run does)
        await Build();

        // Then gold is a database again holding the four launches, and the damaged file is kept aside untouched
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("fp-1");
        using (var gold = GoldFile.Open(goldPath))
        {
            gold.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(4);
        }

        var aside = Directory.GetFiles(Path.GetDirectoryName(goldPath)!, ".tmp-lakehouse.duckdb.damaged-*").ShouldHaveSingleItem();
        (await File.ReadAllTextAsync(aside)).ShouldBe(Damaged);
        Path.GetFileName(aside).ShouldBe(".tmp-lakehouse.duckdb.damaged-20261123T100000000");
    }

    [Fact]
    public async Task A_cancelled_build_publishes_nothing()
    {
        // Given a published gold
        LandFourLaunches(lake);
        var files = lake.WriteFiles();
        await Build(files, fingerprint: "before");

        // When a build is cancelled
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(
            () => builder.BuildAsync(goldPath, files, SilverLake.Ddl, SpaceXScenario.Runs(), "after", cancelled.Token));

        // Then the previous gold stays
        StarSchemaBuilder.ReadFingerprint(goldPath).ShouldBe("before");
    }

    [Fact]
    public async Task A_sources_gold_macros_that_do_not_run_fail_the_build_naming_the_source_and_write_no_gold()
    {
        // Given a source whose Gold/macros.sql does not parse
        var stars = new SourceSql("stars", new Dictionary<string, string>(), new Dictionary<string, string> { ["macros.sql"] = "create temp macro twice(x) as x *" });
        var broken = new StarSchemaBuilder(new SourceCatalog([.. BuiltInSources.Sql, stars]), new FixedTimeProvider(BuildTime), NullLogger<StarSchemaBuilder>.Instance);

        // When gold is built
        var error = await Should.ThrowAsync<GoldBuildException>(
            () => broken.BuildAsync(goldPath, lake.WriteFiles(), SilverLake.Ddl, [], "fp-1", CancellationToken.None));

        // Then the message names the source and its file, and there is no gold
        error.Message.ShouldContain("The gold macros of the source stars (its Gold/macros.sql) do not run");
        File.Exists(goldPath).ShouldBeFalse();
    }

    private Task<GoldBuildResult> Build(
        IReadOnlyDictionary<string, IReadOnlyList<string>>? files = null,
        IReadOnlyList<GoldRunRow>? runs = null,
        string fingerprint = "fp-1") =>
        builder.BuildAsync(goldPath, files ?? lake.WriteFiles(), SilverLake.Ddl, runs ?? SpaceXScenario.Runs(), fingerprint, CancellationToken.None);
}
