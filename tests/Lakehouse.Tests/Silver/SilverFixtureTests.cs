using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>The recorded SpaceX responses, transformed as they are. Expected numbers come from the JSON itself.</summary>
public sealed class SilverFixtureTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly SpaceXBronze bronze;

    public SilverFixtureTests() => bronze = new SpaceXBronze(work.Combine("bronze"));

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public void Launches_give_one_row_per_launch_and_one_per_nested_entry()
    {
        // Given GET /v4/launches as recorded: a bare array of 205 launches
        var input = bronze.Recorded("v4-launches.json");

        // When it is transformed
        using var silver = Transform("spacex.launches", input);

        // Then every launch and every entry of its arrays is a row, and nothing is quarantined. Counted with
        // python3 -c "import json; d=json.load(open('v4-launches.json')); print(len(d),
        //   *(sum(len(x[k]) for x in d) for k in ('cores', 'payloads', 'crew', 'failures')))"  → 205 215 222 30 5
        silver.Count("spacex_launches").ShouldBe(205);
        silver.Count("spacex_launch_cores").ShouldBe(215);
        silver.Count("spacex_launch_payloads").ShouldBe(222);
        silver.Count("spacex_launch_crew").ShouldBe(30);
        silver.Count("spacex_launch_failures").ShouldBe(5);
        silver.Count("spacex_quarantine").ShouldBe(0);
        silver.Result.RowsRead.ShouldBe(205);
        silver.Result.RowsQuarantined.ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
        silver.Result.Files.Select(f => (f.Table, f.Rows)).ShouldBe(
        [
            ("spacex_launches", 205L), ("spacex_launch_cores", 215L), ("spacex_launch_payloads", 222L),
            ("spacex_launch_crew", 30L), ("spacex_launch_failures", 5L), ("spacex_quarantine", 0L),
        ]);

        // And values are typed: FalconSat, '2006-03-24T22:30:00.000Z', flight 1, failed (python3, first element)
        silver.Rows("SELECT name, date_utc::VARCHAR, flight_number, success, date_local FROM spacex_launches WHERE launch_id = '5eb87cd9ffd86e000604b32a'")
            .ShouldBe(["FalconSat | 2006-03-24 22:30:00 | 1 | False | 2006-03-25T10:30:00+12:00"]);

        // And nulls stay nulls: 19 launches without success, 19 cores without id, and 97 launches whose fairings are
        // null (36) or hold only nulls (python3: sum(x['success'] is None), sum(c['core'] is None for all cores),
        // sum(x['fairings'] is None or all(x['fairings'][k] is None for k in ('reused', ...))))
        silver.Count("spacex_launches", "success IS NULL").ShouldBe(19);
        silver.Count("spacex_launch_cores", "core_id IS NULL").ShouldBe(19);
        silver.Count("spacex_launches", "fairings_reused IS NULL AND fairings_recovered IS NULL AND fairings_recovery_attempt IS NULL")
            .ShouldBe(97);
    }

    [SkippableFact]
    public void A_query_envelope_with_populated_rockets_gives_the_rockets_ids()
    {
        // Given POST /v4/launches/query with populate: rocket is {"name", "type", "id"} instead of an id
        var input = bronze.Recorded("v4-launches-query-populate-rocket.json");

        // When it is transformed
        using var silver = Transform("spacex.launches", input);

        // Then the envelope's 175 docs are launches, each with its rocket's id (167 are Falcon 9). python3:
        // p=json.load(...)['docs']; len(p); sum(x['rocket']['id']=='5e9d0d95eda69973a809d1ec' for x in p); cores 185
        silver.Count("spacex_launches").ShouldBe(175);
        silver.Count("spacex_launches", "rocket_id = '5e9d0d95eda69973a809d1ec'").ShouldBe(167);
        silver.Count("spacex_launches", "rocket_id IS NULL").ShouldBe(0);
        silver.Count("spacex_launch_cores").ShouldBe(185);
        silver.Count("spacex_quarantine").ShouldBe(0);
    }

    [SkippableTheory]
    [InlineData("spacex.payloads", "v4-payloads.json", "spacex_payloads", 225)]
    [InlineData("spacex.rockets", "v4-rockets.json", "spacex_rockets", 4)]
    [InlineData("spacex.launchpads", "v4-launchpads.json", "spacex_launchpads", 6)]
    public void Every_recorded_document_is_a_row(string dataset, string fixture, string table, long documents)
    {
        // Given a recorded GET /v4/{resource} array (lengths from python3 -c "len(json.load(open(f)))")
        var input = bronze.Recorded(fixture);

        // When it is transformed
        using var silver = Transform(dataset, input);

        // Then each document is one row and none is quarantined
        silver.Count(table).ShouldBe(documents);
        silver.Count("spacex_quarantine").ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
    }

    [SkippableFact]
    public void Landpads_from_the_recorded_set_are_rows()
    {
        // Given the 7 recorded landpads (that fixture wraps them in {"data": [...]}, so they are landed as an array)
        var landpads = JsonNode.Parse(File.ReadAllText(SpaceXBronze.Fixture("v4-landpads.query-docs-cache.json")))!["data"]!.AsArray();
        var input = bronze.Body(landpads.ToJsonString());

        // When they are transformed
        using var silver = Transform("spacex.landpads", input);

        // Then there are 7, typed (LZ-1: 21 attempts, 20 successes in the fixture)
        silver.Count("spacex_landpads").ShouldBe(7);
        silver.Rows("SELECT type, landing_attempts, landing_successes FROM spacex_landpads WHERE name = 'LZ-1'").ShouldBe(["RTLS | 21 | 20"]);
    }

    [SkippableFact]
    public void Rockets_are_typed_with_metric_sizes_and_a_first_flight_date()
    {
        using var silver = Transform("spacex.rockets", bronze.Recorded("v4-rockets.json"));

        // Falcon 1 in the fixture: first_flight "2006-03-24", height.meters 22.25, diameter.meters 1.68, mass.kg 30146
        silver.Rows("SELECT first_flight::VARCHAR, height_m, diameter_m, mass_kg, active FROM spacex_rockets WHERE name = 'Falcon 1'")
            .ShouldBe(["2006-03-24 | 22.25 | 1.68 | 30146 | False"]);
    }

    [Fact]
    public void Every_table_file_has_the_schema_of_the_silver_tables()
    {
        // Given every SpaceX dataset transformed from no input at all
        var schemas = new StringBuilder();
        var seen = new HashSet<string>();
        foreach (var dataset in BuiltInSources.Catalog.Silver.Datasets.Where(d => d.StartsWith("spacex.", StringComparison.Ordinal)))
        {
            using var silver = Transform(dataset);

            // Then each table is still written, empty, with its columns and types
            foreach (var file in silver.Result.Files.Where(f => seen.Add(f.Table)))
            {
                File.Exists(file.LocalPath).ShouldBeTrue();
                file.Rows.ShouldBe(0);
                schemas.Append("## ").Append(file.Table).Append('\n');
                foreach (var column in silver.Rows($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {file.Table})"))
                {
                    schemas.Append(column).Append('\n');
                }
            }
        }

        Snapshot.Match(schemas.ToString(), "silver-spacex-parquet-schemas");
    }

    [SkippableFact]
    public void Files_are_zstd_parquet_named_after_their_table()
    {
        using var silver = Transform("spacex.launches", bronze.Recorded("v4-launches.json"));

        foreach (var file in silver.Result.Files)
        {
            Path.GetFileName(file.LocalPath).ShouldBe(file.Table + ".parquet");
        }

        var launches = silver.Result.Files[0].LocalPath;
        silver.Rows($"SELECT DISTINCT compression FROM parquet_metadata('{launches}')").ShouldBe(["ZSTD"]);
    }

    [Fact]
    public void The_datasets_are_known_with_their_tables()
    {
        BuiltInSources.Catalog.Silver.Datasets.Where(d => d.StartsWith("spacex.", StringComparison.Ordinal)).ShouldBe(
        [
            "spacex.capsules", "spacex.cores", "spacex.crew", "spacex.landpads", "spacex.launches", "spacex.launchpads",
            "spacex.payloads", "spacex.rockets",
        ]);
        BuiltInSources.Catalog.Silver.TablesOf("spacex.launches").ShouldBe(
            ["spacex_launches", "spacex_launch_cores", "spacex_launch_payloads", "spacex_launch_crew", "spacex_launch_failures"]);
        BuiltInSources.Catalog.Silver.TablesOf("spacex.crew").ShouldBe(["spacex_crew"]);
        BuiltInSources.Catalog.Silver.Schema("spacex").ShouldContain("CREATE TABLE spacex_launches (");
        Should.Throw<ArgumentException>(() => BuiltInSources.Catalog.Silver.TablesOf("spacex.ships")).Message.ShouldContain("spacex.launches");
        Should.Throw<ArgumentException>(() => BuiltInSources.Catalog.Silver.Schema("nope"));
    }

    private SilverOutput Transform(string dataset, params BronzeInput[] inputs) =>
        new(new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, inputs, work.Combine("silver", dataset), CancellationToken.None));
}
