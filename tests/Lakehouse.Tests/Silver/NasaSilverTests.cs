using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// The recorded NASA responses (NeoWs feed, APOD, DONKI) transformed as they are, and bodies changed on purpose.
/// Expected numbers come from the fixture JSON, with the python3 command that gave them.
/// </summary>
public sealed class NasaSilverTests : IDisposable
{
    private const string Feed = "neo-feed-2024-03-09_2024-03-16.json";
    private const string LegacyFeed = "neo-feed-2016-11-19_2016-11-20.json";

    private readonly TempDirectory work = new();
    private readonly NasaBronze bronze;
    private int transforms;

    public NasaSilverTests() => bronze = new NasaBronze(work.Combine("bronze"));

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public void A_feed_gives_one_asteroid_and_one_typed_close_approach_per_listed_object()
    {
        // Given the feed of 2024-03-09..16 as recorded: objects under eight date keys, in no order
        var input = bronze.Recorded(Feed);

        // When it is transformed
        using var silver = Transform("nasa.neo_feed", input);

        // Then every object is an asteroid with one approach, and nothing is quarantined or unknown. python3 -c "import json;
        //   d=json.load(open('neo-feed-2024-03-09_2024-03-16.json')); n=[x for v in d['near_earth_objects'].values() for x in v];
        //   print(d['element_count'], len(n), sum(len(x['close_approach_data']) for x in n),
        //   sum(x['is_potentially_hazardous_asteroid'] for x in n))"  → 80 80 80 3
        silver.Count("nasa_asteroids").ShouldBe(80);
        silver.Count("nasa_close_approaches").ShouldBe(80);
        silver.Count("nasa_asteroids", "is_potentially_hazardous").ShouldBe(3);
        silver.Count("nasa_asteroids", "is_sentry_object").ShouldBe(0);
        silver.Count("nasa_quarantine").ShouldBe(0);
        silver.Result.RowsRead.ShouldBe(80);
        silver.Result.Drift.ShouldBeEmpty();

        // And the closest approach has its strings as numbers, its epoch as a timestamp and its full date parsed:
        // python3 min(approaches, key=float(miss_distance.kilometers)) → 54430002, 2024-Mar-12 02:11, 1710209460000,
        // 0.0042934037 au, 1.6701340393 LD, 642284.048570119 km, 19.5837740579 km/s, Earth
        silver.Rows(
            """
            SELECT asteroid_id, close_approach_at::VARCHAR, close_approach_date_full::VARCHAR, close_approach_date::VARCHAR,
                   epoch_date_close_approach, miss_distance_au, miss_distance_lunar, miss_distance_km, relative_velocity_km_s, orbiting_body
            FROM nasa_close_approaches ORDER BY miss_distance_km LIMIT 1
            """)
            .ShouldBe(["54430002 | 2024-03-12 02:11:00 | 2024-03-12 02:11:00 | 2024-03-12 | 1710209460000 | 0.0042934037 | 1.6701340393 | 642284.048570119 | 19.5837740579 | Earth"]);

        // And the first listed asteroid has its diameter in km and its magnitude (python3: the first object of '2024-03-16')
        silver.Rows("SELECT name, absolute_magnitude_h, estimated_diameter_min_km, estimated_diameter_max_km, is_potentially_hazardous FROM nasa_asteroids WHERE asteroid_id = '2527977'")
            .ShouldBe(["527977 (2008 EY68) | 22.3 | 0.0921626549 | 0.2060819612 | False"]);
    }

