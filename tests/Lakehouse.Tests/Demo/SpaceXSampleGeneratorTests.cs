using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lakehouse.Demo;

namespace Lakehouse.Tests.Demo;

public sealed partial class SpaceXSampleGeneratorTests
{
    private const string Falcon9 = "5e9d0d95eda69973a809d1ec";
    private const string FalconHeavy = "5e9d0d95eda69974db09d1ed";

    private static readonly Lazy<SpaceXCatalog> Sample = new(() => SpaceXSampleGenerator.Generate(seed: 7, scale: 1));

    [Fact]
    public void The_same_seed_and_scale_give_a_byte_identical_catalog_and_another_seed_does_not()
    {
        // Given two generations with the same seed and scale, and one with another seed
        var first = SpaceXSampleGenerator.Generate(seed: 7, scale: 1);
        var second = SpaceXSampleGenerator.Generate(seed: 7, scale: 1);
        var other = SpaceXSampleGenerator.Generate(seed: 8, scale: 1);

        // Then every element of every resource is the same bytes
        foreach (var resource in SpaceXCatalog.ResourceNames)
        {
            first[resource].Count.ShouldBe(second[resource].Count, resource);
            for (var i = 0; i < first[resource].Count; i++)
            {
                first[resource][i].Span.SequenceEqual(second[resource][i].Span).ShouldBeTrue($"{resource}[{i}] differs between runs");
            }
        }

        // And another seed gives other launches
        first[SpaceXCatalog.Launches][100].Span.SequenceEqual(other[SpaceXCatalog.Launches][100].Span).ShouldBeFalse();
    }

