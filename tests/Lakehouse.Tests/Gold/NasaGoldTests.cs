using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Gold;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Tests.Gold;

/// <summary>
/// Gold built once from the recorded NASA responses, each transformed to silver by the real transform, chunk by
/// chunk as the pipeline would: the March 2024 feed landed twice (a re-read window), the legacy 2016 feed, the APOD
/// range, and April and May 2024 of each DONKI kind, plus an empty November for GST and a flare revised to version 3
/// that was landed before May's month was.
/// </summary>
public sealed class NasaGold : IAsyncLifetime, IDisposable
{
    public const string RevisedFlare = "2024-05-01T14:17:00-FLR-001";

    private readonly TempDirectory folder = new();
    private readonly Dictionary<string, List<string>> files = new(StringComparer.Ordinal);
    private int chunks;

    public string Path { get; private set; } = string.Empty;

    /// <summary>The bronze key of the second landing of the March 2024 feed.</summary>
    public string SecondFeedLanding { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var bronze = new NasaBronze(folder.Combine("bronze"));
        Transform("nasa.neo_feed", bronze.Recorded("neo-feed-2024-03-09_2024-03-16.json"));
        var again = bronze.Recorded("neo-feed-2024-03-09_2024-03-16.json");
        SecondFeedLanding = again.BronzeKey;
        Transform("nasa.neo_feed", again);
        Transform("nasa.neo_feed", bronze.Recorded("neo-feed-2016-11-19_2016-11-20.json"));
        Transform("nasa.apod", bronze.Recorded("apod-2022-02-01_2022-02-13-thumbs.json"));

        var revised = NasaBronze.Parse("donki-flr-2024-05-01_2024-05-31.json")[0]!.DeepClone();
        revised["versionId"] = 3;
        revised["classType"] = "X1.0";
        Transform("nasa.donki_flr", bronze.Body(new JsonArray(revised)));
        foreach (var month in new[] { "2024-04-01_2024-04-30", "2024-05-01_2024-05-31" })
        {
            Transform("nasa.donki_cme", bronze.Recorded($"donki-cme-{month}.json"));
            Transform("nasa.donki_flr", bronze.Recorded($"donki-flr-{month}.json"));
            Transform("nasa.donki_gst", bronze.Recorded($"donki-gst-{month}.json"));
        }

        Transform("nasa.donki_gst", bronze.Recorded("donki-gst-2024-11-01_2024-11-30.json"));

        Path = folder.Combine("gold", "lakehouse.duckdb");
        var builder = new StarSchemaBuilder(BuiltInSources.Catalog, TimeProvider.System, NullLogger<StarSchemaBuilder>.Instance);
        await builder.BuildAsync(
            Path,
            files.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal),
            BuiltInSources.Catalog.Silver.AllSchemasSql(),
            [],
            "fp-nasa",
            CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => folder.Dispose();

    private void Transform(string dataset, BronzeInput input)
    {
        var result = new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, [input], folder.Combine("silver", $"{++chunks}"), CancellationToken.None);
        result.RowsQuarantined.ShouldBe(0);
        foreach (var file in result.Files)
        {
            if (!files.TryGetValue(file.Table, out var paths))
            {
                files[file.Table] = paths = [];
            }

            paths.Add(file.LocalPath);
        }
    }
}

public sealed class NasaGoldTests(NasaGold built) : IClassFixture<NasaGold>, IDisposable
{
    private const string March2024 = "date_key BETWEEN 20240309 AND 20240316";

    private readonly GoldFile gold = GoldFile.Open(built.Path);

    public void Dispose() => gold.Dispose();

    [SkippableFact]
    public void A_feed_window_gives_its_element_count_of_close_approaches_its_hazardous_count_and_its_closest_miss()
    {
        // Given the feed of 2024-03-09..16 landed twice, and the 2016 feed
        // Then the window's approaches are element_count, once each, from the newer landing; 3 hazardous; the
        // closest at 642284.048570119 km. python3 -c "import json; d=json.load(open('neo-feed-2024-03-09_2024-03-16.json'));
        //   n=[x for v in d['near_earth_objects'].values() for x in v]; c=[a for x in n for a in x['close_approach_data']];
        //   print(d['element_count'], sum(x['is_potentially_hazardous_asteroid'] for x in n),
        //   min(float(a['miss_distance']['kilometers']) for a in c))"  → 80 3 642284.048570119
        gold.Scalar<long>($"SELECT count(*) FROM fact_close_approach WHERE {March2024}").ShouldBe(80);
        gold.Scalar<long>($"SELECT count(*) FROM fact_close_approach WHERE {March2024} AND is_potentially_hazardous").ShouldBe(3);
        gold.Scalar<double>($"SELECT min(miss_distance_km) FROM fact_close_approach WHERE {March2024}").ShouldBe(642284.048570119);
        gold.Rows($"SELECT DISTINCT _bronze_key FROM fact_close_approach WHERE {March2024}")
            .Select(r => r["_bronze_key"]).ShouldBe([built.SecondFeedLanding]);

        // And the 2016 feed adds its 10 (element_count), no asteroid is unknown, and none is a sentry object
        gold.Scalar<long>("SELECT count(*) FROM fact_close_approach").ShouldBe(90);
        gold.Scalar<long>("SELECT count(*) FROM fact_close_approach WHERE date_key BETWEEN 20161119 AND 20161120").ShouldBe(10);
        gold.Scalar<long>("SELECT count(*) FROM fact_close_approach WHERE asteroid_key = -1 OR is_sentry_object").ShouldBe(0);
    }

