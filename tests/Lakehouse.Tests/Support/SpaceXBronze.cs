using System.Text.Json.Nodes;
using Lakehouse.Silver;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Bronze objects for silver tests: the recorded SpaceX responses as they are, or documents taken from them and
/// changed on purpose (a wrong type, a new field), written as local files the way the pipeline hands them over.
/// </summary>
internal sealed class SpaceXBronze(string folder)
{
    /// <summary>When every object in these tests was landed; not UTC on purpose, to see it converted.</summary>
    public static readonly DateTimeOffset LandedAt = new(2024, 5, 6, 9, 30, 0, TimeSpan.FromHours(2));

    public const string RunId = "20240506T073000Z-test";

    private int sequence;

    public static string Fixture(string name) => Path.Combine(RepositoryPaths.SharedFixtures, "spacex", name);

    /// <summary>The launches of <c>v4-launches.json</c> (GET /v4/launches, 205 documents).</summary>
    public static JsonArray Launches() => JsonNode.Parse(File.ReadAllText(Fixture("v4-launches.json")))!.AsArray();

    /// <summary>A copy of one recorded launch: FalconSat, the first one, with one core, one payload, one failure.</summary>
    public static JsonObject Launch(string id)
    {
        var launch = Launches()[0]!.AsObject().DeepClone().AsObject();
        launch["id"] = id;
        return launch;
    }

    /// <summary>A /query pagination envelope holding <paramref name="docs"/>.</summary>
    public static string Envelope(params JsonNode[] docs) =>
        new JsonObject
        {
            ["docs"] = new JsonArray([.. docs.Select(d => d.DeepClone())]),
            ["totalDocs"] = docs.Length,
            ["limit"] = 100,
            ["page"] = 1,
            ["hasNextPage"] = false,
        }.ToJsonString();

    public static string Array(params JsonNode?[] docs) => new JsonArray([.. docs.Select(d => d?.DeepClone())]).ToJsonString();

    /// <summary>A recorded fixture as landed: the file read in place, under a bronze key of its own.</summary>
    public BronzeInput Recorded(string fixture) => Input(Fixture(fixture));

    /// <summary>A body written as a local file, as if just downloaded from bronze.</summary>
    public BronzeInput Body(string text)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"object-{sequence + 1}.json");
        File.WriteAllText(path, text);
        return Input(path);
    }

    private BronzeInput Input(string path)
    {
        sequence++;
        return new BronzeInput(path, $"bronze/spacex/test/all/{RunId}-{sequence:D4}.json", RunId, LandedAt);
    }
}
