using System.Globalization;
using System.Text.Json.Nodes;
using Lakehouse.Gold;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Silver;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Tests.Gold;

/// <summary>
/// The RAWG star built from the recorded responses, transformed by the real silver scripts. Expected numbers are
/// computed from the fixture JSON with python3 (commands beside them), never read back from gold.
/// </summary>
public sealed class RawgGoldTests : IDisposable
{
    private static readonly DateTime Monday = new(2024, 8, 12, 6, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory work = new();
    private readonly StarSchemaBuilder builder = new(BuiltInSources.Catalog, new FixedTimeProvider(new DateTimeOffset(2024, 8, 20, 0, 0, 0, TimeSpan.Zero)), NullLogger<StarSchemaBuilder>.Instance);
    private readonly Dictionary<string, List<string>> silver = new(StringComparer.Ordinal);
    private readonly string goldPath;
    private int objects;

    public RawgGoldTests() => goldPath = work.Combine("gold", "lakehouse.duckdb");

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public async Task Games_per_genre_and_average_rating_per_platform_match_page_one()
    {
        // Given page 1 of games and the catalogues, as recorded
        LandCatalogues(Monday);
        Land("rawg.games", Monday, File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")));

        // When gold is built
        await Build();

        // Then games per genre are those of page 1. python3 -c "import json,collections;
        //   r=json.load(open('games-page1.json'))['results'];
        //   print(sorted(collections.Counter(x['name'] for g in r for x in g['genres']).items()))"
        using var gold = GoldFile.Open(goldPath);
        Rows(gold, """
            SELECT dim_genre.name, count(*) FROM bridge_game_genre JOIN dim_genre USING (genre_key)
            GROUP BY ALL ORDER BY 1
            """).ShouldBe(
        [
            "Action | 17", "Adventure | 1", "Fighting | 1", "Indie | 1", "Platformer | 1", "Puzzle | 3", "RPG | 4", "Shooter | 10",
        ]);

        // And the average rating per platform too. python3: s=defaultdict(list); for g in r: for p in g['platforms']:
        //   s[p['platform']['name']].append(g['rating']); {k: (len(v), round(sum(v)/len(v), 4))}
        Rows(gold, """
            SELECT dim_platform.name, count(*), round(avg(fact_game.rating), 4)
            FROM bridge_game_platform JOIN dim_platform USING (platform_key) JOIN fact_game USING (game_key)
            WHERE dim_platform.name IN ('PC', 'PlayStation 4', 'Xbox 360', 'Nintendo Switch', 'Web')
            GROUP BY ALL ORDER BY 1
            """).ShouldBe(["Nintendo Switch | 6 | 4.4133", "PC | 20 | 4.212", "PlayStation 4 | 12 | 4.26", "Web | 1 | 3.53", "Xbox 360 | 13 | 4.2469"]);

        // And every tag, platform and store the games or catalogues name is a member, plus the unknown one. python3:
        // len({ids in tags-page1} | {ids nested in games}) → 156 tags, 51 platforms, 10 stores; genres.json → 19
        gold.Scalar<long>("SELECT count(*) FROM dim_tag").ShouldBe(157);
        gold.Scalar<long>("SELECT count(*) FROM dim_platform").ShouldBe(52);
        gold.Scalar<long>("SELECT count(*) FROM dim_store").ShouldBe(11);
        gold.Scalar<long>("SELECT count(*) FROM dim_genre").ShouldBe(20);

        // And a platform names its parent: PS Vita (19) is in PlayStation's list (platforms-lists-parents.json, id 2)
        Rows(gold, "SELECT parent_platform_name FROM dim_platform WHERE platform_id = 19").ShouldBe(["PlayStation"]);

        // And the ESRB ratings are 15 Mature, 3 Teen, 1 Everyone 10+, 1 Adults Only (Counter over esrb_rating.name)
        Rows(gold, "SELECT dim_esrb_rating.name, count(*) FROM fact_game JOIN dim_esrb_rating USING (esrb_rating_key) GROUP BY ALL ORDER BY 2 DESC, 1")
            .ShouldBe(["Mature | 15", "Teen | 3", "Adults Only | 1", "Everyone 10+ | 1"]);

        // And every release date is in the calendar, which spans 2004-2018 (python3: sorted({g['released'][:4]}))
        Rows(gold, "SELECT min(year), max(year) FROM dim_date WHERE date_key > 0").ShouldBe(["2004 | 2018"]);
        Rows(gold, "SELECT released::VARCHAR, released_date_key FROM fact_game WHERE game_id = 3498").ShouldBe(["2013-09-17 | 20130917"]);
    }

    [SkippableFact]
    public async Task A_null_esrb_rating_is_the_unknown_member_and_null_tags_or_empty_platforms_give_no_bridge_rows()
    {
        // Given GTA V without esrb_rating, tags null and platforms []
        var gta = Game(3498);
        gta["esrb_rating"] = null;
        gta["tags"] = null;
        gta["platforms"] = new JsonArray();
        Land("rawg.games", Monday, Envelope(gta, Game(3328)));

        // When gold is built
        await Build();

        // Then the game is in the fact on the unknown rating, without tag or platform rows; the other one has its 7
        // platforms (python3: len(r[1]['platforms']))
        using var gold = GoldFile.Open(goldPath);
        Rows(gold, "SELECT dim_esrb_rating.name FROM fact_game JOIN dim_esrb_rating USING (esrb_rating_key) WHERE game_id = 3498").ShouldBe(["Unknown"]);
        Rows(gold, "SELECT esrb_rating_key FROM fact_game WHERE game_id = 3498").ShouldBe(["-1"]);
        gold.Scalar<long>("SELECT count(*) FROM bridge_game_tag JOIN fact_game USING (game_key) WHERE game_id = 3498").ShouldBe(0);
        gold.Scalar<long>("SELECT count(*) FROM bridge_game_platform JOIN fact_game USING (game_key) WHERE game_id = 3498").ShouldBe(0);
        gold.Scalar<long>("SELECT count(*) FROM bridge_game_platform JOIN fact_game USING (game_key) WHERE game_id = 3328").ShouldBe(7);
    }

    [SkippableFact]
    public async Task Silver_keeps_every_observation_and_gold_shows_the_newest_updated()
    {
        // Given GTA V landed on Monday, then on Tuesday with a newer updated, a new name and only its first genre,
        // then on Wednesday a stale copy (an older updated, landed last)
        Land("rawg.games", Monday, Envelope(Game(3498)));
        var newer = Game(3498);
        newer["updated"] = "2024-08-11T09:00:00";
        newer["name"] = "Grand Theft Auto V (newer)";
        newer["genres"] = new JsonArray(newer["genres"]![0]!.DeepClone());
        Land("rawg.games", Monday.AddDays(1), Envelope(newer));
        var stale = Game(3498);
        stale["updated"] = "2024-08-01T00:00:00";
        stale["name"] = "Grand Theft Auto V (stale)";
        Land("rawg.games", Monday.AddDays(2), Envelope(stale));

        // When gold is built
        await Build();

        // Then silver holds the three observations, and gold the newest updated with that observation's one genre
        using (var output = new SilverReader(silver["rawg_games"]))
        {
            output.Count().ShouldBe(3);
        }

        using var gold = GoldFile.Open(goldPath);
        Rows(gold, "SELECT name, updated::VARCHAR FROM fact_game").ShouldBe(["Grand Theft Auto V (newer) | 2024-08-11 09:00:00"]);
        Rows(gold, "SELECT dim_genre.name FROM bridge_game_genre JOIN dim_genre USING (genre_key)").ShouldBe(["Action"]);
    }

    [SkippableFact]
    public async Task An_incremental_build_merges_only_the_new_files_and_equals_a_rebuild()
    {
        // Given gold built from the catalogues and page 1
        LandCatalogues(Monday);
        Land("rawg.games", Monday, File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")));
        await Build();

        // When a new page changes two games (one loses its tags and gains a rating; one gets an older updated, which
        // must not win) and adds a new game, and gold is built again
        var changed = Game(3498);
        changed["updated"] = "2024-09-01T00:00:00";
        changed["tags"] = null;
        changed["rating"] = 1.5;
        var older = Game(3328);
        older["updated"] = "2020-01-01T00:00:00";
        older["name"] = "stale";
        var added = Game(4200);
        added["id"] = 999_999;
        added["genres"]![0]!["id"] = 424_242;
        added["genres"]![0]!["name"] = "Brand-new genre";
        Land("rawg.games", Monday.AddDays(1), Envelope(changed, older, added));
        var incremental = await Build();

        // Then the RAWG models were merged, SpaceX's were kept, the calendar and bookkeeping rebuilt
        incremental.Modes["fact_game"].ShouldBe(GoldModelMode.Merged);
        incremental.Modes["bridge_game_tag"].ShouldBe(GoldModelMode.Merged);
        incremental.Modes["dim_genre"].ShouldBe(GoldModelMode.Merged);
        incremental.Modes["fact_launch"].ShouldBe(GoldModelMode.Kept);
        incremental.Modes["dim_date"].ShouldBe(GoldModelMode.Rebuilt);
        incremental.Modes["meta_silver_file"].ShouldBe(GoldModelMode.Rebuilt);

        // And the rows say what happened: 21 games, GTA V rated 1.5 without tags, the Witcher not stale, a new genre
        using (var gold = GoldFile.Open(goldPath))
        {
            gold.Scalar<long>("SELECT count(*) FROM fact_game").ShouldBe(21);
            Rows(gold, "SELECT rating FROM fact_game WHERE game_id = 3498").ShouldBe(["1.5"]);
            gold.Scalar<long>("SELECT count(*) FROM bridge_game_tag JOIN fact_game USING (game_key) WHERE game_id = 3498").ShouldBe(0);
            Rows(gold, "SELECT name FROM fact_game WHERE game_id = 3328").ShouldBe(["The Witcher 3: Wild Hunt"]);
            Rows(gold, "SELECT name FROM dim_genre WHERE genre_id = 424242").ShouldBe(["Brand-new genre"]);
        }

        // And model --rebuild gives the same rows
        var merged = GoldFile.Contents(goldPath);
        var rebuilt = await Build(rebuild: true);
        rebuilt.Modes.Values.ShouldAllBe(m => m == GoldModelMode.Rebuilt);
        GoldFile.Contents(goldPath).ShouldHaveSameContents(merged);
    }

    [SkippableFact]
    public async Task A_new_parent_platform_list_rebuilds_the_platforms_and_a_vanished_file_rebuilds_everything()
    {
        // Given gold built from page 1 and the catalogues
        LandCatalogues(Monday);
        Land("rawg.games", Monday, File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")));
        await Build();

        // When a new parent platform list moves PS Vita (19) under a new parent
        var parents = JsonNode.Parse(File.ReadAllText(RawgSilverTests.Fixture("platforms-lists-parents.json")))!;
        var results = parents["results"]!.AsArray();
        foreach (var parent in results)
        {
            var members = parent!["platforms"]!.AsArray();
            foreach (var vita in members.Where(p => (int)p!["id"]! == 19).ToList())
            {
                members.Remove(vita);
            }
        }

        results.Add(new JsonObject { ["id"] = 99, ["name"] = "Handhelds", ["slug"] = "handhelds", ["platforms"] = new JsonArray(new JsonObject { ["id"] = 19 }) });
        Land("rawg.parent_platforms", Monday.AddDays(1), parents.ToJsonString());
        var result = await Build();

        // Then dim_platform was rebuilt (it reads the lists whole), the games were kept, and PS Vita has its new parent
        result.Modes["dim_platform"].ShouldBe(GoldModelMode.Rebuilt);
        result.Modes["fact_game"].ShouldBe(GoldModelMode.Kept);
        using (var gold = GoldFile.Open(goldPath))
        {
            Rows(gold, "SELECT parent_platform_name FROM dim_platform WHERE platform_id = 19").ShouldBe(["Handhelds"]);
        }

        // When a silver file the gold was built from disappears
        silver["rawg_genres"].Clear();
        var afterLoss = await Build();

        // Then everything is rebuilt
        afterLoss.Modes.Values.ShouldAllBe(m => m == GoldModelMode.Rebuilt);
    }

    [SkippableFact]
    public async Task A_member_of_an_observed_dimension_is_its_latest_observation_from_catalogue_or_game_plus_the_unknown_one()
    {
        // Given the tag catalogue on Monday naming tag 31 and tag 40
        Land("rawg.tags", Monday, Envelope(Tag(31, "Catalogue 31", 100), Tag(40, "Catalogue 40", 400)));
        // And on Tuesday one page of two games, both naming tag 31 otherwise, and game 2 naming tag 40 otherwise too
        Land("rawg.games", Monday.AddDays(1), Envelope(
            GameWithTags(1, Tag(31, "Game 1's 31", 101)),
            GameWithTags(2, Tag(31, "Game 2's 31", 102), Tag(40, "Game 2's 40", 402))));

        // When gold is built
        await Build();

        // Then Tuesday's observations win over Monday's catalogue; between the two games of one page, the greater game
        // id wins. Keys: python3 -c "import hashlib; print(int.from_bytes(hashlib.md5(b'31').digest()[8:], 'little') >> 1)"
        const string Tags = "SELECT tag_key, tag_id, name, slug, games_count, observed_in_game_id FROM dim_tag ORDER BY tag_id NULLS FIRST";
        using (var gold = GoldFile.Open(goldPath))
        {
            Rows(gold, Tags).ShouldBe(
            [
                "-1 |  | Unknown |  |  | ",
                "8842566074174942316 | 31 | Game 2's 31 | tag-31 | 102 | 2",
                "8102292273149435325 | 40 | Game 2's 40 | tag-40 | 402 | 2",
            ]);
        }

        // When the catalogue lands again on Wednesday, renaming tag 40 only, and gold is built incrementally
        Land("rawg.tags", Monday.AddDays(2), Envelope(Tag(40, "Catalogue 40 again", 403)));
        var incremental = await Build();

        // Then the catalogue's newer observation of tag 40 wins (it counts as game -1), and tag 31 stays game 2's
        incremental.Modes["dim_tag"].ShouldBe(GoldModelMode.Merged);
        using (var gold = GoldFile.Open(goldPath))
        {
            Rows(gold, Tags).ShouldBe(
            [
                "-1 |  | Unknown |  |  | ",
                "8842566074174942316 | 31 | Game 2's 31 | tag-31 | 102 | 2",
                "8102292273149435325 | 40 | Catalogue 40 again | tag-40 | 403 | -1",
            ]);

            // And the bridge follows each game's current observation to the same members
            Rows(gold, "SELECT game_id, tag_ordinal, tag_id FROM bridge_game_tag JOIN fact_game USING (game_key) JOIN dim_tag USING (tag_key) ORDER BY ALL")
                .ShouldBe(["1 | 1 | 31", "2 | 1 | 31", "2 | 2 | 40"]);
        }

        // And model --rebuild gives the same rows
        var merged = GoldFile.Contents(goldPath);
        await Build(rebuild: true);
        GoldFile.Contents(goldPath).ShouldHaveSameContents(merged);
    }

    private static JsonObject Game(int id) =>
        JsonNode.Parse(File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")))!["results"]!.AsArray()
            .Single(g => (int)g!["id"]! == id)!.AsObject().DeepClone().AsObject();

    private static JsonObject Tag(int id, string name, int gamesCount) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["slug"] = $"tag-{id}",
        ["language"] = "eng",
        ["games_count"] = gamesCount,
        ["image_background"] = null,
    };

    /// <summary>GTA V as recorded, renumbered, naming <paramref name="tags"/>.</summary>
    private static JsonObject GameWithTags(int id, params JsonObject[] tags)
    {
        var game = Game(3498);
        game["id"] = id;
        game["slug"] = $"game-{id}";
        game["tags"] = new JsonArray([.. tags]);
        return game;
    }

    private static string Envelope(params JsonNode[] games) =>
        new JsonObject
        {
            ["count"] = games.Length,
            ["next"] = null,
            ["previous"] = null,
            ["results"] = new JsonArray([.. games.Select(g => g.DeepClone())]),
        }.ToJsonString();

    private static List<string> Rows(GoldFile gold, string sql) =>
        [.. gold.Rows(sql).Select(r => string.Join(" | ", r.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))))];

    private void LandCatalogues(DateTime landedAt)
    {
        Land("rawg.genres", landedAt, File.ReadAllText(RawgSilverTests.Fixture("genres.json")));
        Land("rawg.platforms", landedAt, File.ReadAllText(RawgSilverTests.Fixture("platforms-page1.json")));
        Land("rawg.parent_platforms", landedAt, File.ReadAllText(RawgSilverTests.Fixture("platforms-lists-parents.json")));
        Land("rawg.stores", landedAt, File.ReadAllText(RawgSilverTests.Fixture("stores.json")));
        Land("rawg.tags", landedAt, File.ReadAllText(RawgSilverTests.Fixture("tags-page1.json")));
    }

    /// <summary>One bronze object of <paramref name="dataset"/>, transformed by the real script into silver files of its own.</summary>
    private void Land(string dataset, DateTime landedAt, string body)
    {
        objects++;
        var run = landedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-test";
        var path = work.Combine("bronze", $"{objects}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, body);
        var input = new BronzeInput(path, $"bronze/rawg/{dataset[5..]}/all/{run}-{objects:D4}.json", run, new DateTimeOffset(landedAt));
        var result = new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, [input], work.Combine("silver", objects.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        result.RowsQuarantined.ShouldBe(0);
        foreach (var file in result.Files)
        {
            (silver.TryGetValue(file.Table, out var list) ? list : silver[file.Table] = []).Add(file.LocalPath);
        }
    }

    private Task<GoldBuildResult> Build(bool rebuild = false) =>
        builder.BuildAsync(
            goldPath,
            silver.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)[.. s.Value], StringComparer.Ordinal),
            SilverLake.Ddl,
            [],
            "fp-" + objects.ToString(CultureInfo.InvariantCulture),
            CancellationToken.None,
            rebuild);

    /// <summary>Counts rows of silver Parquet files.</summary>
    private sealed class SilverReader(IReadOnlyList<string> files) : IDisposable
    {
        private readonly DuckDB.NET.Data.DuckDBConnection connection = DuckDbTestConnections.OpenInMemory();

        public long Count() =>
            connection.Scalar<long>($"SELECT count(*) FROM read_parquet([{string.Join(", ", files.Select(f => $"'{f}'"))}])");

        public void Dispose() => connection.Dispose();
    }
}
