using System.Text.Json.Nodes;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>How bronze documents that are wrong, new, repeated or unreadable end up in silver.</summary>
public sealed class SilverTransformTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly SpaceXBronze bronze;

    public SilverTransformTests() => bronze = new SpaceXBronze(work.Combine("bronze"));

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public void A_launch_with_a_wrong_type_is_quarantined_with_the_field_named()
    {
        // Given a page with a good launch and, for each case, a launch whose member has the wrong JSON type
        (string Member, string Json, string Reason)[] cases =
        [
            ("flight_number", "\"abc\"", "wrong type: flight_number is VARCHAR, expected an integer"),
            ("flight_number", "1.5", "wrong type: flight_number is DOUBLE, expected an integer"),
            ("flight_number", "99999999999", "out of range: flight_number is 99999999999, expected a 32-bit integer"),
            ("success", "\"yes\"", "wrong type: success is VARCHAR, expected a boolean"),
            ("success", "1", "wrong type: success is UBIGINT, expected a boolean"),
            ("window", "\"soon\"", "wrong type: window is VARCHAR, expected an integer"),
            ("cores", "\"B1019\"", "wrong type: cores is VARCHAR, expected an array of objects"),
            ("cores", "[null]", "wrong type: cores[1] is NULL, expected an object"),
            ("date_utc", "\"next tuesday\"", "unparsable date_utc: \"next tuesday\" is not a timestamp"),
            ("date_utc", "1143239400", "wrong type: date_utc is UBIGINT, expected a timestamp"),
            ("id", "42", "wrong type: id is UBIGINT, expected a string"),
            ("rocket", "{\"name\": \"Falcon 1\"}", "wrong type: rocket is OBJECT, expected an id"),
            ("payloads", "[\"5eb0e4b5b6c3bb0006eeb1e1\", null]", "wrong type: payloads[2] is NULL, expected an id"),
            ("fairings", "true", "wrong type: fairings is BOOLEAN, expected an object"),
            ("links", "{\"patch\": {\"small\": 7}}", "wrong type: links.patch.small is UBIGINT, expected a string"),
        ];
        var bad = cases.Select((c, i) =>
        {
            var launch = SpaceXBronze.Launch($"bad-{i:D2}");
            launch[c.Member] = JsonNode.Parse(c.Json);
            return launch;
        }).ToArray();
        var input = bronze.Body(SpaceXBronze.Envelope([SpaceXBronze.Launch("good"), .. bad]));

        // When it is transformed
        using var silver = Transform("spacex.launches", input);

        // Then each bad launch is in the quarantine, as received, with its reason, and in no silver table
        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(cases.Select(c => c.Reason).ToList());
        silver.Rows("SELECT DISTINCT dataset FROM spacex_quarantine").ShouldBe(["launches"]);
        var records = silver.Rows("SELECT record FROM spacex_quarantine");
        for (var i = 0; i < cases.Length; i++)
        {
            JsonNode.DeepEquals(JsonNode.Parse(records[i]), bad[i]).ShouldBeTrue(cases[i].Reason);
        }

        silver.Rows("SELECT launch_id FROM spacex_launches").ShouldBe(["good"]);
        silver.Rows("SELECT DISTINCT launch_id FROM spacex_launch_cores").ShouldBe(["good"]);
        silver.Rows("SELECT DISTINCT launch_id FROM spacex_launch_payloads").ShouldBe(["good"]);
        silver.Rows("SELECT DISTINCT launch_id FROM spacex_launch_failures").ShouldBe(["good"]);
        silver.Result.RowsRead.ShouldBe(cases.Length + 1);
        silver.Result.RowsQuarantined.ShouldBe(cases.Length);
    }

    [SkippableFact]
    public void A_launch_without_an_id_is_quarantined()
    {
        var nameless = SpaceXBronze.Launch("x");
        nameless.Remove("id");

        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Array(nameless, SpaceXBronze.Launch("good"))));

        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(["missing id"]);
        silver.Count("spacex_launches").ShouldBe(1);
    }

    [SkippableFact]
    public void A_wrong_type_inside_a_core_quarantines_the_whole_launch()
    {
        var bad = SpaceXBronze.Launch("bad");
        bad["cores"]![0]!["landing_success"] = "maybe";

        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Array(bad)));

        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(["wrong type: cores[1].landing_success is VARCHAR, expected a boolean"]);
        silver.Count("spacex_launches").ShouldBe(0);
        silver.Count("spacex_launch_cores").ShouldBe(0);
        silver.Count("spacex_launch_payloads").ShouldBe(0);
    }

    [SkippableFact]
    public void Nulls_and_missing_members_are_valid()
    {
        // Given launches with success null, a core whose id is null, fairings missing, and fairings null
        var nullSuccess = SpaceXBronze.Launch("null-success");
        nullSuccess["success"] = null;
        var nullCore = SpaceXBronze.Launch("null-core");
        nullCore["cores"]![0]!["core"] = null;
        var noFairings = SpaceXBronze.Launch("no-fairings");
        noFairings.Remove("fairings");
        var nullFairings = SpaceXBronze.Launch("null-fairings");
        nullFairings["fairings"] = null;

        // When they are transformed
        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Envelope(nullSuccess, nullCore, noFairings, nullFairings)));

        // Then all are in silver with NULLs where the value was null or missing
        silver.Count("spacex_quarantine").ShouldBe(0);
        silver.Rows("SELECT launch_id, success, fairings_reused FROM spacex_launches").ShouldBe(
        [
            "no-fairings | False | NULL",
            "null-core | False | False",
            "null-fairings | False | NULL",
            "null-success | NULL | False",
        ]);
        silver.Rows("SELECT launch_id, core_ordinal, core_id FROM spacex_launch_cores WHERE launch_id = 'null-core'").ShouldBe(["null-core | 1 | NULL"]);
    }

    [SkippableFact]
    public void Crew_may_be_v5_objects_with_roles_or_v4_ids()
    {
        var v5 = SpaceXBronze.Launch("v5");
        v5["crew"] = JsonNode.Parse("""[{"crew": "c-1", "role": "Commander"}, {"crew": null, "role": null}]""");
        var v4 = SpaceXBronze.Launch("v4");
        v4["crew"] = JsonNode.Parse("""["c-2", "c-3"]""");

        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Array(v5, v4)));

        silver.Rows("SELECT launch_id, crew_ordinal, crew_id, role FROM spacex_launch_crew").ShouldBe(
        [
            "v4 | 1 | c-2 | NULL",
            "v4 | 2 | c-3 | NULL",
            "v5 | 1 | c-1 | Commander",
            "v5 | 2 | NULL | NULL",
        ]);
    }

    [SkippableFact]
    public void The_same_id_twice_keeps_the_last_one_seen()
    {
        // Given one id on two pages (and twice on the second), named after where it was
        var first = SpaceXBronze.Launch("twice");
        first["name"] = "page 1";
        var second = SpaceXBronze.Launch("twice");
        second["name"] = "page 2, first";
        var last = SpaceXBronze.Launch("twice");
        last["name"] = "page 2, second";
        last["cores"]!.AsArray().Add(last["cores"]![0]!.DeepClone());

        // When both pages are transformed in one chunk
        using var silver = Transform(
            "spacex.launches",
            bronze.Body(SpaceXBronze.Envelope(first)),
            bronze.Body(SpaceXBronze.Envelope(second, last)));

        // Then silver holds the later page's later document, and its children only
        silver.Rows("SELECT name, _bronze_key FROM spacex_launches").ShouldBe([$"page 2, second | bronze/spacex/test/all/{SpaceXBronze.RunId}-0002.json"]);
        silver.Count("spacex_launch_cores").ShouldBe(2);
        silver.Result.RowsRead.ShouldBe(3);
    }

    [SkippableFact]
    public void An_invalid_later_copy_does_not_hide_the_valid_earlier_one()
    {
        var valid = SpaceXBronze.Launch("twice");
        var invalid = SpaceXBronze.Launch("twice");
        invalid["upcoming"] = "no";

        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Array(valid, invalid)));

        silver.Count("spacex_launches").ShouldBe(1);
        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(["wrong type: upcoming is VARCHAR, expected a boolean"]);
    }

    [SkippableFact]
    public void Unknown_members_are_reported_as_drift_and_the_rows_kept()
    {
        // Given two launches with a new top-level member, one of them also with a new member in its core
        var a = SpaceXBronze.Launch("a");
        a["new_field"] = 1;
        a["cores"]![0]!["new_flag"] = true;
        var b = SpaceXBronze.Launch("b");
        b["new_field"] = "x";
        b["links"]!["new_link"] = "https://example.com";

        // When they are transformed
        using var silver = Transform("spacex.launches", bronze.Body(SpaceXBronze.Envelope(a, b, SpaceXBronze.Launch("c"))));

        // Then the new members are reported with the number of objects carrying them, and nothing is quarantined
        silver.Result.Drift.ShouldBe(
        [
            new SchemaDriftField("launches.cores[].new_flag", 1),
            new SchemaDriftField("launches.links.new_link", 1),
            new SchemaDriftField("launches.new_field", 2),
        ]);
        silver.Count("spacex_launches").ShouldBe(3);
        silver.Count("spacex_quarantine").ShouldBe(0);
    }

    [SkippableFact]
    public void Bodies_that_are_not_json_are_quarantined_whole_and_the_rest_goes_on()
    {
        // Given a chunk with a good page, a truncated page and an HTML error page
        var good = bronze.Body(SpaceXBronze.Array(SpaceXBronze.Launch("good")));
        var full = SpaceXBronze.Array(SpaceXBronze.Launch("cut"));
        var truncated = bronze.Body(full[..(full.Length / 2)]);
        var html = bronze.Body("<html><body><h1>502 Bad Gateway</h1></body></html>");

        // When it is transformed
        using var silver = Transform("spacex.launches", good, truncated, html);

        // Then each bad body is one quarantine row with DuckDB's message (naming the bronze key, not the local
        // copy) and the body itself, and the good page is in silver
        var rows = silver.Rows("SELECT reason, record, _bronze_key FROM spacex_quarantine ORDER BY _bronze_key");
        rows.Count.ShouldBe(2);
        rows[0].ShouldStartWith($"malformed JSON: Invalid Input Error: Malformed JSON in file \"{truncated.BronzeKey}\"");
        rows[0].ShouldEndWith($" | {full[..(full.Length / 2)]} | {truncated.BronzeKey}");
        rows[1].ShouldStartWith($"malformed JSON: Invalid Input Error: Malformed JSON in file \"{html.BronzeKey}\"");
        rows[1].ShouldEndWith(" | <html><body><h1>502 Bad Gateway</h1></body></html> | " + html.BronzeKey);
        rows.ShouldAllBe(r => !r.Contains(work.Path, StringComparison.Ordinal));
        silver.Rows("SELECT launch_id FROM spacex_launches").ShouldBe(["good"]);
        silver.Result.RowsRead.ShouldBe(3);
        silver.Result.RowsQuarantined.ShouldBe(2);
    }

    [Fact]
    public void A_quarantined_body_keeps_its_first_ten_thousand_characters()
    {
        var body = "<html>" + new string('x', 20_000);

        using var silver = Transform("spacex.launches", bronze.Body(body));

        silver.Rows("SELECT length(record) FROM spacex_quarantine").ShouldBe(["10000"]);
        silver.Scalar<string>("SELECT record FROM spacex_quarantine").ShouldBe(body[..10_000]);
    }

    [Theory]
    [InlineData("", "malformed JSON: the body is empty")]
    [InlineData("42", "unexpected body: a JSON value that is neither an array nor an object with a \"docs\" array")]
    [InlineData("{\"message\": \"Not Found\"}", "unexpected body: a JSON value that is neither an array nor an object with a \"docs\" array")]
    [InlineData("{\"docs\": \"none\"}", "unexpected body: a JSON value that is neither an array nor an object with a \"docs\" array")]
    public void A_body_without_documents_is_quarantined_whole(string body, string reason)
    {
        using var silver = Transform("spacex.launches", bronze.Body(body));

        silver.Rows("SELECT reason, record FROM spacex_quarantine").ShouldBe([$"{reason} | {body}"]);
        silver.Count("spacex_launches").ShouldBe(0);
    }

    [SkippableFact]
    public void Elements_that_are_not_objects_are_quarantined_one_by_one()
    {
        using var silver = Transform("spacex.launches", bronze.Body($"[\"text\", {SpaceXBronze.Launch("good").ToJsonString()}, null]"));

        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(
            ["wrong type: element 1 is not a JSON object", "wrong type: element 3 is not a JSON object"]);
        silver.Count("spacex_launches").ShouldBe(1);
    }

    [Fact]
    public void Empty_pages_give_no_rows_and_no_quarantine()
    {
        using var silver = Transform("spacex.launches", bronze.Body("[]"), bronze.Body("""{"docs": [], "totalDocs": 0}"""));

        silver.Result.Files.ShouldAllBe(f => f.Rows == 0);
        silver.Result.RowsRead.ShouldBe(0);
    }

    [SkippableFact]
    public void A_bare_array_and_an_envelope_with_pretty_printing_give_the_same_rows()
    {
        var launches = SpaceXBronze.Launches();
        using var array = Transform("spacex.launches", bronze.Body(launches.ToJsonString()));
        var pretty = JsonNode.Parse(SpaceXBronze.Envelope([.. launches.Select(l => l!)]))!
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        using var envelope = new SilverOutput(
            new SilverTransform(BuiltInSources.Catalog.Silver).Run("spacex.launches", [bronze.Body(pretty)], work.Combine("silver-envelope"), CancellationToken.None));

        foreach (var table in BuiltInSources.Catalog.Silver.TablesOf("spacex.launches"))
        {
            var columns = "* EXCLUDE (_bronze_key)";
            envelope.Rows($"SELECT {columns} FROM {table}").ShouldBe(array.Rows($"SELECT {columns} FROM {table}"), table);
        }
    }

    [SkippableFact]
    public void Every_row_carries_its_lineage_with_the_landing_time_in_utc()
    {
        var crewed = SpaceXBronze.Launch("a");
        crewed["crew"] = JsonNode.Parse("""["c-1"]""");
        var input = bronze.Body(SpaceXBronze.Array(crewed));

        using var silver = Transform("spacex.launches", input);

        // Then every table's rows name the run and the object; landed at 09:30 +02:00, i.e. 07:30 UTC
        foreach (var table in BuiltInSources.Catalog.Silver.TablesOf("spacex.launches"))
        {
            silver.Rows($"SELECT DISTINCT _run_id, _bronze_key, _landed_at::VARCHAR FROM {table}")
                .ShouldBe([$"{SpaceXBronze.RunId} | {input.BronzeKey} | 2024-05-06 07:30:00"], table);
        }
    }

    [SkippableFact]
    public void Transforming_the_same_inputs_again_gives_the_same_rows_in_the_same_order()
    {
        // Given a chunk with good, duplicate and bad documents
        var duplicate = SpaceXBronze.Launch("5eb87cd9ffd86e000604b32a");
        var bad = SpaceXBronze.Launch("bad");
        bad["net"] = "maybe";
        BronzeInput[] inputs =
        [
            bronze.Recorded("v4-launches.json"),
            bronze.Body(SpaceXBronze.Envelope(duplicate, bad)),
            bronze.Body("<html>"),
        ];

        // When it is transformed twice
        var transform = new SilverTransform(BuiltInSources.Catalog.Silver);
        using var first = new SilverOutput(transform.Run("spacex.launches", inputs, work.Combine("first"), CancellationToken.None));
        using var second = new SilverOutput(transform.Run("spacex.launches", inputs, work.Combine("second"), CancellationToken.None));

        // Then every file holds the same rows: none in one that is not in the other, and in the same order
        foreach (var (a, b) in first.Result.Files.Zip(second.Result.Files))
        {
            a.Rows.ShouldBeGreaterThan(0, a.Table);
            first.Count($"(SELECT * FROM read_parquet('{a.LocalPath}') EXCEPT ALL SELECT * FROM read_parquet('{b.LocalPath}'))").ShouldBe(0, a.Table);
            first.Count($"(SELECT * FROM read_parquet('{b.LocalPath}') EXCEPT ALL SELECT * FROM read_parquet('{a.LocalPath}'))").ShouldBe(0, a.Table);
            first.Rows($"SELECT * FROM read_parquet('{a.LocalPath}')").ShouldBe(second.Rows($"SELECT * FROM read_parquet('{b.LocalPath}')"), a.Table);
        }
    }

    [SkippableFact]
    public void Rows_are_written_in_the_order_of_their_key()
    {
        using var silver = Transform("spacex.launches", bronze.Recorded("v4-launches.json"));

        silver.Rows("SELECT launch_id FROM spacex_launches").ShouldBe(silver.Rows("SELECT launch_id FROM spacex_launches ORDER BY launch_id"));
        silver.Rows("SELECT launch_id, core_ordinal FROM spacex_launch_cores")
            .ShouldBe(silver.Rows("SELECT launch_id, core_ordinal FROM spacex_launch_cores ORDER BY launch_id, core_ordinal"));
    }

    [Theory]
    [InlineData(
        "spacex.cores",
        """{"id": "c1", "serial": "B1049", "block": 5, "status": "active", "reuse_count": 9, "rtls_attempts": 0, "rtls_landings": 0, "asds_attempts": 10, "asds_landings": 10, "last_update": "Landed on OCISLY", "launches": ["l1"]}""",
        "SELECT core_id, serial, block, status, reuse_count, asds_landings, last_update FROM spacex_cores",
        "c1 | B1049 | 5 | active | 9 | 10 | Landed on OCISLY")]
    [InlineData(
        "spacex.crew",
        """{"id": "p1", "name": "Robert Behnken", "status": "active", "agency": "NASA", "image": "https://i.imgur.com/x.png", "wikipedia": "https://en.wikipedia.org/wiki/Robert_L._Behnken", "launches": ["l1"]}""",
        "SELECT crew_id, name, status, agency, wikipedia FROM spacex_crew",
        "p1 | Robert Behnken | active | NASA | https://en.wikipedia.org/wiki/Robert_L._Behnken")]
    [InlineData(
        "spacex.capsules",
        """{"id": "d1", "serial": "C206", "status": "active", "type": "Dragon 2.0", "dragon": "x", "reuse_count": 1, "water_landings": 2, "land_landings": 0, "last_update": null, "launches": []}""",
        "SELECT capsule_id, serial, status, type, reuse_count, water_landings, land_landings, last_update FROM spacex_capsules",
        "d1 | C206 | active | Dragon 2.0 | 1 | 2 | 0 | NULL")]
    public void Resources_without_a_recording_are_typed_from_their_documented_shape(string dataset, string document, string sql, string row)
    {
        // Given a document shaped like apis.md 1.5 describes it (no response of these was recorded)
        var input = bronze.Body(SpaceXBronze.Envelope(JsonNode.Parse(document)!));

        // When it is transformed
        using var silver = Transform(dataset, input);

        // Then it is one typed row, and none of its members is unknown
        silver.Rows(sql).ShouldBe([row]);
        silver.Result.Drift.ShouldBeEmpty();
        silver.Result.RowsQuarantined.ShouldBe(0);
    }

    [SkippableFact]
    public void Other_resources_are_checked_and_their_drift_reported_the_same_way()
    {
        // Given the recorded rockets, one with a wrong type, one with a date that is no date, one with a new unit
        var rockets = JsonNode.Parse(File.ReadAllText(SpaceXBronze.Fixture("v4-rockets.json")))!.AsArray();
        rockets[0]!["stages"] = "two";
        rockets[1]!["first_flight"] = "2010-06-31";
        rockets[2]!["height"]!["cubits"] = 153;

        // When they are transformed
        using var silver = Transform("spacex.rockets", bronze.Body(rockets.ToJsonString()));

        // Then the first two are quarantined with their reasons, the others are rows, and the new unit is drift
        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(
        [
            "wrong type: stages is VARCHAR, expected an integer",
            "unparsable first_flight: \"2010-06-31\" is not a date",
        ]);
        silver.Rows("SELECT name FROM spacex_rockets").ShouldBe(["Falcon Heavy", "Starship"]);
        silver.Result.Drift.ShouldBe([new SchemaDriftField("rockets.height.cubits", 1)]);
    }

    [SkippableFact]
    public void Payload_arrays_are_checked_entry_by_entry()
    {
        var payloads = JsonNode.Parse(File.ReadAllText(SpaceXBronze.Fixture("v4-payloads.json")))!.AsArray();
        var good = payloads[4]!.DeepClone();
        var bad = payloads[4]!.DeepClone();
        bad["id"] = "bad";
        bad["norad_ids"] = JsonNode.Parse("""[33393, "33394"]""");

        using var silver = Transform("spacex.payloads", bronze.Body(SpaceXBronze.Array(good, bad)));

        // RatSat, the fifth payload of the recording: customers ["SpaceX"], norad_ids [33393]
        silver.Rows("SELECT name, customers::VARCHAR, norad_ids::VARCHAR FROM spacex_payloads").ShouldBe(["RatSat | [SpaceX] | [33393]"]);
        silver.Rows("SELECT reason FROM spacex_quarantine").ShouldBe(["wrong type: norad_ids[2] is VARCHAR, expected an integer"]);
    }

    [SkippableFact]
    public void A_cancelled_run_stops_with_operation_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var launches = bronze.Recorded("v4-launches.json");

        Should.Throw<OperationCanceledException>(
            () => new SilverTransform(BuiltInSources.Catalog.Silver).Run("spacex.launches", [launches], work.Combine("silver"), cancellation.Token));
    }

    [SkippableFact]
    public void Two_inputs_with_the_same_local_file_are_refused()
    {
        var input = bronze.Recorded("v4-launches.json");

        Should.Throw<ArgumentException>(() => new SilverTransform(BuiltInSources.Catalog.Silver).Run("spacex.launches", [input, input], work.Combine("silver"), CancellationToken.None));
    }

    private SilverOutput Transform(string dataset, params BronzeInput[] inputs) =>
        new(new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, inputs, work.Combine("silver"), CancellationToken.None));
}
