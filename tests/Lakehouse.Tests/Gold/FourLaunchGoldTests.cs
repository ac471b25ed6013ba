using System.Text;
using Lakehouse.Gold;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Tests.Gold;

/// <summary>
/// Gold built once from <see cref="SpaceXScenario.LandFourLaunches"/>, after which its silver files are deleted:
/// gold must stand on its own.
/// </summary>
public sealed class FourLaunchGold : IAsyncLifetime, IDisposable
{
    private readonly SilverLake lake = new();

    public string Path { get; private set; } = string.Empty;

    public string SilverFolder { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        SpaceXScenario.LandFourLaunches(lake);
        var files = lake.WriteFiles();
        Path = lake.Folder.Combine("gold", "lakehouse.duckdb");
        var builder = new StarSchemaBuilder(BuiltInSources.Catalog, TimeProvider.System, NullLogger<StarSchemaBuilder>.Instance);
        await builder.BuildAsync(Path, files, SilverLake.Ddl, SpaceXScenario.Runs(), "fp-four", CancellationToken.None);

        SilverFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(files["spacex_launches"][0]))!;
        Directory.Delete(SilverFolder, recursive: true);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => lake.Dispose();
}

public sealed class FourLaunchGoldTests(FourLaunchGold built) : IClassFixture<FourLaunchGold>, IDisposable
{
    private readonly GoldFile gold = GoldFile.Open(built.Path);

    public void Dispose() => gold.Dispose();

    [Fact]
    public void Fact_launch_counts_payloads_mass_cores_landings_and_crew_per_launch()
    {
        // Given the four launches of SpaceXScenario.LandFourLaunches (hand counts in its comments), built into gold

        // When their facts are read
        var facts = gold.Rows("""
            SELECT launch_id, payload_count, payload_mass_kg, core_count, reused_core_count, landing_attempts,
                   landing_successes, crew_count, failure_reason, success, upcoming, date_key
            FROM fact_launch ORDER BY launch_id
            """).ToDictionary(r => (string)r["launch_id"]!);

        // Then each launch's numbers are the hand counts
        facts.Keys.ShouldBe(["L-arabsat", "L-demo2", "L-falconsat", "L-next"]);

        var demo2 = facts["L-demo2"];
        demo2["payload_count"].ShouldBe(2L);
        demo2["payload_mass_kg"].ShouldBe(14555.5); // 12055 + 2500.5
        demo2["core_count"].ShouldBe(1L);
        demo2["reused_core_count"].ShouldBe(0L);
        demo2["landing_attempts"].ShouldBe(1L);
        demo2["landing_successes"].ShouldBe(1L);
        demo2["crew_count"].ShouldBe(2L);
        demo2["failure_reason"].ShouldBeNull();
        demo2["date_key"].ShouldBe(20200530);

        var arabsat = facts["L-arabsat"];
        arabsat["payload_count"].ShouldBe(1L);
        arabsat["payload_mass_kg"].ShouldBe(6465.0);
        arabsat["core_count"].ShouldBe(3L);
        arabsat["reused_core_count"].ShouldBe(2L); // both side boosters
        arabsat["landing_attempts"].ShouldBe(3L);
        arabsat["landing_successes"].ShouldBe(2L); // the centre core missed the drone ship
        arabsat["crew_count"].ShouldBe(0L);

        var falconsat = facts["L-falconsat"];
        falconsat["payload_count"].ShouldBe(2L); // one payload silver does not know still counts
        falconsat["payload_mass_kg"].ShouldBeNull(); // no payload of it has a known mass
        falconsat["core_count"].ShouldBe(1L);
        falconsat["landing_attempts"].ShouldBe(0L);
        falconsat["crew_count"].ShouldBe(1L);
        falconsat["failure_reason"].ShouldBe("merlin engine failure; loss of vehicle");
        falconsat["success"].ShouldBe(false);

        var next = facts["L-next"];
        next["payload_count"].ShouldBe(0L);
        next["core_count"].ShouldBe(0L);
        next["crew_count"].ShouldBe(0L);
        next["upcoming"].ShouldBe(true);
    }