    [SkippableFact]
    public void Asteroids_get_a_size_band_from_their_estimated_diameter()
    {
        // Given the March 2024 asteroids: midpoint of estimated_diameter.kilometers min/max, in metres, banded
        // (python3 over the feed: Counter(band((min+max)/2*1000)) → 25-140 m 41, 140 m-1 km 21, under 25 m 18)
        var bands = gold.Rows(
            $"""
            SELECT size_band, count(*) AS asteroids FROM dim_asteroid
            WHERE asteroid_key IN (SELECT asteroid_key FROM fact_close_approach WHERE {March2024})
            GROUP BY ALL ORDER BY ALL
            """);

        bands.Select(b => $"{b["size_band"]}: {b["asteroids"]}").ShouldBe(["140 m-1 km: 21", "25-140 m: 41", "under 25 m: 18"]);

        // And the 2016 asteroid 2068950 (1.39-3.12 km) is over 1 km, and the unknown asteroid is there
        gold.Scalar<string>("SELECT size_band FROM dim_asteroid WHERE asteroid_id = '2068950'").ShouldBe("over 1 km");
        gold.Scalar<string>("SELECT size_band FROM dim_asteroid WHERE asteroid_key = -1").ShouldBe("Unknown");
    }

    [SkippableFact]
    public void The_risk_score_follows_its_documented_formula()
    {
        // Given the documented formula, computed with python3 over the March 2024 feed:
        //   40*clamp(log10(d_m/10)/3) + 35*clamp(1-log10(1+lunar)/log10(101)) + 15*clamp(km_s/40) + 10*hazardous
        //   → 54430002 (30.1 m, 1.67 LD, 19.58 km/s): 41.3; the highest, 3712670: 43.2; the lowest, 54100196: 5.6
        gold.Scalar<double>("SELECT risk_score FROM fact_close_approach WHERE asteroid_id = '54430002'").ShouldBe(41.3);
        gold.Rows($"SELECT asteroid_id, risk_score FROM fact_close_approach WHERE {March2024} ORDER BY risk_score DESC LIMIT 1")
            .Single()["asteroid_id"].ShouldBe("3712670");
        gold.Scalar<double>($"SELECT max(risk_score) FROM fact_close_approach WHERE {March2024}").ShouldBe(43.2);
        gold.Scalar<double>($"SELECT min(risk_score) FROM fact_close_approach WHERE {March2024}").ShouldBe(5.6);
        gold.Scalar<long>("SELECT count(*) FROM fact_close_approach WHERE risk_score NOT BETWEEN 0 AND 100").ShouldBe(0);
    }

    [SkippableFact]
    public void Space_weather_events_are_counted_per_kind_with_the_newest_version_of_each()
    {
        // Given April and May 2024 of each DONKI kind. python3: events per kind with their start in May 2024 →
        //   CME 144, FLR 179, GST 5; all events of both months (no id in both): 527
        var may = gold.Rows(
            "SELECT event_kind, count(*) AS events FROM fact_space_weather_event WHERE date_key BETWEEN 20240501 AND 20240531 GROUP BY ALL ORDER BY ALL");

        may.Select(r => $"{r["event_kind"]}: {r["events"]}").ShouldBe(["CME: 144", "FLR: 179", "GST: 5"]);
        gold.Scalar<long>("SELECT count(*) FROM fact_space_weather_event").ShouldBe(527);

        // And the flare landed as version 3 before May's month (version 2) was landed is version 3, once
        gold.Single($"SELECT version_id, flare_class, flare_class_letter, flare_class_magnitude FROM fact_space_weather_event WHERE event_id = '{NasaGold.RevisedFlare}'")
            .Values.ShouldBe([3, "X1.0", "X", 1.0]);

        // And storms carry their Kp maximum (python3: 2024-05-10T15:00:00-GST-001 → 9.0)
        gold.Scalar<double>("SELECT kp_index_max FROM fact_space_weather_event WHERE event_id = '2024-05-10T15:00:00-GST-001'").ShouldBe(9.0);
    }

