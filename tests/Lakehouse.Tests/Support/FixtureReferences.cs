using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The cores, crew and capsules the recorded launches reference. They were not recorded, so they are generated for
/// exactly those ids, with counts (flights, landings, splashdowns) that agree with the recorded launches and the
/// rest (serials, names) deterministic by order of first appearance.
/// </summary>
internal sealed class FixtureReferences
{
    private const int CrewStream = 14;
    private const string Falcon1Id = "5e9d0d95eda69955f709d1eb";

    private readonly List<Flight> flights = [];
    private readonly List<CoreUse> uses = [];
    private readonly List<(string Id, List<int> Uses)> cores = [];
    private readonly List<(string Id, List<int> Flights)> crew = [];
    private readonly List<(string Id, List<int> Flights)> capsules = [];

    private FixtureReferences()
    {
    }

    public static FixtureReferences Collect(IEnumerable<ReadOnlyMemory<byte>> launches)
    {
        var references = new FixtureReferences();
        var coreIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var crewIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var capsuleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var bytes in launches)
        {
            using var document = JsonDocument.Parse(bytes);
            var launch = document.RootElement;
            var flight = new Flight(
                launch.GetProperty("id").GetString()!,
                launch.GetProperty("name").GetString()!,
                DateTimeOffset.Parse(launch.GetProperty("date_utc").GetString()!, CultureInfo.InvariantCulture),
                launch.GetProperty("upcoming").GetBoolean(),
                launch.GetProperty("success").ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null },
                launch.GetProperty("rocket").GetString() == Falcon1Id);
            var number = references.flights.Count;
            references.flights.Add(flight);

            foreach (var core in launch.GetProperty("cores").EnumerateArray())
            {
                if (core.GetProperty("core").GetString() is not { } id)
                {
                    continue;
                }

                var use = new CoreUse(number, Flag(core, "landing_attempt"), Flag(core, "landing_success"), core.GetProperty("landing_type").GetString());
                references.uses.Add(use);
                Add(references.cores, coreIndex, id, references.uses.Count - 1);
            }

            foreach (var member in launch.GetProperty("crew").EnumerateArray())
            {
                var id = member.ValueKind == JsonValueKind.Object ? member.GetProperty("crew").GetString() : member.GetString();
                if (id is not null)
                {
                    Add(references.crew, crewIndex, id, number);
                }
            }

