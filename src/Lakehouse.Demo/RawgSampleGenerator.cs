using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>One game of the sample: what the server filters and orders by, without its JSON.</summary>
/// <param name="Index">Its place in <see cref="RawgSampleGenerator.Games"/>.</param>
/// <param name="Id">The RAWG id.</param>
/// <param name="Released">The release day; null for a game still to be announced.</param>
/// <param name="Updated">RAWG's <c>updated</c>, <c>yyyy-MM-ddTHH:mm:ss</c> without zone.</param>
internal readonly record struct RawgGamePlan(int Index, long Id, DateOnly? Released, string Updated);

/// <summary>
/// Deterministic RAWG games in the list endpoint's real shape: the recorded first page (when the catalogues came from
/// the fixtures) followed by generated games whose genres, platforms, stores and tags are drawn from the catalogues.
/// The same seed and count give the same bytes. Some games have a null <c>esrb_rating</c>, null <c>tags</c>, an
/// empty <c>platforms</c> or no release date; <c>updated</c> is spread from 2018 to 2025.
/// </summary>
/// <remarks>
/// Construction plans ids and dates only (a few bytes a game); a game's JSON is written when asked for, from its own
/// random stream, so 800,000 games (about 4 GB of JSON) stream to disk through <see cref="WritePagesAsync"/>.
/// </remarks>
internal sealed class RawgSampleGenerator
{
    /// <summary>Generated ids start here, above the recorded ones.</summary>
    public const long FirstGeneratedId = 5_000_000;

    private const int GameStream = 31;
    private static readonly DateOnly FirstRelease = new(2018, 1, 1);
    private static readonly DateOnly LastRelease = new(2025, 12, 31);
    private static readonly DateTime LastUpdate = new(2025, 12, 31, 23, 59, 59, DateTimeKind.Utc);
    private static readonly string[] Adjectives = ["Silent", "Crimson", "Lost", "Endless", "Hidden", "Iron", "Neon", "Broken", "Golden", "Last"];
    private static readonly string[] Nouns = ["Kingdom", "Signal", "Harbor", "Frontier", "Garden", "Echo", "Citadel", "Voyage", "Machine", "Legend"];
    private static readonly (int Id, string Title)[] RatingTitles = [(5, "exceptional"), (4, "recommended"), (3, "meh"), (1, "skip")];
    private static readonly (int Id, string Name, string Slug)[] EsrbRatings =
        [(1, "Everyone", "everyone"), (2, "Everyone 10+", "everyone-10-plus"), (3, "Teen", "teen"), (4, "Mature", "mature"), (5, "Adults Only", "adults-only"), (6, "Rating Pending", "rating-pending")];

    private readonly int seed;
    private readonly RawgCatalogues catalogues;
    private readonly RawgGamePlan[] games;

    public RawgSampleGenerator(int seed, int generatedGames, RawgCatalogues catalogues)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(generatedGames);
        ArgumentNullException.ThrowIfNull(catalogues);
        this.seed = seed;
        this.catalogues = catalogues;
        var recorded = catalogues.RecordedGames;
        games = new RawgGamePlan[recorded.Count + generatedGames];
        for (var i = 0; i < recorded.Count; i++)
        {
            using var document = JsonDocument.Parse(recorded[i]);
            var game = document.RootElement;
            var released = game.GetProperty("released").ValueKind == JsonValueKind.String
                ? DateOnly.ParseExact(game.GetProperty("released").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)
                : (DateOnly?)null;
            games[i] = new RawgGamePlan(i, game.GetProperty("id").GetInt64(), released, game.GetProperty("updated").GetString()!);
        }

        var span = LastRelease.DayNumber - FirstRelease.DayNumber;
        for (var g = 0; g < generatedGames; g++)
        {
            var index = recorded.Count + g;
            var random = SampleRandom.For(seed, GameStream, g);
            DateOnly? released = random.Chance(0.03) ? null : FirstRelease.AddDays(random.Next(span + 1));
            var updated = (released ?? FirstRelease).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
                .AddDays(random.Next(900)).AddSeconds(random.Next(86_400));
            if (updated > LastUpdate)
            {
                updated = LastUpdate.AddSeconds(-random.Next(86_400 * 30));
            }

            games[index] = new RawgGamePlan(index, FirstGeneratedId + g, released, updated.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        }
    }

    public IReadOnlyList<RawgGamePlan> Games => games;

    public RawgCatalogues Catalogues => catalogues;

    /// <summary>The game's list-shaped JSON (as in <c>/games</c> results).</summary>
    public ReadOnlyMemory<byte> Game(int index) =>
        index < catalogues.RecordedGames.Count ? catalogues.RecordedGames[index] : Write(w => WriteGame(w, games[index], detail: false));

    /// <summary>The game's <c>/games/{id}</c> body: recorded when there is one, else the list shape plus detail fields.</summary>
    public ReadOnlyMemory<byte>? Detail(long id)
    {
        if (catalogues.RecordedDetails.TryGetValue(id, out var recorded))
        {
            return recorded;
        }

        var index = id >= FirstGeneratedId ? (long)catalogues.RecordedGames.Count + (id - FirstGeneratedId) : -1;
        return index >= 0 && index < games.Length ? Write(w => WriteGame(w, games[index], detail: true)) : null;
    }