    [SkippableFact]
    public void A_legacy_feed_without_ids_takes_the_neo_reference_id()
    {
        // Given the 2016 feed: no id, is_sentry_object or close_approach_date_full, links.prev instead of previous
        var input = bronze.Recorded(LegacyFeed);

        // When it is transformed
        using var silver = Transform("nasa.neo_feed", input);

        // Then its 10 objects are asteroids keyed by neo_reference_id, with the missing members null, and no drift.
        // python3: element_count 10; hazardous 2; 2068950 approached at epoch 1479542400000 = 2016-11-19 08:00 UTC
        silver.Count("nasa_asteroids").ShouldBe(10);
        silver.Count("nasa_asteroids", "asteroid_id = neo_reference_id").ShouldBe(10);
        silver.Count("nasa_asteroids", "is_potentially_hazardous").ShouldBe(2);
        silver.Count("nasa_asteroids", "is_sentry_object IS NULL").ShouldBe(10);
        silver.Count("nasa_close_approaches", "close_approach_date_full IS NULL").ShouldBe(10);
        silver.Rows("SELECT close_approach_at::VARCHAR FROM nasa_close_approaches WHERE asteroid_id = '2068950'")
            .ShouldBe(["2016-11-19 08:00:00"]);
        silver.Count("nasa_quarantine").ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
    }

    [SkippableFact]
    public void An_asteroid_with_a_wrong_type_or_no_id_is_quarantined_with_its_reason()
    {
        // Given a feed with a good asteroid and, for each case, a copy of it changed by hand
        var good = FirstAsteroid();
        (string Reason, Action<JsonObject> Change)[] cases =
        [
            ("wrong type: absolute_magnitude_h is VARCHAR, expected a number", a => a["absolute_magnitude_h"] = "22.3"),
            ("missing id", a => { a.Remove("id"); a.Remove("neo_reference_id"); }),
            ("wrong type: close_approach_data[1].miss_distance.kilometers is VARCHAR, expected a number",
                a => a["close_approach_data"]![0]!["miss_distance"]!["kilometers"] = "far"),
            ("missing close_approach_data[1].epoch_date_close_approach", a => a["close_approach_data"]![0]!.AsObject().Remove("epoch_date_close_approach")),
            ("unparsable close_approach_data[1].close_approach_date_full: \"2024-13-99 25:00\" is not a timestamp",
                a => a["close_approach_data"]![0]!["close_approach_date_full"] = "2024-13-99 25:00"),
            ("wrong type: is_potentially_hazardous_asteroid is VARCHAR, expected a boolean", a => a["is_potentially_hazardous_asteroid"] = "no"),
        ];
        var bad = cases.Select((c, i) =>
        {
            var asteroid = good.DeepClone().AsObject();
            asteroid["id"] = $"bad-{i}";
            asteroid["neo_reference_id"] = $"bad-{i}";
            c.Change(asteroid);
            return (JsonNode)asteroid;
        }).ToArray();
        var input = bronze.Body(FeedBody(("2024-03-16", [good, .. bad])));

        // When it is transformed
        using var silver = Transform("nasa.neo_feed", input);

        // Then each changed asteroid is quarantined whole, with its reason and as received; the good one is in silver
        silver.Rows("SELECT reason FROM nasa_quarantine").ShouldBe(cases.Select(c => c.Reason).ToList());
        silver.Rows("SELECT DISTINCT dataset FROM nasa_quarantine").ShouldBe(["neo_feed"]);
        JsonNode.DeepEquals(JsonNode.Parse(silver.Rows("SELECT record FROM nasa_quarantine")[0]), bad[0]).ShouldBeTrue();
        silver.Rows("SELECT asteroid_id FROM nasa_asteroids").ShouldBe(["2527977"]);
        silver.Rows("SELECT asteroid_id FROM nasa_close_approaches").ShouldBe(["2527977"]);
        silver.Result.RowsQuarantined.ShouldBe(cases.Length);
    }

