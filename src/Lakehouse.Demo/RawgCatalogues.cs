using System.Buffers;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>One genre, platform, parent platform, store or tag: the fields games embed, and the item as served.</summary>
/// <param name="Id">The RAWG id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The URL name.</param>
/// <param name="GamesCount">Games RAWG counts for it.</param>
/// <param name="ImageBackground">Its background image URL.</param>
/// <param name="Raw">The catalogue item as <c>/genres</c> (etc.) serves it, byte for byte.</param>
internal sealed record RawgCatalogueItem(int Id, string Name, string Slug, long GamesCount, string? ImageBackground, ReadOnlyMemory<byte> Raw)
{
    /// <summary>Stores: the store's domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Tags: <c>eng</c> or <c>rus</c>.</summary>
    public string? Language { get; init; }

    /// <summary>Platforms: the parent platform's id.</summary>
    public int? ParentId { get; init; }

    public int? YearStart { get; init; }

    public int? YearEnd { get; init; }
}

/// <summary>
/// What the RAWG replay server serves besides generated games: the catalogues, and (from the recorded fixtures) the
/// real first page of games and real game details. Generated for <c>lakehouse demo</c>; the tests load the recorded ones
/// (tests/Lakehouse.Tests/Support/RecordedCatalogs.cs).
/// </summary>
internal sealed class RawgCatalogues
{
    public required IReadOnlyList<RawgCatalogueItem> Genres { get; init; }

    public required IReadOnlyList<RawgCatalogueItem> Platforms { get; init; }

    public required IReadOnlyList<RawgCatalogueItem> ParentPlatforms { get; init; }

    public required IReadOnlyList<RawgCatalogueItem> Stores { get; init; }

    public required IReadOnlyList<RawgCatalogueItem> Tags { get; init; }

    /// <summary>The recorded first page's games, served first and unchanged.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> RecordedGames { get; init; } = [];

    /// <summary>Recorded <c>/games/{id}</c> bodies by id.</summary>
    public IReadOnlyDictionary<long, ReadOnlyMemory<byte>> RecordedDetails { get; init; } = new Dictionary<long, ReadOnlyMemory<byte>>();

    /// <summary>A small catalogue in the real shapes, for the demo.</summary>
    public static RawgCatalogues Generated()
    {
        string[] genres = ["Action", "Indie", "Adventure", "RPG", "Strategy", "Shooter", "Casual", "Simulation", "Puzzle", "Arcade", "Platformer", "Racing"];
        (string Name, (string Name, int? Start)[] Platforms)[] families =
        [
            ("PC", [("PC", null)]),
            ("PlayStation", [("PlayStation 5", 2020), ("PlayStation 4", 2013)]),
            ("Xbox", [("Xbox Series S/X", 2020), ("Xbox One", 2013)]),
            ("Nintendo", [("Nintendo Switch", 2017)]),
            ("iOS", [("iOS", null)]),
            ("Android", [("Android", null)]),
        ];
        (string Name, string Domain)[] stores =
            [("Steam", "store.steampowered.com"), ("PlayStation Store", "store.playstation.com"), ("Xbox Store", "microsoft.com"), ("App Store", "apps.apple.com"), ("GOG", "gog.com"), ("Nintendo Store", "nintendo.com"), ("Google Play", "play.google.com"), ("Epic Games", "epicgames.com")];
        string[] tags = ["Singleplayer", "Multiplayer", "Atmospheric", "Great Soundtrack", "Open World", "Co-op", "First-Person", "Story Rich", "Difficult", "Pixel Graphics", "Sandbox", "Horror", "Free to Play", "Exploration"];

        var platforms = new List<RawgCatalogueItem>();
        var parents = new List<RawgCatalogueItem>();
        var platformId = 1;
        for (var f = 0; f < families.Length; f++)
        {
            var members = new List<RawgCatalogueItem>();
            foreach (var (name, start) in families[f].Platforms)
            {
                var id = platformId++;
                members.Add(new RawgCatalogueItem(id, name, Slug(name), 1000L * (20 - id), Image(id), Write(w => CatalogueItem(w, id, name, 1000L * (20 - id), null, null, platform: true, start)))
                {
                    ParentId = f + 1,
                    YearStart = start,
                });
            }

            platforms.AddRange(members);
            var parentId = f + 1;
            var parentName = families[f].Name;
            parents.Add(new RawgCatalogueItem(parentId, parentName, Slug(parentName), 0, null, Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("id", parentId);
                w.WriteString("name", parentName);
                w.WriteString("slug", Slug(parentName));
                w.WriteStartArray("platforms");
                foreach (var member in members)
                {
                    w.WriteRawValue(member.Raw.Span);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            })));
        }

        return new RawgCatalogues
        {
            Genres = [.. genres.Select((name, i) => Simple(i + 1, name, null, null))],
            Platforms = platforms,
            ParentPlatforms = parents,
            Stores = [.. stores.Select((s, i) => Simple(i + 1, s.Name, s.Domain, null))],
            Tags = [.. tags.Select((name, i) => Simple(i + 31, name, null, "eng"))],
        };
    }

    private static RawgCatalogueItem Simple(int id, string name, string? domain, string? language)
    {
        var count = 100_000L / id;
        return new RawgCatalogueItem(id, name, Slug(name), count, Image(id), Write(w => CatalogueItem(w, id, name, count, domain, language, platform: false, null)))
        {
            Domain = domain,
            Language = language,
        };
    }

    private static void CatalogueItem(Utf8JsonWriter w, int id, string name, long count, string? domain, string? language, bool platform, int? yearStart)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("name", name);
        w.WriteString("slug", Slug(name));
        if (domain is not null)
        {
            w.WriteString("domain", domain);
        }

        if (language is not null)
        {
            w.WriteString("language", language);
        }

        w.WriteNumber("games_count", count);
        w.WriteString("image_background", Image(id));
        if (platform)
        {
            w.WriteNull("image");
            WriteNullable(w, "year_start", yearStart);
            w.WriteNull("year_end");
        }

        w.WriteStartArray("games");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Slug(string name) => new([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    private static string Image(int id) => $"https://media.rawg.io/media/games/{id:x3}/demo-{id}.jpg";

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
