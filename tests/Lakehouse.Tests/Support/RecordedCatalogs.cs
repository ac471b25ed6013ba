using System.Buffers;
using System.Text.Json;
using Lakehouse.Demo;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The recorded API responses in <c>../shared/fixtures</c> as the demo's local servers serve them: each loaded once
/// per test run, read in place. A clone without <c>shared/</c> beside it skips the tests that use them
/// (<see cref="RepositoryPaths.SharedFixtures"/>).
/// </summary>
internal static class RecordedCatalogs
{
    private static readonly Lazy<SpaceXCatalog> LazySpaceX = new(LoadSpaceX);
    private static readonly Lazy<RawgCatalogues> LazyRawg = new(LoadRawg);

    /// <summary>
    /// The recorded SpaceX dump, with launches turned into the v5 shape and the resources that were not recorded
    /// (cores, crew, capsules) generated for exactly the ids the launches reference.
    /// </summary>
    public static SpaceXCatalog SpaceX => LazySpaceX.Value;

    /// <summary>The recorded RAWG catalogues, first page of games and game details.</summary>
    public static RawgCatalogues Rawg => LazyRawg.Value;

    /// <summary>
    /// The recorded NASA answers, and <paramref name="generator"/>'s data for the days they do not cover; null leaves
    /// those days empty.
    /// </summary>
    public static NasaCatalog Nasa(NasaSampleGenerator? generator)
    {
        var folder = Path.Combine(RepositoryPaths.SharedFixtures, "nasa");
        var recorded = Directory.EnumerateFiles(folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileNameWithoutExtension(path), File.ReadAllBytes(path)));
        return NasaCatalog.FromRecorded(recorded, generator);
    }

    private static SpaceXCatalog LoadSpaceX()
    {
        var folder = Path.Combine(RepositoryPaths.SharedFixtures, "spacex");
        ReadOnlyMemory<byte> Read(string name) => File.ReadAllBytes(Path.Combine(folder, name));

        var launches = RawJson.SplitArray(Read("v4-launches.json")).Select(FromV4).ToList();
        var landpadsCache = Read("v4-landpads.query-docs-cache.json");
        if (!RawJson.TryFind(landpadsCache.Span, "data", out var data))
        {
            throw new FormatException("v4-landpads.query-docs-cache.json has no data array.");
        }

        var referenced = FixtureReferences.Collect(launches);
        return SpaceXCatalog.Empty
            .With(SpaceXCatalog.Launches, launches)
            .With(SpaceXCatalog.Rockets, RawJson.SplitArray(Read("v4-rockets.json")))
            .With(SpaceXCatalog.Launchpads, RawJson.SplitArray(Read("v4-launchpads.json")))
            .With(SpaceXCatalog.Landpads, RawJson.SplitArray(landpadsCache[data]))
            .With(SpaceXCatalog.Payloads, RawJson.SplitArray(Read("v4-payloads.json")))
            .With(SpaceXCatalog.Cores, referenced.Cores())
            .With(SpaceXCatalog.Crew, referenced.Crew())
            .With(SpaceXCatalog.Capsules, referenced.Capsules());
    }

    /// <summary>
    /// The v5 form of a launch recorded from a v4 route: each crew id becomes <c>{"crew": id, "role": ...}</c> with
    /// the role of its seat. Launches without crew keep their recorded bytes.
    /// </summary>
    private static ReadOnlyMemory<byte> FromV4(ReadOnlyMemory<byte> launch)
    {
        if (!TryFindCrew(launch.Span, out var range))
        {
            return launch;
        }

        using var ids = JsonDocument.Parse(launch[range]);
        if (ids.RootElement.ValueKind != JsonValueKind.Array || ids.RootElement.GetArrayLength() == 0)
        {
            return launch;
        }

        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            var seat = 0;
            foreach (var id in ids.RootElement.EnumerateArray())
            {
                if (id.ValueKind == JsonValueKind.Object)
                {
                    return launch; // already v5
                }

                writer.WriteStartObject();
                writer.WritePropertyName("crew");
                id.WriteTo(writer);
                writer.WriteString("role", LaunchCrewShape.RoleForSeat(seat++));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return RawJson.Splice(launch.Span, range, output.WrittenSpan);
    }

    private static bool TryFindCrew(ReadOnlySpan<byte> launch, out Range range)
    {
        range = default;
        try
        {
            return RawJson.TryFind(launch, "crew", out range);
        }
        catch (JsonException)
        {
            return false; // a deliberately broken element is served as stored
        }
    }

    private static RawgCatalogues LoadRawg()
    {
        var directory = Path.Combine(RepositoryPaths.SharedFixtures, "rawg");
        var parents = Results(Path.Combine(directory, "platforms-lists-parents.json"));
        var parentOf = new Dictionary<int, int>();
        foreach (var parent in parents)
        {
            using var document = JsonDocument.Parse(parent);
            foreach (var platform in document.RootElement.GetProperty("platforms").EnumerateArray())
            {
                parentOf[platform.GetProperty("id").GetInt32()] = document.RootElement.GetProperty("id").GetInt32();
            }
        }

        var details = new Dictionary<long, ReadOnlyMemory<byte>>();
        foreach (var file in Directory.GetFiles(directory, "game-*.json"))
        {
            var bytes = File.ReadAllBytes(file);
            using var document = JsonDocument.Parse(bytes);
            details[document.RootElement.GetProperty("id").GetInt64()] = bytes;
        }

        return new RawgCatalogues
        {
            Genres = [.. Results(Path.Combine(directory, "genres.json")).Select(r => Item(r, null))],
            Platforms = [.. Results(Path.Combine(directory, "platforms-page1.json")).Select(r => Item(r, parentOf))],
            ParentPlatforms = [.. parents.Select(r => Item(r, null))],
            Stores = [.. Results(Path.Combine(directory, "stores.json")).Select(r => Item(r, null))],
            Tags = [.. Results(Path.Combine(directory, "tags-page1.json")).Select(r => Item(r, null))],
            RecordedGames = Results(Path.Combine(directory, "games-page1.json")),
            RecordedDetails = details,
        };
    }


    private static List<ReadOnlyMemory<byte>> Results(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. document.RootElement.GetProperty("results").EnumerateArray().Select(e => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(e.GetRawText()))];
    }

    private static RawgCatalogueItem Item(ReadOnlyMemory<byte> raw, Dictionary<int, int>? parentOf)
    {
        using var document = JsonDocument.Parse(raw);
        var e = document.RootElement;
        var id = e.GetProperty("id").GetInt32();
        return new RawgCatalogueItem(
            id,
            e.GetProperty("name").GetString()!,
            e.GetProperty("slug").GetString()!,
            e.TryGetProperty("games_count", out var count) ? count.GetInt64() : 0,
            e.TryGetProperty("image_background", out var image) ? image.GetString() : null,
            raw)
        {
            Domain = e.TryGetProperty("domain", out var domain) ? domain.GetString() : null,
            Language = e.TryGetProperty("language", out var language) ? language.GetString() : null,
            ParentId = parentOf is not null && parentOf.TryGetValue(id, out var parent) ? parent : null,
            YearStart = e.TryGetProperty("year_start", out var start) && start.ValueKind == JsonValueKind.Number ? start.GetInt32() : null,
            YearEnd = e.TryGetProperty("year_end", out var end) && end.ValueKind == JsonValueKind.Number ? end.GetInt32() : null,
        };
    }
}