    [SkippableFact]
    public void A_feed_entry_that_is_not_an_object_is_quarantined_and_its_neighbours_are_kept()
    {
        // Given a feed whose second date lists a number between two asteroids
        var first = FirstAsteroid();
        var second = FirstAsteroid();
        second["id"] = "second";
        second["neo_reference_id"] = "second";
        var input = bronze.Body(FeedBody(("2024-03-15", [first]), ("2024-03-16", [second, JsonValue.Create(42), second.DeepClone()])));

        // When it is transformed
        using var silver = Transform("nasa.neo_feed", input);

        // Then the number is quarantined by its position in the flattened feed, and both asteroids are rows
        silver.Rows("SELECT reason FROM nasa_quarantine").ShouldBe(["wrong type: element 3 is not a JSON object"]);
        silver.Rows("SELECT asteroid_id FROM nasa_asteroids").ShouldBe(["2527977", "second"]);
    }

    [SkippableFact]
    public void A_neows_error_body_is_quarantined_whole()
    {
        // Given the recorded NeoWs 404 body ({"code": 404, "http_error": ..., "error_message": ...})
        var input = bronze.Recorded("error-neows-404-2016.json");

        // When it is transformed
        using var silver = Transform("nasa.neo_feed", input);

        // Then it is one quarantined record holding the body, and no asteroid
        silver.Count("nasa_asteroids").ShouldBe(0);
        silver.Rows("SELECT starts_with(reason, 'unexpected body'), contains(record, 'NOT_FOUND') FROM nasa_quarantine").ShouldBe(["True | True"]);
    }

    [SkippableFact]
    public void An_asteroid_seen_again_in_a_later_landing_is_one_row_with_the_later_values()
    {
        // Given the same asteroid landed twice in one chunk, the later landing with a revised magnitude, plus a new
        // member that silver does not know
        var first = FirstAsteroid();
        var revised = first.DeepClone().AsObject();
        revised["absolute_magnitude_h"] = 21.9;
        revised["orbit_class"] = "Apollo";
        var inputs = new[] { bronze.Body(FeedBody(("2024-03-16", [first]))), bronze.Body(FeedBody(("2024-03-16", [revised]))) };

        // When they are transformed together
        using var silver = Transform("nasa.neo_feed", inputs);

        // Then one asteroid row and one approach row remain, from the later landing, and the new member is drift
        silver.Rows("SELECT absolute_magnitude_h, _bronze_key FROM nasa_asteroids").ShouldBe([$"21.9 | {inputs[1].BronzeKey}"]);
        silver.Rows("SELECT _bronze_key FROM nasa_close_approaches").ShouldBe([inputs[1].BronzeKey]);
        silver.Result.Drift.ShouldBe([new SchemaDriftField("neo_feed.orbit_class", 1)]);
    }

    [SkippableFact]
    public void An_apod_range_gives_one_row_per_day_with_its_media_type()
    {
        // Given the APOD range 2022-02-01..13 with thumbs=true
        var input = bronze.Recorded("apod-2022-02-01_2022-02-13-thumbs.json");

        // When it is transformed
        using var silver = Transform("nasa.apod", input);

        // Then 13 days: 11 images with hdurl, 2 videos with a thumbnail, 7 with a copyright. python3 -c "import json,
        //   collections; a=json.load(open('apod-2022-02-01_2022-02-13-thumbs.json')); print(len(a),
        //   collections.Counter(x['media_type'] for x in a), sum('hdurl' in x for x in a),
        //   sum('thumbnail_url' in x for x in a), sum('copyright' in x for x in a))"  → 13 image 11 video 2 11 2 7
        silver.Count("nasa_apod").ShouldBe(13);
        silver.Rows("SELECT media_type, count(*) FROM nasa_apod GROUP BY ALL ORDER BY ALL").ShouldBe(["image | 11", "video | 2"]);
        silver.Count("nasa_apod", "hdurl IS NOT NULL").ShouldBe(11);
        silver.Count("nasa_apod", "thumbnail_url IS NOT NULL AND media_type = 'video'").ShouldBe(2);
        silver.Count("nasa_apod", "copyright IS NOT NULL").ShouldBe(7);
        silver.Rows("SELECT copyright FROM nasa_apod WHERE apod_date = DATE '2022-02-03'").ShouldBe(["Juan Luis Cánovas Pérez"]);
        silver.Count("nasa_quarantine").ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
    }