    [SkippableFact]
    public void Linked_events_resolve_when_loaded_and_keep_the_unknown_member_otherwise()
    {
        // Given the events' linkedEvents. python3 over April + May of the three kinds: 282 links, 166 of them to an
        // event of those files; the others point at kinds gold does not load (SEP 70, IPS 32, RBE 8, MPC 6) or at
        // events outside the windows
        gold.Scalar<long>("SELECT count(*) FROM bridge_event_link").ShouldBe(282);
        gold.Scalar<long>("SELECT count(*) FROM bridge_event_link WHERE linked_event_key <> -1").ShouldBe(166);
        gold.Scalar<long>("SELECT count(*) FROM bridge_event_link WHERE is_linked_event_loaded <> (linked_event_key <> -1)").ShouldBe(0);

        // Then both sides of a resolved link are events of the fact, and the unresolved keep the linked id and kind
        gold.Scalar<long>(
            """
            SELECT count(*) FROM bridge_event_link AS b
            ANTI JOIN fact_space_weather_event AS f ON f.event_key = b.linked_event_key
            WHERE b.linked_event_key <> -1
            """).ShouldBe(0);
        gold.Scalar<long>("SELECT count(*) FROM bridge_event_link WHERE linked_event_kind = 'SEP' AND linked_event_key = -1").ShouldBe(70);
        gold.Scalar<long>("SELECT sum(linked_event_count) FROM fact_space_weather_event").ShouldBe(282);
    }

    [SkippableFact]
    public void Apod_days_have_their_media_type_and_the_calendar_covers_every_nasa_date()
    {
        // python3 -c "import json,collections; a=json.load(open('apod-2022-02-01_2022-02-13-thumbs.json'));
        //   print(len(a), collections.Counter(x['media_type'] for x in a))"  → 13 image 11 video 2
        gold.Scalar<long>("SELECT count(*) FROM fact_apod").ShouldBe(13);
        gold.Rows("SELECT m.media_type, count(*) AS days FROM fact_apod JOIN dim_media_type AS m USING (media_type_key) GROUP BY ALL ORDER BY ALL")
            .Select(r => $"{r["media_type"]}: {r["days"]}").ShouldBe(["image: 11", "video: 2"]);
        gold.Rows("SELECT media_type FROM dim_media_type ORDER BY media_type").Select(r => r["media_type"]).ShouldBe(["Unknown", "image", "video"]);

        // And dim_date spans whole years from the first NASA date (2016) to the last (2024), plus the unknown date
        gold.Scalar<long>("SELECT count(*) FROM dim_date WHERE date_key IN (20161119, 20220201, 20240312, 20240510)").ShouldBe(4);
        gold.Scalar<long>("SELECT count(*) FROM dim_date").ShouldBe((new DateOnly(2025, 1, 1).DayNumber - new DateOnly(2016, 1, 1).DayNumber) + 1);
    }

    [SkippableFact]
    public void Every_nasa_gold_table_has_its_documented_columns()
    {
        var description = new StringBuilder();
        foreach (var table in BuiltInSources.Catalog.Gold.Where(m => m.Folder == "nasa").Select(m => m.Name).Order(StringComparer.Ordinal))
        {
            description.Append(table).Append('\n');
            foreach (var column in gold.Rows($"DESCRIBE {table}"))
            {
                description.Append($"  {column["column_name"]} {column["column_type"]}\n");
            }
        }

        Snapshot.Match(description.ToString(), "gold-describe-nasa");
    }
}

public sealed class NasaGoldModelsTests
{
    [Fact]
    public void The_nasa_models_are_the_nasa_star_and_the_calendar_reads_their_dates()
    {
        BuiltInSources.Catalog.Gold.Where(m => m.Folder == "nasa").Select(m => m.Name).Order(StringComparer.Ordinal).ShouldBe(
        [
            "bridge_event_link", "dim_asteroid", "dim_media_type", "fact_apod", "fact_close_approach", "fact_space_weather_event",
        ]);
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "dim_date").DependsOn
            .ShouldBe(["fact_apod", "fact_close_approach", "fact_game", "fact_launch", "fact_space_weather_event"], ignoreOrder: true);
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "fact_close_approach").Tests.OfType<RelationshipsTest>()
            .Select(t => $"{t.Column}->{t.TargetModel}.{t.TargetColumn}")
            .ShouldBe(["asteroid_key->dim_asteroid.asteroid_key", "date_key->dim_date.date_key"]);
    }

    [Fact]
    public async Task Without_nasa_silver_the_nasa_tables_hold_only_their_unknown_members()
    {
        // Given no silver file at all
        using var folder = new TempDirectory();
        var path = folder.Combine("gold.duckdb");
        var builder = new StarSchemaBuilder(BuiltInSources.Catalog, TimeProvider.System, NullLogger<StarSchemaBuilder>.Instance);

        // When gold is built
        var result = await builder.BuildAsync(
            path, new Dictionary<string, IReadOnlyList<string>>(), BuiltInSources.Catalog.Silver.AllSchemasSql(), [], "none", CancellationToken.None);

        // Then it is published with the data tests passing: facts and bridges empty, dimensions only unknown
        result.RowsPerTable["fact_close_approach"].ShouldBe(0);
        result.RowsPerTable["fact_apod"].ShouldBe(0);
        result.RowsPerTable["fact_space_weather_event"].ShouldBe(0);
        result.RowsPerTable["bridge_event_link"].ShouldBe(0);
        result.RowsPerTable["dim_asteroid"].ShouldBe(1);
        result.RowsPerTable["dim_media_type"].ShouldBe(1);
    }
}