    [Fact]
    public void Scale_one_is_shaped_like_the_real_dump()
    {
        // Given the scale-1 sample
        var launches = Parse(Sample.Value[SpaceXCatalog.Launches]);
        var past = launches.Where(l => !l.GetProperty("upcoming").GetBoolean()).ToList();
        var upcoming = launches.Where(l => l.GetProperty("upcoming").GetBoolean()).ToList();

        // Then it has the real dump's counts: 205 launches, 18 upcoming, 4 rockets, 6 launch pads, 7 landing pads,
        // and about 225 payloads (apis.md §1.1)
        launches.Count.ShouldBe(205);
        upcoming.Count.ShouldBe(18);
        Sample.Value[SpaceXCatalog.Rockets].Count.ShouldBe(4);
        Sample.Value[SpaceXCatalog.Launchpads].Count.ShouldBe(6);
        Sample.Value[SpaceXCatalog.Landpads].Count.ShouldBe(7);
        Sample.Value[SpaceXCatalog.Payloads].Count.ShouldBeInRange(205, 250);

        // And past launches are mostly successes, some failures say why, and at least one has success null
        past.Count(l => l.GetProperty("success").ValueKind == JsonValueKind.True).ShouldBeGreaterThan(past.Count * 9 / 10);
        var failures = past.Where(l => l.GetProperty("success").ValueKind == JsonValueKind.False).ToList();
        failures.ShouldNotBeEmpty();
        failures.ShouldAllBe(l => l.GetProperty("failures").GetArrayLength() > 0);
        past.ShouldContain(l => l.GetProperty("success").ValueKind == JsonValueKind.Null);

        // And upcoming launches have no outcome yet and coarse placeholder dates
        upcoming.ShouldAllBe(l => l.GetProperty("success").ValueKind == JsonValueKind.Null);
        upcoming.Select(l => l.GetProperty("date_precision").GetString()).ShouldContain("month");
        upcoming.Select(l => l.GetProperty("date_precision").GetString()).ShouldContain("day");
        launches.Select(l => l.GetProperty("date_precision").GetString()).Distinct()
            .ShouldBeSubsetOf(["half", "quarter", "year", "month", "day", "hour"]);

        // And Falcon Heavy flies three cores, boosters are reused, and some core slots are still unassigned
        var heavy = launches.Where(l => l.GetProperty("rocket").GetString() == FalconHeavy).ToList();
        heavy.ShouldNotBeEmpty();
        heavy.ShouldAllBe(l => l.GetProperty("cores").GetArrayLength() == 3);
        var cores = launches.SelectMany(l => l.GetProperty("cores").EnumerateArray()).ToList();
        cores.ShouldContain(c => c.GetProperty("core").ValueKind == JsonValueKind.Null);
        var reused = cores.Where(c => c.GetProperty("core").ValueKind == JsonValueKind.String)
            .GroupBy(c => c.GetProperty("core").GetString())
            .Where(g => g.Count() > 1)
            .ToList();
        reused.ShouldNotBeEmpty();
        reused.SelectMany(g => g.Skip(1)).ShouldAllBe(c => c.GetProperty("reused").GetBoolean() && c.GetProperty("flight").GetInt32() > 1);

        // And crewed launches carry {crew, role}, and Dragon missions have no fairings
        var crewed = launches.Where(l => l.GetProperty("crew").GetArrayLength() > 0).ToList();
        crewed.ShouldNotBeEmpty();
        crewed.SelectMany(l => l.GetProperty("crew").EnumerateArray())
            .ShouldAllBe(c => c.GetProperty("crew").GetString()!.Length == 24 && c.GetProperty("role").GetString()!.Length > 0);
        var dragons = launches.Where(l => l.GetProperty("capsules").GetArrayLength() > 0).ToList();
        dragons.ShouldNotBeEmpty();
        dragons.ShouldAllBe(l => l.GetProperty("fairings").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public void Dates_ids_names_and_flight_numbers_have_the_apis_formats()
    {
        // Given the scale-1 sample
        var launches = Parse(Sample.Value[SpaceXCatalog.Launches]);

        // Then dates are ISO with milliseconds and Z, and date_unix and date_local say the same instant
        foreach (var launch in launches)
        {
            var utc = launch.GetProperty("date_utc").GetString()!;
            UtcDate().IsMatch(utc).ShouldBeTrue(utc);
            var instant = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture);
            launch.GetProperty("date_unix").GetInt64().ShouldBe(instant.ToUnixTimeSeconds());
            DateTimeOffset.Parse(launch.GetProperty("date_local").GetString()!, CultureInfo.InvariantCulture).ShouldBe(instant);
        }

        // And past launches run in date order from the first Falcon 1 flight in March 2006 to October 2022
        var past = launches.Where(l => !l.GetProperty("upcoming").GetBoolean()).Select(l => l.GetProperty("date_utc").GetString()!).ToList();
        past.ShouldBe(past.Order(StringComparer.Ordinal).ToList());
        past[0].ShouldStartWith("2006-03-24");
        past[^1].ShouldStartWith("2022-");

        // And every element of every resource has a 24-hex id, unique within its resource, and names are unique
        foreach (var resource in SpaceXCatalog.ResourceNames)
        {
            var ids = Parse(Sample.Value[resource]).Select(e => e.GetProperty("id").GetString()!).ToList();
            ids.ShouldAllBe(id => ObjectId().IsMatch(id), resource);
            ids.Distinct().Count().ShouldBe(ids.Count, resource);
        }

        launches.Select(l => l.GetProperty("name").GetString()).Distinct().Count().ShouldBe(launches.Count);
        Parse(Sample.Value[SpaceXCatalog.Payloads]).Select(p => p.GetProperty("name").GetString()).Distinct().Count()
            .ShouldBe(Sample.Value[SpaceXCatalog.Payloads].Count);

        // And past flight numbers are 1..n while upcoming ones repeat placeholders, as in the real dump
        launches.Take(187).Select(l => l.GetProperty("flight_number").GetInt32()).ShouldBe(Enumerable.Range(1, 187));
        var upcomingNumbers = launches.Skip(187).Select(l => l.GetProperty("flight_number").GetInt32()).ToList();
        upcomingNumbers.Distinct().Count().ShouldBeLessThan(upcomingNumbers.Count);
    }

    [Fact]
    public void Every_id_a_launch_references_exists_in_its_resource()
    {
        // Given the scale-2 sample (more boosters and crews than scale 1)
        var catalog = SpaceXSampleGenerator.Generate(seed: 11, scale: 2);
        var ids = SpaceXCatalog.ResourceNames.ToDictionary(
            resource => resource,
            resource => Parse(catalog[resource]).Select(e => e.GetProperty("id").GetString()!).ToHashSet());

        // Then every reference resolves (dangling ones are collected, so a failure names them all)
        var dangling = new List<string>();
        void Check(string resource, string? id, JsonElement launch)
        {
            if (id is not null && !ids[resource].Contains(id))
            {
                dangling.Add($"{launch.GetProperty("name")} -> {resource} {id}");
            }
        }

        foreach (var launch in Parse(catalog[SpaceXCatalog.Launches]))
        {
            Check(SpaceXCatalog.Rockets, launch.GetProperty("rocket").GetString(), launch);
            Check(SpaceXCatalog.Launchpads, launch.GetProperty("launchpad").GetString(), launch);
            foreach (var payload in launch.GetProperty("payloads").EnumerateArray())
            {
                Check(SpaceXCatalog.Payloads, payload.GetString(), launch);
            }

            foreach (var capsule in launch.GetProperty("capsules").EnumerateArray())
            {
                Check(SpaceXCatalog.Capsules, capsule.GetString(), launch);
            }

            foreach (var member in launch.GetProperty("crew").EnumerateArray())
            {
                Check(SpaceXCatalog.Crew, member.GetProperty("crew").GetString(), launch);
            }

            foreach (var core in launch.GetProperty("cores").EnumerateArray())
            {
                Check(SpaceXCatalog.Cores, core.GetProperty("core").GetString(), launch);
                Check(SpaceXCatalog.Landpads, core.GetProperty("landpad").GetString(), launch);
            }
        }

        dangling.ShouldBeEmpty();

        // And the back references (payload.launch, core.launches, crew.launches, pad.launches) point at launches
        Parse(catalog[SpaceXCatalog.Payloads]).Select(p => p.GetProperty("launch").GetString()!)
            .Where(id => !ids[SpaceXCatalog.Launches].Contains(id)).ShouldBeEmpty();
        foreach (var resource in (string[])[SpaceXCatalog.Cores, SpaceXCatalog.Crew, SpaceXCatalog.Capsules, SpaceXCatalog.Launchpads, SpaceXCatalog.Landpads])
        {
            Parse(catalog[resource]).SelectMany(e => e.GetProperty("launches").EnumerateArray()).Select(l => l.GetString()!)
                .Where(id => !ids[SpaceXCatalog.Launches].Contains(id)).ShouldBeEmpty(resource);
        }

        // And every generated core, crew member and capsule is used by some launch
        var referencedCores = Parse(catalog[SpaceXCatalog.Launches])
            .SelectMany(l => l.GetProperty("cores").EnumerateArray())
            .Select(c => c.GetProperty("core").GetString())
            .OfType<string>()
            .ToHashSet();
        referencedCores.SetEquals(ids[SpaceXCatalog.Cores]).ShouldBeTrue();
    }

    [Fact]
    public void Launches_weigh_about_two_and_a_half_kilobytes_so_scale_1000_is_about_half_a_gigabyte()
    {
        // Given the scale-2 sample streamed as the GET /v5/launches array
        var generator = new SpaceXSampleGenerator(seed: 3, scale: 2);
        using var output = new MemoryStream();
        generator.WriteArray(SpaceXCatalog.Launches, output);
        var launches = generator.Count(SpaceXCatalog.Launches);

        // Then a launch averages 2-3 KB (the live dump's compact records average 2.1 KB; the brief asks ≈2.5 KB)
        launches.ShouldBe(410);
        var perLaunch = (double)output.Length / launches;
        perLaunch.ShouldBeInRange(2200, 2800);

        // And scale 1000, 500 times this, is 0.4-0.6 GB
        (output.Length * 500.0).ShouldBeInRange(0.4e9, 0.6e9);

        // And the streamed array is the materialised catalog's elements, in order
        using var document = JsonDocument.Parse(output.ToArray());
        var streamed = document.RootElement.EnumerateArray().Select(e => e.GetRawText()).ToList();
        streamed.ShouldBe(generator.ToCatalog()[SpaceXCatalog.Launches].Select(e => System.Text.Encoding.UTF8.GetString(e.Span)));
    }

    [SkippableFact]
    public void The_fixture_catalog_generates_exactly_the_cores_crew_and_capsules_the_recorded_launches_reference()
    {
        // Given the recorded launches
        var recorded = SpaceXFixtures.Elements("v4-launches.json");
        var cores = recorded.SelectMany(l => l.GetProperty("cores").EnumerateArray()).Select(c => c.GetProperty("core").GetString()).OfType<string>().ToHashSet();
        var crew = recorded.SelectMany(l => l.GetProperty("crew").EnumerateArray()).Select(c => c.GetString()!).ToHashSet();
        var capsules = recorded.SelectMany(l => l.GetProperty("capsules").EnumerateArray()).Select(c => c.GetString()!).ToHashSet();

        // Then the fixture catalog holds one element per referenced id:
        // python3 -c "import json; l=json.load(open('v4-launches.json')); print(len({c['core'] for x in l for c in x['cores'] if c['core']}),
        //   len({c for x in l for c in x['crew']}), len({c for x in l for c in x['capsules']}))" → 78 30 21
        var catalog = SpaceXFixtures.Catalog;
        Ids(catalog[SpaceXCatalog.Cores]).ShouldBe(cores, ignoreOrder: true);
        Ids(catalog[SpaceXCatalog.Crew]).ShouldBe(crew, ignoreOrder: true);
        Ids(catalog[SpaceXCatalog.Capsules]).ShouldBe(capsules, ignoreOrder: true);
        (cores.Count, crew.Count, capsules.Count).ShouldBe((78, 30, 21));

        // And each core's launches are exactly the recorded launches that flew it
        foreach (var core in Parse(catalog[SpaceXCatalog.Cores]))
        {
            var id = core.GetProperty("id").GetString();
            var flown = recorded.Where(l => l.GetProperty("cores").EnumerateArray().Any(c => c.GetProperty("core").GetString() == id))
                .Select(l => l.GetProperty("id").GetString());
            core.GetProperty("launches").EnumerateArray().Select(l => l.GetString()).ShouldBe(flown);
        }
    }

    private static List<JsonElement> Parse(IReadOnlyList<ReadOnlyMemory<byte>> elements) =>
        elements.Select(e => JsonDocument.Parse(e).RootElement).ToList();

    private static List<string> Ids(IReadOnlyList<ReadOnlyMemory<byte>> elements) =>
        Parse(elements).Select(e => e.GetProperty("id").GetString()!).ToList();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex UtcDate();

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex ObjectId();
}