    [SkippableFact]
    public void A_single_day_apod_object_is_one_row_and_a_copyright_is_trimmed()
    {
        // Given the single-day form (an object, not an array), and a day whose credit has stray line breaks
        var single = bronze.Recorded("apod-2025-08-22.json");
        var day = NasaBronze.Parse("apod-2025-08-22.json").AsObject();
        day["date"] = "2025-08-23";
        day["copyright"] = "\n Kent\n Biggs \n";
        var messy = bronze.Body(day);

        // When they are transformed
        using var silver = Transform("nasa.apod", single, messy);

        // Then each is one row (python3: date 2025-08-22, "A Tale of Two Nebulae", image, "Kent Biggs")
        silver.Rows("SELECT apod_date::VARCHAR, title, media_type, copyright FROM nasa_apod ORDER BY apod_date")
            .ShouldBe(["2025-08-22 | A Tale of Two Nebulae | image | Kent Biggs", "2025-08-23 | A Tale of Two Nebulae | image | Kent Biggs"]);
        silver.Count("nasa_quarantine").ShouldBe(0);
    }

    [SkippableFact]
    public void Apod_days_without_a_readable_date_and_error_bodies_are_quarantined()
    {
        // Given a range with one day whose date is not a date, and an APOD error body
        var days = NasaBronze.Parse("apod-2022-02-01_2022-02-13-thumbs.json").AsArray();
        days[0]!["date"] = "Feb 1st";
        var range = bronze.Body(days);
        var error = bronze.Body("""{"code": 400, "msg": "Date must be between Jun 16, 1995 and Aug 22, 2025.", "service_version": "v1"}""");

        // When they are transformed
        using var silver = Transform("nasa.apod", range, error);

        // Then both are quarantined with their reasons and the other 12 days are rows
        silver.Rows("SELECT reason FROM nasa_quarantine")
            .ShouldBe(["unparsable date: \"Feb 1st\" is not a date", "missing date"]);
        silver.Count("nasa_apod").ShouldBe(12);
    }

    [SkippableFact]
    public void A_donki_month_gives_events_analyses_kp_indexes_and_linked_events()
    {
        // Given May 2024 of each DONKI kind
        // When each is transformed
        using var cme = Transform("nasa.donki_cme", bronze.Recorded("donki-cme-2024-05-01_2024-05-31.json"));
        using var flr = Transform("nasa.donki_flr", bronze.Recorded("donki-flr-2024-05-01_2024-05-31.json"));
        using var gst = Transform("nasa.donki_gst", bronze.Recorded("donki-gst-2024-05-01_2024-05-31.json"));

        // Then the counts are the JSON's. python3 -c "import json; d=json.load(open('donki-cme-2024-05-01_2024-05-31.json'));
        //   print(len(d), sum(len(e['cmeAnalyses'] or []) for e in d), sum(len(e['linkedEvents'] or []) for e in d),
        //   sum(e['sourceLocation']=='' for e in d), sum(a['isMostAccurate'] for e in d for a in e['cmeAnalyses'] or []))"
        //   → 144 181 106 68 162; FLR: 179 flares, 100 links, classes M 155, X 21, C 3; GST: 5 storms, 20 Kp readings, 12 links
        cme.Count("nasa_donki_cme").ShouldBe(144);
        cme.Count("nasa_donki_cme_analyses").ShouldBe(181);
        cme.Count("nasa_donki_cme_analyses", "is_most_accurate").ShouldBe(162);
        cme.Count("nasa_donki_cme_linked_events").ShouldBe(106);
        cme.Count("nasa_donki_cme", "source_location IS NULL").ShouldBe(68);
        cme.Rows("SELECT start_time::VARCHAR, version_id, instruments::VARCHAR FROM nasa_donki_cme WHERE activity_id = '2024-05-01T00:48:00-CME-001'")
            .ShouldBe(["2024-05-01 00:48:00 | 1 | ['SOHO: LASCO/C2', 'SOHO: LASCO/C3', 'STEREO A: SECCHI/COR2']"]);
        flr.Count("nasa_donki_flr").ShouldBe(179);
        flr.Count("nasa_donki_flr_linked_events").ShouldBe(100);
        flr.Rows("SELECT class_letter, count(*) FROM nasa_donki_flr GROUP BY ALL ORDER BY ALL").ShouldBe(["C | 3", "M | 155", "X | 21"]);
        flr.Rows("SELECT class_type, class_letter, class_magnitude FROM nasa_donki_flr WHERE flr_id = '2024-05-01T14:17:00-FLR-001'")
            .ShouldBe(["M1.8 | M | 1.8"]);
        gst.Count("nasa_donki_gst").ShouldBe(5);
        gst.Count("nasa_donki_gst_kp_index").ShouldBe(20);
        gst.Count("nasa_donki_gst_linked_events").ShouldBe(12);

        // And the Kp maximum per storm (python3: max(k['kpIndex'] for k in e['allKpIndex']) → 6.67, 9.0, 6.33, 6.0, 6.0)
        gst.Rows("SELECT kp_index_max FROM nasa_donki_gst ORDER BY gst_id").ShouldBe(["6.67", "9", "6.33", "6", "6"]);
        new[] { cme, flr, gst }.ShouldAllBe(s => s.Result.RowsQuarantined == 0 && s.Result.Drift.Count == 0);
    }

