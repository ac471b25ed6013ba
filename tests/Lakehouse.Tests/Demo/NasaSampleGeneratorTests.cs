using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Demo;

public sealed class NasaSampleGeneratorTests
{
    private static readonly DateOnly Monday = new(2024, 3, 4);

    [Fact]
    public void The_same_seed_gives_the_same_bodies_and_another_seed_other_ones()
    {
        var sunday = Monday.AddDays(6);
        new NasaSampleGenerator(1).Feed(Monday, sunday, "k").ShouldBe(new NasaSampleGenerator(1).Feed(Monday, sunday, "k"));
        new NasaSampleGenerator(1).Donki(DonkiKind.Cme, Monday, sunday).ShouldBe(new NasaSampleGenerator(1).Donki(DonkiKind.Cme, Monday, sunday));
        new NasaSampleGenerator(1).Feed(Monday, sunday, "k").ShouldNotBe(new NasaSampleGenerator(2).Feed(Monday, sunday, "k"));
    }

    [Fact]
    public void A_feed_is_shaped_like_NeoWs_with_element_count_equal_to_its_objects()
    {
        // Given a week of generated feed for a key
        var body = new NasaSampleGenerator(3).Feed(Monday, Monday.AddDays(6), "the-key");

        using var feed = JsonDocument.Parse(body);
        var root = feed.RootElement;
        var days = root.GetProperty("near_earth_objects").EnumerateObject().ToList();
        var objects = days.SelectMany(d => d.Value.EnumerateArray().Select(o => (Day: d.Name, Neo: o))).ToList();

        // Then every date of the window is a key, and element_count counts the objects
        days.Select(d => d.Name).Order().ShouldBe(Enumerable.Range(0, 7).Select(i => Monday.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        root.GetProperty("element_count").GetInt32().ShouldBe(objects.Count);
        objects.Count.ShouldBeInRange(7 * 15, 7 * 25);

        // And the key is echoed into the links, as the real API does
        root.GetProperty("links").GetProperty("self").GetString().ShouldEndWith("&api_key=the-key");
        objects.ShouldAllBe(o => o.Neo.GetProperty("links").GetProperty("self").GetString()!.EndsWith("?api_key=the-key", StringComparison.Ordinal));

        foreach (var (day, neo) in objects)
        {
            // And numbers come as strings that parse, and the epoch milliseconds fall on the listed day
            neo.GetProperty("id").GetString().ShouldBe(neo.GetProperty("neo_reference_id").GetString());
            var approach = neo.GetProperty("close_approach_data").EnumerateArray().Single();
            approach.GetProperty("close_approach_date").GetString().ShouldBe(day);
            double.Parse(approach.GetProperty("miss_distance").GetProperty("kilometers").GetString()!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
            double.Parse(approach.GetProperty("relative_velocity").GetProperty("kilometers_per_second").GetString()!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
            var at = DateTimeOffset.FromUnixTimeMilliseconds(approach.GetProperty("epoch_date_close_approach").GetInt64());
            at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture).ShouldBe(day);
            DateTime.ParseExact(approach.GetProperty("close_approach_date_full").GetString()!, "yyyy-MMM-dd HH:mm", CultureInfo.InvariantCulture)
                .ShouldBe(at.UtcDateTime);
            neo.GetProperty("is_sentry_object").GetBoolean().ShouldBe(Has(neo, "sentry_data"));
        }
    }

    [Fact]
    public void Over_a_year_hazards_are_few_sentry_objects_rare_and_most_approaches_are_to_Earth()
    {
        var generator = new NasaSampleGenerator(5);
        var neos = generator.FeedWeeks(new DateOnly(2023, 1, 2), new DateOnly(2023, 12, 31), "k")
            .SelectMany(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("near_earth_objects").EnumerateObject().SelectMany(d => d.Value.EnumerateArray()))
            .ToList();

        var hazardous = neos.Count(n => n.GetProperty("is_potentially_hazardous_asteroid").GetBoolean()) / (double)neos.Count;
        var sentry = neos.Count(n => n.GetProperty("is_sentry_object").GetBoolean()) / (double)neos.Count;
        var earth = neos.Count(n => n.GetProperty("close_approach_data")[0].GetProperty("orbiting_body").GetString() == "Earth") / (double)neos.Count;
        hazardous.ShouldBeInRange(0.03, 0.12);
        sentry.ShouldBeInRange(0.001, 0.04);
        earth.ShouldBeInRange(0.95, 0.999);

        // And asteroids come back on other days, as the same objects
        var byId = neos.GroupBy(n => n.GetProperty("id").GetString()).Where(g => g.Count() > 1).ToList();
        byId.ShouldNotBeEmpty();
        byId.ShouldAllBe(g => g.Select(n => n.GetProperty("name").GetString()).Distinct().Count() == 1);
    }

    [Fact]
    public void Overlapping_windows_list_the_same_objects_for_a_shared_day()
    {
        var generator = new NasaSampleGenerator(9);
        using var week = JsonDocument.Parse(generator.Feed(Monday, Monday.AddDays(6), "k"));
        using var eight = JsonDocument.Parse(generator.Feed(Monday.AddDays(5), Monday.AddDays(12), "k"));

        var shared = Monday.AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        week.RootElement.GetProperty("near_earth_objects").GetProperty(shared).GetRawText()
            .ShouldBe(eight.RootElement.GetProperty("near_earth_objects").GetProperty(shared).GetRawText());
    }

    [Fact]
    public void APOD_mixes_images_and_videos_and_sometimes_leaves_out_hdurl_and_copyright()
    {
        using var apod = JsonDocument.Parse(new NasaSampleGenerator(4).Apod(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30)));
        var entries = apod.RootElement.EnumerateArray().ToList();

        // 182 days, a few without an entry, ascending
        entries.Count.ShouldBeInRange(170, 182);
        entries.Select(e => e.GetProperty("date").GetString()).ShouldBe(entries.Select(e => e.GetProperty("date").GetString()).Order());

        var videos = entries.Where(e => e.GetProperty("media_type").GetString() == "video").ToList();
        var images = entries.Where(e => e.GetProperty("media_type").GetString() == "image").ToList();
        videos.ShouldNotBeEmpty();
        images.ShouldNotBeEmpty();
        videos.ShouldAllBe(v => Has(v, "thumbnail_url") && !Has(v, "hdurl"));
        images.ShouldContain(i => !Has(i, "hdurl"));
        images.ShouldContain(i => Has(i, "hdurl"));
        entries.ShouldContain(e => Has(e, "copyright"));
        entries.ShouldContain(e => !Has(e, "copyright"));

        // Keys alphabetically, as the service sends them
        entries.ShouldAllBe(e => e.EnumerateObject().Select(p => p.Name).SequenceEqual(e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void DONKI_events_link_to_events_that_exist_and_some_are_revised()
    {
        var generator = new NasaSampleGenerator(6);
        var from = new DateOnly(2024, 5, 1);
        var to = new DateOnly(2024, 5, 31);
        var cmes = Elements(generator.Donki(DonkiKind.Cme, from.AddDays(-2), to));
        var flares = Elements(generator.Donki(DonkiKind.Flr, from.AddDays(-2), to));
        var storms = Elements(generator.Donki(DonkiKind.Gst, from, to));
        var ids = cmes.Select(e => e.GetProperty("activityID").GetString()).Concat(flares.Select(f => f.GetProperty("flrID").GetString())).ToHashSet();

        // (CMEs and flares from two days earlier too: storms link to the CMEs that caused them)
        // linkedEvents is null when there is none, never an empty array, and every link resolves
        var all = cmes.Concat(flares).Concat(storms).ToList();
        all.ShouldAllBe(e => e.GetProperty("linkedEvents").ValueKind == JsonValueKind.Null || e.GetProperty("linkedEvents").GetArrayLength() > 0);
        var links = all.Where(e => e.GetProperty("linkedEvents").ValueKind == JsonValueKind.Array)
            .SelectMany(e => e.GetProperty("linkedEvents").EnumerateArray().Select(l => l.GetProperty("activityID").GetString())).ToList();
        links.ShouldNotBeEmpty();
        links.ShouldAllBe(id => ids.Contains(id));

        // Some events are at a later version, CMEs carry analyses with one most accurate, and storms carry Kp readings
        all.ShouldContain(e => e.GetProperty("versionId").GetInt32() > 1);
        cmes.Where(c => c.GetProperty("cmeAnalyses").ValueKind == JsonValueKind.Array)
            .ShouldAllBe(c => c.GetProperty("cmeAnalyses").EnumerateArray().Count(a => a.GetProperty("isMostAccurate").GetBoolean()) == 1);
        storms.ShouldNotBeEmpty();
        storms.ShouldAllBe(s => s.GetProperty("allKpIndex").GetArrayLength() > 0);

        // And every event starts inside the window it was asked for
        flares.ShouldAllBe(f => string.CompareOrdinal(f.GetProperty("beginTime").GetString(), "2024-04-29") >= 0 && string.CompareOrdinal(f.GetProperty("beginTime").GetString(), "2024-06-01") < 0);
    }

    [Fact]
    public void Whole_weeks_are_written_straight_to_files_one_per_partition()
    {
        using var folder = new TempDirectory();
        var (files, bytes) = new NasaSampleGenerator(1).WriteFeedWeeks(folder.Path, new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), "k");

        // 2024-01-01 is a Monday and 2024-12-31 a Tuesday: 52 weeks and the one that starts 2024-12-30
        files.ShouldBe(53);
        Directory.GetFiles(folder.Path).Length.ShouldBe(53);
        File.Exists(folder.Combine("2024-12-30_2025-01-05.json")).ShouldBeTrue();
        Directory.GetFiles(folder.Path).Sum(f => new FileInfo(f).Length).ShouldBe(bytes);
    }

    private static bool Has(JsonElement element, string member) => element.TryGetProperty(member, out _);

    private static List<JsonElement> Elements(byte[] body) => [.. JsonDocument.Parse(body).RootElement.EnumerateArray()];
}