    /// <summary>
    /// Writes every game as RAWG list pages (<c>page-000001.json</c>, … : <c>count</c>, <c>next</c>, <c>previous</c>,
    /// <c>results</c>) into <paramref name="directory"/>, for benchmarks that need bronze-sized input without a server.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public async Task<long> WritePagesAsync(string directory, int pageSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        Directory.CreateDirectory(directory);
        long bytes = 0;
        var pages = (games.Length + pageSize - 1) / pageSize;
        for (var page = 1; page <= pages; page++)
        {
            var body = Page(Enumerable.Range((page - 1) * pageSize, Math.Min(pageSize, games.Length - ((page - 1) * pageSize))).Select(Game), games.Length,
                page < pages ? $"https://api.rawg.io/api/games?key=REDACTED&page={page + 1}&page_size={pageSize}" : null,
                page > 1 ? $"https://api.rawg.io/api/games?key=REDACTED&page={page - 1}&page_size={pageSize}" : null);
            await File.WriteAllBytesAsync(Path.Combine(directory, $"page-{page:D6}.json"), body, ct);
            bytes += body.Length;
        }

        return bytes;
    }

    /// <summary>A RAWG list envelope around <paramref name="results"/>.</summary>
    public static byte[] Page(IEnumerable<ReadOnlyMemory<byte>> results, long count, string? next, string? previous) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("count", count);
        WriteStringOrNull(w, "next", next);
        WriteStringOrNull(w, "previous", previous);
        w.WriteStartArray("results");
        foreach (var result in results)
        {
            w.WriteRawValue(result.Span, skipInputValidation: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private void WriteGame(Utf8JsonWriter w, RawgGamePlan plan, bool detail)
    {
        if (plan.Index < catalogues.RecordedGames.Count)
        {
            w.WriteRawValue(catalogues.RecordedGames[plan.Index].Span);
            return;
        }

        var random = SampleRandom.For(seed, GameStream + 1, plan.Id);
        var name = $"{random.Pick(Adjectives)} {random.Pick(Nouns)} {plan.Id - FirstGeneratedId + 1}";
        var released = plan.Released?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteNumber("id", plan.Id);
        w.WriteString("slug", $"game-{plan.Id}");
        w.WriteString("name", name);
        if (detail)
        {
            w.WriteString("name_original", name);
            w.WriteString("description", $"<p>{name} is a generated game.</p>");
            w.WriteString("description_raw", $"{name} is a generated game.");
            w.WriteString("website", "");
        }

        WriteStringOrNull(w, "released", released);
        w.WriteBoolean("tba", released is null);
        w.WriteString("background_image", $"https://media.rawg.io/media/games/{plan.Id % 4096:x3}/{plan.Id}.jpg");
        var rated = random.Chance(0.7);
        var rating = rated ? Math.Round(random.Between(1.0, 5.0), 2) : 0.0;
        w.WriteNumber("rating", rating);
        w.WriteNumber("rating_top", rated ? (rating >= 3.5 ? 5 : 4) : 0);
        w.WriteStartArray("ratings");
        var ratingsCount = 0;
        if (rated)
        {
            var counts = RatingTitles.Select(_ => random.Between(0, 400)).ToArray();
            var total = Math.Max(1, counts.Sum());
            for (var r = 0; r < RatingTitles.Length; r++)
            {
                if (counts[r] == 0)
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteNumber("id", RatingTitles[r].Id);
                w.WriteString("title", RatingTitles[r].Title);
                w.WriteNumber("count", counts[r]);
                w.WriteNumber("percent", Math.Round(100.0 * counts[r] / total, 2));
                w.WriteEndObject();
            }

            ratingsCount = counts.Sum();
        }

        w.WriteEndArray();
        w.WriteNumber("ratings_count", ratingsCount);
        w.WriteNumber("reviews_text_count", random.Next(20));
        var added = random.Between(0, 20_000);
        w.WriteNumber("added", added);
        if (random.Chance(0.1))
        {
            w.WriteNull("added_by_status");
        }
        else
        {
            w.WriteStartObject("added_by_status");
            foreach (var status in (string[])["yet", "owned", "beaten", "toplay", "dropped", "playing"])
            {
                // RAWG leaves zero counts out.
                if (random.Chance(0.7))
                {
                    w.WriteNumber(status, 1 + random.Next(Math.Max(1, added / 4)));
                }
            }

            w.WriteEndObject();
        }

        if (random.Chance(0.3))
        {
            w.WriteNumber("metacritic", random.Between(40, 99));
        }
        else
        {
            w.WriteNull("metacritic");
        }

        w.WriteNumber("playtime", random.Next(80));
        w.WriteNumber("suggestions_count", random.Next(700));
        w.WriteString("updated", plan.Updated);
        w.WriteNull("user_game");
        w.WriteNumber("reviews_count", ratingsCount);
        w.WriteString("saturated_color", "0f0f0f");
        w.WriteString("dominant_color", "0f0f0f");

        var platforms = random.Chance(0.05) ? [] : Distinct(random, catalogues.Platforms, random.Between(1, 4));
        w.WriteStartArray("platforms");
        foreach (var platform in platforms)
        {
            w.WriteStartObject();
            w.WriteStartObject("platform");
            w.WriteNumber("id", platform.Id);
            w.WriteString("name", platform.Name);
            w.WriteString("slug", platform.Slug);
            w.WriteNull("image");
            WriteNumberOrNull(w, "year_end", platform.YearEnd);
            WriteNumberOrNull(w, "year_start", platform.YearStart);
            w.WriteNumber("games_count", platform.GamesCount);
            WriteStringOrNull(w, "image_background", platform.ImageBackground);
            w.WriteEndObject();
            WriteStringOrNull(w, "released_at", released);
            if (platform.Slug == "pc" && random.Chance(0.6))
            {
                w.WriteStartObject(detail ? "requirements" : "requirements_en");
                w.WriteString("minimum", "Minimum: OS: Windows 10, Memory: 8 GB RAM");
                w.WriteString("recommended", "Recommended: OS: Windows 11, Memory: 16 GB RAM");
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull(detail ? "requirements" : "requirements_en");
            }

            if (!detail)
            {
                w.WriteNull("requirements_ru");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("parent_platforms");
        foreach (var parent in platforms.Select(p => p.ParentId).OfType<int>().Distinct())
        {
            var item = catalogues.ParentPlatforms.FirstOrDefault(p => p.Id == parent);
            if (item is null)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteStartObject("platform");
            w.WriteNumber("id", item.Id);
            w.WriteString("name", item.Name);
            w.WriteString("slug", item.Slug);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("genres");
        foreach (var genre in Distinct(random, catalogues.Genres, random.Between(0, 3)))
        {
            Embedded(w, genre);
        }

        w.WriteEndArray();
        w.WriteStartArray("stores");
        var link = 0;
        foreach (var store in Distinct(random, catalogues.Stores, random.Between(0, 3)))
        {
            w.WriteStartObject();
            w.WriteNumber("id", (plan.Id * 10) + link++);
            if (detail)
            {
                w.WriteString("url", $"https://{store.Domain}/app/{plan.Id}");
            }

            w.WritePropertyName("store");
            Embedded(w, store);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNull("clip");
        if (random.Chance(0.15))
        {
            w.WriteNull("tags");
        }
        else
        {
            w.WriteStartArray("tags");
            foreach (var tag in Distinct(random, catalogues.Tags, random.Between(0, 8)))
            {
                Embedded(w, tag);
            }

            w.WriteEndArray();
        }

        if (random.Chance(0.6))
        {
            w.WriteNull("esrb_rating");
        }
        else
        {
            var esrb = random.Pick(EsrbRatings);
            w.WriteStartObject("esrb_rating");
            w.WriteNumber("id", esrb.Id);
            w.WriteString("name", esrb.Name);
            w.WriteString("slug", esrb.Slug);
            w.WriteEndObject();
        }

        if (detail)
        {
            foreach (var people in (string[])["developers", "publishers"])
            {
                w.WriteStartArray(people);
                w.WriteStartObject();
                w.WriteNumber("id", 1000 + random.Next(500));
                w.WriteString("name", $"{random.Pick(Nouns)} {(people == "developers" ? "Studio" : "Publishing")}");
                w.WriteString("slug", $"{people}-{plan.Id}");
                w.WriteNumber("games_count", random.Between(1, 50));
                w.WriteString("image_background", "https://media.rawg.io/media/games/demo.jpg");
                w.WriteEndObject();
                w.WriteEndArray();
            }
        }
        else
        {
            w.WriteStartArray("short_screenshots");
            for (var s = 0; s < 1 + random.Next(3); s++)
            {
                w.WriteStartObject();
                w.WriteNumber("id", s == 0 ? -1 : (plan.Id * 10) + s);
                w.WriteString("image", $"https://media.rawg.io/media/screenshots/{plan.Id}-{s}.jpg");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Embedded(Utf8JsonWriter w, RawgCatalogueItem item)
    {
        w.WriteStartObject();
        w.WriteNumber("id", item.Id);
        w.WriteString("name", item.Name);
        w.WriteString("slug", item.Slug);
        if (item.Domain is not null)
        {
            w.WriteString("domain", item.Domain);
        }

        if (item.Language is not null)
        {
            w.WriteString("language", item.Language);
        }

        w.WriteNumber("games_count", item.GamesCount);
        WriteStringOrNull(w, "image_background", item.ImageBackground);
        w.WriteEndObject();
    }

    private static List<RawgCatalogueItem> Distinct(SampleRandom random, IReadOnlyList<RawgCatalogueItem> items, int count)
    {
        var chosen = new List<RawgCatalogueItem>(count);
        for (var tries = 0; chosen.Count < Math.Min(count, items.Count) && tries < count * 4; tries++)
        {
            var item = random.Pick(items);
            if (!chosen.Contains(item))
            {
                chosen.Add(item);
            }
        }

        return chosen;
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, int? value)
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

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