    [SkippableFact]
    public void An_empty_donki_window_is_no_rows_and_no_quarantine_whether_it_is_an_empty_array_or_no_body()
    {
        // Given November 2024's GST as recorded ([]) and a response with no body at all
        var emptyArray = bronze.Recorded("donki-gst-2024-11-01_2024-11-30.json");
        var noBody = bronze.Body(string.Empty);

        // When they are transformed
        using var silver = Transform("nasa.donki_gst", emptyArray, noBody);

        // Then nothing is read and nothing is quarantined
        silver.Count("nasa_donki_gst").ShouldBe(0);
        silver.Count("nasa_quarantine").ShouldBe(0);
        silver.Result.RowsRead.ShouldBe(0);
    }

    [Fact]
    public void An_html_error_page_in_donki_bronze_is_quarantined_whole()
    {
        // Given a 503 page of the gateway landed as a body
        var html = bronze.Body("<!DOCTYPE html><html><head><title>Application Error</title></head><body></body></html>");

        // When it is transformed
        using var silver = Transform("nasa.donki_flr", html);

        // Then it is one quarantined record that starts with the page
        silver.Count("nasa_donki_flr").ShouldBe(0);
        silver.Rows("SELECT starts_with(record, '<!DOCTYPE html>'), starts_with(reason, 'malformed JSON') FROM nasa_quarantine").ShouldBe(["True | True"]);
    }

    [SkippableFact]
    public void Of_a_donki_event_landed_twice_the_higher_version_wins_even_when_landed_first()
    {
        // Given a flare revised to version 3 landed before the recorded month (where it has version 2), and a CME
        // landed twice with the same version, the later one with another note
        var flares = NasaBronze.Parse("donki-flr-2024-05-01_2024-05-31.json").AsArray();
        var revised = flares[0]!.DeepClone();
        revised["versionId"] = 3;
        revised["classType"] = "X1.0";
        var flrInputs = new[] { bronze.Body(new JsonArray(revised)), bronze.Recorded("donki-flr-2024-05-01_2024-05-31.json") };
        var cme = NasaBronze.Parse("donki-cme-2024-05-01_2024-05-31.json")[0]!;
        var renoted = cme.DeepClone();
        renoted["note"] = "revised without a new version";
        var cmeInputs = new[] { bronze.Body(new JsonArray(cme.DeepClone())), bronze.Body(new JsonArray(renoted)) };

        // When each is transformed
        using var flr = Transform("nasa.donki_flr", flrInputs);
        using var cmes = Transform("nasa.donki_cme", cmeInputs);

        // Then the flare is version 3 from the first body, once; the CME is the later landing
        flr.Count("nasa_donki_flr").ShouldBe(179);
        flr.Rows("SELECT version_id, class_type, _bronze_key FROM nasa_donki_flr WHERE flr_id = '2024-05-01T14:17:00-FLR-001'")
            .ShouldBe([$"3 | X1.0 | {flrInputs[0].BronzeKey}"]);
        cmes.Rows("SELECT note FROM nasa_donki_cme").ShouldBe(["revised without a new version"]);
        cmes.Count("nasa_donki_cme_analyses").ShouldBe(1);
    }