    [Fact]
    public void The_bridges_hold_one_row_per_child_entry_with_landing_outcome_and_role()
    {
        gold.Scalar<long>("SELECT count(*) FROM bridge_launch_payload").ShouldBe(5); // 2 + 1 + 2
        gold.Scalar<long>("SELECT count(*) FROM bridge_launch_core").ShouldBe(5); // 1 + 3 + 1
        gold.Scalar<long>("SELECT count(*) FROM bridge_launch_crew").ShouldBe(3); // 2 + 1

        var sideBooster = gold.Single("""
            SELECT c.serial, b.reused, b.landing_attempt, b.landing_success, b.landing_type, l.name AS landpad
            FROM bridge_launch_core b
            JOIN fact_launch f USING (launch_key) JOIN dim_core c USING (core_key) JOIN dim_landpad l USING (landpad_key)
            WHERE f.launch_id = 'L-arabsat' AND b.core_ordinal = 2
            """);
        sideBooster["serial"].ShouldBe("B1052");
        sideBooster["reused"].ShouldBe(true);
        sideBooster["landing_success"].ShouldBe(true);
        sideBooster["landing_type"].ShouldBe("RTLS");
        sideBooster["landpad"].ShouldBe("LZ-1");

        gold.Rows("""
            SELECT m.name, b.role FROM bridge_launch_crew b
            JOIN fact_launch f USING (launch_key) JOIN dim_crew m USING (crew_key)
            WHERE f.launch_id = 'L-demo2' ORDER BY b.crew_ordinal
            """).Select(r => $"{r["name"]}: {r["role"]}").ShouldBe(["Bob Behnken: Joint Operations Commander", "Doug Hurley: Spacecraft Commander"]);
    }

    [Fact]
    public void Null_and_missing_references_point_at_the_unknown_members()
    {
        // Given FalconSat (no rocket id; a launchpad, payload, core and crew member silver does not know) and
        // Crew-99 (no date)

        // When their keys are read
        var falconsat = gold.Single("SELECT launch_key, rocket_key, launchpad_key FROM fact_launch WHERE launch_id = 'L-falconsat'");
        var launchKey = (long)falconsat["launch_key"]!;

        // Then those references use each dimension's unknown member
        falconsat["rocket_key"].ShouldBe(-1L);
        falconsat["launchpad_key"].ShouldBe(-1L);
        gold.Rows($"SELECT payload_key FROM bridge_launch_payload WHERE launch_key = {launchKey} ORDER BY payload_ordinal")
            .Select(r => r["payload_key"]).ShouldBe([gold.Scalar<long>("SELECT payload_key FROM dim_payload WHERE payload_id = 'pl-falconsat'"), -1L]);
        gold.Single($"SELECT core_key, landpad_key FROM bridge_launch_core WHERE launch_key = {launchKey}")
            .Values.ShouldBe([-1L, -1L]);
        gold.Scalar<long>($"SELECT crew_key FROM bridge_launch_crew WHERE launch_key = {launchKey}").ShouldBe(-1);
        gold.Scalar<int>("SELECT date_key FROM fact_launch WHERE launch_id = 'L-next'").ShouldBe(-1);

        // And every unknown member is there, named Unknown
        gold.Rows("""
            SELECT name FROM dim_rocket WHERE rocket_key = -1 UNION ALL SELECT name FROM dim_launchpad WHERE launchpad_key = -1
            UNION ALL SELECT name FROM dim_landpad WHERE landpad_key = -1 UNION ALL SELECT name FROM dim_payload WHERE payload_key = -1
            UNION ALL SELECT serial FROM dim_core WHERE core_key = -1 UNION ALL SELECT name FROM dim_crew WHERE crew_key = -1
            UNION ALL SELECT day_name FROM dim_date WHERE date_key = -1
            """).Select(r => r["name"]).ShouldBe(Enumerable.Repeat<object?>("Unknown", 7));

        // And no fact or bridge holds a NULL foreign key
        gold.Scalar<long>("""
            SELECT (SELECT count(*) FROM fact_launch WHERE rocket_key IS NULL OR launchpad_key IS NULL OR date_key IS NULL)
                 + (SELECT count(*) FROM bridge_launch_core WHERE core_key IS NULL OR landpad_key IS NULL)
                 + (SELECT count(*) FROM bridge_launch_payload WHERE payload_key IS NULL)
                 + (SELECT count(*) FROM bridge_launch_crew WHERE crew_key IS NULL)
            """).ShouldBe(0);
    }