            foreach (var capsule in launch.GetProperty("capsules").EnumerateArray())
            {
                Add(references.capsules, capsuleIndex, capsule.GetString()!, number);
            }
        }

        return references;
    }

    public IEnumerable<ReadOnlyMemory<byte>> Cores()
    {
        using var writer = new SpaceXElementWriter();
        var falcon1 = 0;
        var falcon9 = 0;
        foreach (var (id, useIndexes) in cores)
        {
            var coreUses = useIndexes.Select(u => uses[u]).ToList();
            var first = flights[coreUses[0].Flight];
            var serial = first.Falcon1
                ? string.Create(CultureInfo.InvariantCulture, $"Merlin{++falcon1}{(falcon1 < 3 ? 'A' : 'C')}")
                : string.Create(CultureInfo.InvariantCulture, $"B{1001 + falcon9++}");
            int? block = first.Falcon1 || first.Date.Year < 2015 ? null
                : first.Date.Year < 2017 ? 2
                : first.Date.Year < 2018 ? 3
                : 5;
            var flown = coreUses.Where(u => !flights[u.Flight].Upcoming).ToList();
            var (status, lastUpdate) = flown.Count == 0 ? ("unknown", (string?)null) : Outcome(flown[^1]);
            yield return writer.Core(new CoreFacts(
                id,
                serial,
                block,
                status,
                Math.Max(0, flown.Count - 1),
                flown.Count(u => u.Attempt == true && u.Type == "RTLS"),
                flown.Count(u => u.Attempt == true && u.Type == "RTLS" && u.Landed == true),
                flown.Count(u => u.Attempt == true && u.Type == "ASDS"),
                flown.Count(u => u.Attempt == true && u.Type == "ASDS" && u.Landed == true),
                lastUpdate,
                coreUses.Select(u => flights[u.Flight].Id).ToArray()));
        }
    }

    public IEnumerable<ReadOnlyMemory<byte>> Crew()
    {
        using var writer = new SpaceXElementWriter();
        for (var index = 0; index < crew.Count; index++)
        {
            var (id, flown) = crew[index];
            var random = SampleRandom.For(0, CrewStream, index);
            var name = $"{SampleText.FirstNames[index % SampleText.FirstNames.Count]} {SampleText.LastNames[index % SampleText.LastNames.Count]}";
            var firstMission = flights[flown[0]].Name;
            var agency = firstMission.StartsWith("Ax", StringComparison.Ordinal) ? "Axiom Space"
                : firstMission.StartsWith("Inspiration", StringComparison.Ordinal) ? "SpaceX"
                : random.Chance(0.75) ? "NASA" : random.Pick(["ESA", "JAXA"]);
            yield return writer.Crew(new CrewFacts(
                id,
                name,
                agency,
                SampleText.ImgboxPatch(random).Replace(".png", ".jpg", StringComparison.Ordinal),
                $"https://en.wikipedia.org/wiki/{name.Replace(' ', '_')}",
                "active",
                flown.Select(f => flights[f].Id).ToArray()));
        }
    }

    public IEnumerable<ReadOnlyMemory<byte>> Capsules()
    {
        using var writer = new SpaceXElementWriter();
        var dragon1 = 0;
        var dragon2 = 0;
        foreach (var (id, flown) in capsules)
        {
            var first = flights[flown[0]];
            var type = first.Date.Year < 2012 ? "Dragon 1.0" : first.Date.Year < 2019 ? "Dragon 1.1" : "Dragon 2.0";
            var serial = type == "Dragon 2.0"
                ? string.Create(CultureInfo.InvariantCulture, $"C2{++dragon2:00}")
                : string.Create(CultureInfo.InvariantCulture, $"C1{++dragon1:00}");
            var past = flown.Where(f => !flights[f].Upcoming).ToList();
            var destroyed = past.Any(f => flights[f].Success == false);
            var last = flights[flown[^1]].Name;
            yield return writer.Capsule(new CapsuleFacts(
                id,
                serial,
                destroyed ? "destroyed" : type == "Dragon 2.0" ? "active" : "retired",
                type,
                type == "Dragon 2.0" ? "5e9d058859b1ffd8e2ad5f90" : "5e9d058759b1ff74a7ad5f8f",
                Math.Max(0, past.Count - 1),
                past.Count(f => flights[f].Success == true),
                0,
                destroyed ? $"Destroyed in the {last} failure." : $"Splashed down after {last}.",
                flown.Select(f => flights[f].Id).ToArray()));
        }
    }

    private static void Add<T>(List<(string Id, List<T> Items)> list, Dictionary<string, int> index, string id, T item)
    {
        if (!index.TryGetValue(id, out var position))
        {
            index[id] = position = list.Count;
            list.Add((id, []));
        }

        list[position].Items.Add(item);
    }

    private static bool? Flag(JsonElement element, string name) => element.GetProperty(name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private (string Status, string? LastUpdate) Outcome(CoreUse last)
    {
        var name = flights[last.Flight].Name;
        return (flights[last.Flight].Success, last.Attempt, last.Landed, last.Type) switch
        {
            (false, _, _, _) => ("lost", $"Destroyed in the {name} failure."),
            (_, true, true, "Ocean") => ("lost", $"Controlled ocean landing after {name}; not recovered."),
            (_, true, true, _) => ("active", $"Landed after {name}."),
            (_, true, _, _) => ("lost", $"Landing attempt failed after {name}."),
            _ => ("expended", $"Expended on {name}."),
        };
    }

    private sealed record Flight(string Id, string Name, DateTimeOffset Date, bool Upcoming, bool? Success, bool Falcon1);

    private sealed record CoreUse(int Flight, bool? Attempt, bool? Landed, string? Type);
}