    [SkippableFact]
    public void Donki_events_with_a_wrong_type_or_no_id_are_quarantined()
    {
        // Given storms changed by hand: no gstID, a Kp index as a string, a linked event without its id
        var storm = NasaBronze.Parse("donki-gst-2024-05-01_2024-05-31.json")[0]!;
        var noId = storm.DeepClone();
        noId.AsObject().Remove("gstID");
        var textKp = storm.DeepClone();
        textKp["gstID"] = "kp-as-text";
        textKp["allKpIndex"]![0]!["kpIndex"] = "6.67";
        var badLink = storm.DeepClone();
        badLink["gstID"] = "bad-link";
        badLink["linkedEvents"] = new JsonArray(new JsonObject { ["id"] = "x" });
        var input = bronze.Body(new JsonArray(storm.DeepClone(), noId, textKp, badLink));

        // When they are transformed
        using var silver = Transform("nasa.donki_gst", input);

        // Then each bad storm is quarantined with its reason, and the good one is a row
        silver.Rows("SELECT reason FROM nasa_quarantine").ShouldBe(
        [
            "missing gstID",
            "wrong type: allKpIndex[1].kpIndex is VARCHAR, expected a number",
            "missing linkedEvents[1].activityID",
        ]);
        silver.Count("nasa_donki_gst").ShouldBe(1);
    }

    [Fact]
    public void Every_nasa_table_file_has_the_schema_of_the_silver_tables()
    {
        // Given every NASA dataset transformed from no input at all
        var schemas = new StringBuilder();
        var seen = new HashSet<string>();
        foreach (var dataset in BuiltInSources.Catalog.Silver.Datasets.Where(d => d.StartsWith("nasa.", StringComparison.Ordinal)))
        {
            using var silver = Transform(dataset);

            // Then each table is still written, empty, with its columns and types
            foreach (var file in silver.Result.Files.Where(f => seen.Add(f.Table)))
            {
                file.Rows.ShouldBe(0);
                schemas.Append("## ").Append(file.Table).Append('\n');
                foreach (var column in silver.Rows($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {file.Table})"))
                {
                    schemas.Append(column).Append('\n');
                }
            }
        }

        Snapshot.Match(schemas.ToString(), "silver-nasa-parquet-schemas");
    }

    private static JsonObject FirstAsteroid() =>
        NasaBronze.Parse(Feed)["near_earth_objects"]!["2024-03-16"]![0]!.DeepClone().AsObject();

    private static JsonObject FeedBody(params (string Date, JsonNode[] Asteroids)[] dates)
    {
        var byDate = new JsonObject();
        foreach (var (date, asteroids) in dates)
        {
            byDate[date] = new JsonArray([.. asteroids.Select(a => a.DeepClone())]);
        }

        return new JsonObject
        {
            ["links"] = new JsonObject { ["self"] = "http://api.nasa.gov/neo/rest/v1/feed?api_key=REDACTED" },
            ["element_count"] = dates.Sum(d => d.Asteroids.Length),
            ["near_earth_objects"] = byDate,
        };
    }

    private SilverOutput Transform(string dataset, params BronzeInput[] inputs) =>
        new(new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, inputs, work.Combine("silver", $"{++transforms}"), CancellationToken.None));
}