    [Fact]
    public void Surrogate_keys_are_the_md5_of_the_natural_key()
    {
        // The low half of the natural id's md5, shifted to stay positive; checked with
        // python3 -c "import hashlib; print(int.from_bytes(hashlib.md5(b'rkt-f9').digest()[8:], 'little') >> 1)"
        gold.Scalar<long>("SELECT rocket_key FROM dim_rocket WHERE rocket_id = 'rkt-f9'").ShouldBe(4187638474573717412L);
        gold.Scalar<long>("SELECT launch_key FROM fact_launch WHERE launch_id = 'L-demo2'").ShouldBe(305037275154347252L); // b'L-demo2'
    }

    [Fact]
    public void Dim_date_covers_whole_years_of_the_launch_dates()
    {
        // Given launches in 2006, 2019 and 2020 (and one without a date)

        // Then dim_date holds every day of 2006 to 2020 and the unknown date;
        // python3 -c "print(sum(366 if y % 4 == 0 else 365 for y in range(2006, 2021)))" gives 5479
        gold.Scalar<long>("SELECT count(*) FROM dim_date").ShouldBe(5479 + 1);
        gold.Scalar<int>("SELECT min(date_key) FILTER (WHERE date_key > 0) FROM dim_date").ShouldBe(20060101);
        gold.Scalar<int>("SELECT max(date_key) FROM dim_date").ShouldBe(20201231);

        // And a day's attributes are the calendar's; python3 -c "import datetime; d = datetime.date(2020, 5, 30);
        // print(d.isoweekday(), d.strftime('%A'), d.timetuple().tm_yday, d.isocalendar()[1])" gives 6 Saturday 151 22
        var day = gold.Single("SELECT date, year, quarter, month, day, day_of_week, day_name, day_of_year, iso_week, is_weekend FROM dim_date WHERE date_key = 20200530");
        day.Values.ShouldBe([new DateOnly(2020, 5, 30), 2020, 2, 5, 30, 6, "Saturday", 151, 22, true]);
    }

    [Fact]
    public void Gold_holds_only_tables_and_outlives_the_silver_files_it_was_built_from()
    {
        // Given gold whose silver files were deleted after the build (see FourLaunchGold)

        // Then gold still answers, has no view, and the file never mentions the silver folder
        gold.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(4);
        gold.Scalar<long>("SELECT count(*) FROM duckdb_views() WHERE NOT internal").ShouldBe(0);
        Encoding.UTF8.GetString(File.ReadAllBytes(built.Path)).ShouldNotContain(built.SilverFolder);
    }

    [Fact]
    public void Every_spacex_and_common_gold_table_has_its_documented_columns()
    {
        var description = new StringBuilder();
        foreach (var table in BuiltInSources.Catalog.Gold.Where(m => m.Folder is "spacex" or "common").Select(m => m.Name).Order(StringComparer.Ordinal))
        {
            description.Append(table).Append('\n');
            foreach (var column in gold.Rows($"DESCRIBE {table}"))
            {
                description.Append($"  {column["column_name"]} {column["column_type"]}\n");
            }
        }

        Snapshot.Match(description.ToString(), "gold-describe");
    }
}
