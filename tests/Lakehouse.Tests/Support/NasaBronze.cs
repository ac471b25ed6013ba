using System.Text.Json.Nodes;
using Lakehouse.Silver;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Bronze objects for NASA silver tests: the recorded responses read in place, or bodies written on purpose (a wrong
/// type, a newer version), each under a bronze key of its own and landed one minute after the previous one, so that
/// later inputs are also the newer landings.
/// </summary>
internal sealed class NasaBronze(string folder)
{
    public static readonly DateTimeOffset FirstLandedAt = new(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public const string RunId = "20240601T080000Z-nasa";

    private int sequence;

    public static string Fixture(string name) => Path.Combine(RepositoryPaths.SharedFixtures, "nasa", name);

    public static JsonNode Parse(string fixture) => JsonNode.Parse(File.ReadAllText(Fixture(fixture)))!;

    /// <summary>A recorded fixture as landed: the file read in place.</summary>
    public BronzeInput Recorded(string fixture) => Input(Fixture(fixture));

    /// <summary>A body written as a local file, as if just downloaded from bronze.</summary>
    public BronzeInput Body(string text)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"object-{sequence + 1}.json");
        File.WriteAllText(path, text);
        return Input(path);
    }

    public BronzeInput Body(JsonNode json) => Body(json.ToJsonString());

    private BronzeInput Input(string path)
    {
        sequence++;
        return new BronzeInput(path, $"bronze/nasa/test/all/{RunId}-{sequence:D4}.json", RunId, FirstLandedAt.AddMinutes(sequence));
    }
}
