using System.Text.Json.Nodes;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// The recorded RAWG responses through the RAWG silver scripts, and games changed on purpose. Expected numbers come
/// from the fixture JSON (python3 commands beside them).
/// </summary>
public sealed class RawgSilverTests : IDisposable
{
    private static readonly DateTimeOffset LandedAt = new(2024, 8, 11, 6, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory work = new();
    private int sequence;

    public void Dispose() => work.Dispose();

    public static string Fixture(string name) => Path.Combine(RepositoryPaths.SharedFixtures, "rawg", name);

    [SkippableFact]
    public void A_games_page_gives_one_row_per_game_and_one_per_nested_entry()
    {
        // Given page 1 of GET /games as recorded (20 games)
        // When it is transformed
        using var silver = Transform("rawg.games", Recorded("games-page1.json"));

        // Then every game and every entry of its arrays is a row. python3 -c "import json;
        //   r=json.load(open('games-page1.json'))['results']; print(len(r), *(sum(len(g[k] or []) for g in r)
        //   for k in ('platforms','stores','genres','tags','ratings')))"  → 20 115 91 38 464 80
        silver.Result.Files.Select(f => (f.Table, f.Rows)).ShouldBe(
        [
            ("rawg_games", 20L), ("rawg_game_platforms", 115L), ("rawg_game_stores", 91L), ("rawg_game_genres", 38L),
            ("rawg_game_tags", 464L), ("rawg_game_ratings", 80L), ("rawg_quarantine", 0L),
        ]);
        silver.Result.Drift.ShouldBeEmpty();

        // And values are typed: GTA V as the first result says (python3: r[0] and r[0]['platforms'][0])
        silver.Rows("SELECT name, updated::VARCHAR, released::VARCHAR, rating, metacritic, esrb_rating_id, esrb_rating_name FROM rawg_games WHERE game_id = 3498")
            .ShouldBe(["Grand Theft Auto V | 2024-08-10 17:43:58 | 2013-09-17 | 4.47 | 92 | 4 | Mature"]);
        silver.Rows("SELECT platform_id, platform_name, released_at::VARCHAR, length(requirements_minimum), requirements_recommended IS NOT NULL FROM rawg_game_platforms WHERE game_id = 3498 AND platform_ordinal = 1")
            .ShouldBe(["4 | PC | 2013-09-17 | 1787 | True"]);

        // And 27 platform entries carry requirements (python3: sum(1 for g in r for p in g['platforms'] if p.get('requirements_en')))
        silver.Count("rawg_game_platforms", "requirements_minimum IS NOT NULL OR requirements_recommended IS NOT NULL").ShouldBe(27);

        // And the store's own id is kept apart from the game-store link id (r[0]['stores'][0]: 290375 → store 3)
        silver.Rows("SELECT game_store_id, store_id, store_name FROM rawg_game_stores WHERE game_id = 3498 AND store_ordinal = 1")
            .ShouldBe(["290375 | 3 | PlayStation Store"]);
    }

    [SkippableTheory]
    [InlineData("rawg.genres", "genres.json", "rawg_genres", 19)]
    [InlineData("rawg.platforms", "platforms-page1.json", "rawg_platforms", 50)]
    [InlineData("rawg.stores", "stores.json", "rawg_stores", 10)]
    [InlineData("rawg.tags", "tags-page1.json", "rawg_tags", 10)]
    [InlineData("rawg.parent_platforms", "platforms-lists-parents.json", "rawg_parent_platforms", 14)]
    public void Every_recorded_catalogue_entry_is_a_row(string dataset, string fixture, string table, long entries)
    {
        // Given a recorded catalogue page (python3: len(json.load(open(f))['results']))
        // When it is transformed
        using var silver = Transform(dataset, Recorded(fixture));

        // Then each entry is a row, nothing is quarantined and no member is unknown
        silver.Count(table).ShouldBe(entries);
        silver.Count("rawg_quarantine").ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
    }

    [SkippableFact]
    public void Parent_platforms_list_the_ids_of_their_platforms()
    {
        // Given /platforms/lists/parents, 14 parents grouping 51 platforms (python3: sum(len(p['platforms']) for p in r))
        using var silver = Transform("rawg.parent_platforms", Recorded("platforms-lists-parents.json"));

        // Then the lists hold them all, and PC (1) groups PC (4)
        silver.Scalar<long>("SELECT sum(len(platform_ids)) FROM rawg_parent_platforms").ShouldBe(51);
        silver.Rows("SELECT name, platform_ids::VARCHAR FROM rawg_parent_platforms WHERE parent_platform_id = 1").ShouldBe(["PC | [4]"]);
    }

    [SkippableFact]
    public void A_game_detail_body_is_one_document()
    {
        // Given GET /games/3498: one object, not an envelope
        // When it is transformed
        using var silver = Transform("rawg.game_details", Recorded("game-3498.json"));

        // Then it is one row with its developers and publishers (python3: len(d['developers']), len(d['publishers'])
        // → 2 1; d['website'])
        silver.Rows("SELECT game_id, updated::VARCHAR, len(developers), len(publishers), website, developers[1].name FROM rawg_game_details")
            .ShouldBe(["3498 | 2024-08-10 17:43:58 | 2 | 1 | http://www.rockstargames.com/V/ | Rockstar North"]);
        silver.Count("rawg_quarantine").ShouldBe(0);
        silver.Result.Drift.ShouldBeEmpty();
    }

    [SkippableFact]
    public void A_game_on_two_pages_with_the_same_updated_is_one_observation_and_with_another_updated_two()
    {
        // Given GTA V on page 1 and again on page 2 with the same updated, and Portal 2 again with a newer updated
        var games = Games();
        var gta = games.First(g => (int)g!["id"]! == 3498)!;
        var portal = games.First(g => (int)g!["id"]! == 4200)!.DeepClone();
        portal["updated"] = "2024-09-01T10:00:00";
        var page2 = Body(Envelope(gta, portal));

        // When both pages are transformed in one chunk
        using var silver = Transform("rawg.games", Recorded("games-page1.json"), page2);

        // Then GTA V is one row, from page 2 (the last seen), with its 7 platforms once; Portal 2 is two rows
        silver.Count("rawg_games").ShouldBe(21);
        silver.Rows("SELECT count(*), any_value(_bronze_key) FROM rawg_games WHERE game_id = 3498").ShouldBe([$"1 | {page2.BronzeKey}"]);
        silver.Count("rawg_game_platforms", "game_id = 3498").ShouldBe(7);
        silver.Rows("SELECT updated::VARCHAR FROM rawg_games WHERE game_id = 4200 ORDER BY updated")
            .ShouldBe(["2024-08-07 07:22:25", "2024-09-01 10:00:00"]);
        silver.Count("rawg_game_platforms", "game_id = 4200").ShouldBe(12); // 6 platforms per observation (python3)
    }

    [SkippableFact]
    public void Null_tags_null_esrb_rating_and_empty_platforms_are_valid()
    {
        // Given a game with tags null, esrb_rating null, platforms [] and stores null
        var game = Games()[0]!.DeepClone();
        game["tags"] = null;
        game["esrb_rating"] = null;
        game["platforms"] = new JsonArray();
        game["stores"] = null;

        // When it is transformed
        using var silver = Transform("rawg.games", Body(Envelope(game)));

        // Then it is a game without children of those kinds, and nothing is quarantined
        silver.Count("rawg_quarantine").ShouldBe(0);
        silver.Rows("SELECT game_id, esrb_rating_id IS NULL FROM rawg_games").ShouldBe(["3498 | True"]);
        silver.Count("rawg_game_tags").ShouldBe(0);
        silver.Count("rawg_game_platforms").ShouldBe(0);
        silver.Count("rawg_game_stores").ShouldBe(0);
        silver.Count("rawg_game_genres").ShouldBeGreaterThan(0);
    }

    [SkippableTheory]
    [InlineData("id", "\"3498\"", "wrong type: id is VARCHAR, expected an integer")]
    [InlineData("updated", null, "missing updated")]
    [InlineData("rating", "\"high\"", "wrong type: rating is VARCHAR, expected a number")]
    public void A_game_with_a_wrong_member_is_quarantined_with_the_reason(string member, string? json, string reason)
    {
        // Given one good game and one whose member is wrong (or missing)
        var games = Games();
        var bad = games[1]!.DeepClone().AsObject();
        bad.Remove(member);
        if (json is not null)
        {
            bad[member] = JsonNode.Parse(json);
        }

        // When they are transformed
        using var silver = Transform("rawg.games", Body(Envelope(games[0]!, bad)));

        // Then the good one is a game and the bad one is quarantined, with none of its children in silver
        silver.Count("rawg_games").ShouldBe(1);
        silver.Rows("SELECT dataset, reason FROM rawg_quarantine").ShouldBe([$"games | {reason}"]);
        silver.Count("rawg_game_tags", "game_id <> 3498").ShouldBe(0);
    }

    [SkippableFact]
    public void A_tag_without_an_integer_id_quarantines_its_game()
    {
        // Given a game whose third tag has a string id
        var game = Games()[0]!.DeepClone();
        game["tags"]![2]!["id"] = "x";

        // When it is transformed
        using var silver = Transform("rawg.games", Body(Envelope(game)));

        // Then the whole game goes to quarantine, naming the tag
        silver.Count("rawg_games").ShouldBe(0);
        silver.Rows("SELECT reason FROM rawg_quarantine").ShouldBe(["wrong type: tags[3].id is VARCHAR, expected an integer"]);
    }

    [SkippableFact]
    public void Nested_objects_need_their_ids_and_a_platform_entry_needs_its_platform()
    {
        // Given games whose nested objects lack what silver needs: a platform entry without its platform, a platform
        // without an id, a store link without its store, an esrb_rating without an id (a null esrb_rating is fine)
        var games = Games();
        var noPlatform = games[1]!.DeepClone();
        noPlatform["platforms"]![0]!.AsObject().Remove("platform");
        var noPlatformId = games[2]!.DeepClone();
        noPlatformId["platforms"]![1]!["platform"]!.AsObject().Remove("id");
        var noStore = games[3]!.DeepClone();
        noStore["stores"]![0]!["store"] = null;
        var noEsrbId = games[4]!.DeepClone();
        noEsrbId["esrb_rating"] = new JsonObject { ["name"] = "Mature" };

        // When they are transformed with a good one
        using var silver = Transform("rawg.games", Body(Envelope(games[0]!, noPlatform, noPlatformId, noStore, noEsrbId)));

        // Then each bad one is quarantined, naming what is missing, and the good one is a game
        silver.Rows("SELECT reason FROM rawg_quarantine ORDER BY reason").ShouldBe(
            ["missing esrb_rating.id", "missing platforms[1].platform", "missing platforms[2].platform.id", "missing stores[1].store"]);
        silver.Rows("SELECT game_id FROM rawg_games").ShouldBe(["3498"]);
    }

    [SkippableFact]
    public void A_games_ratings_come_from_its_winning_observation_in_rating_order()
    {
        // Given GTA V on page 1, then again with the same updated and only its "meh" rating, listed first
        var gta = Games().First(g => (int)g!["id"]! == 3498)!.DeepClone();
        var ratings = gta["ratings"]!.AsArray();
        ratings.Count.ShouldBeGreaterThan(1);
        var meh = ratings.First(r => (int)r!["id"]! == 3)!.DeepClone();
        gta["ratings"] = new JsonArray(meh);
        var page2 = Body(Envelope(gta));

        // When both pages are transformed in one chunk
        using var silver = Transform("rawg.games", Recorded("games-page1.json"), page2);

        // Then GTA V's ratings are page 2's one rating, none left over from page 1
        silver.Rows("SELECT rating_id, _bronze_key FROM rawg_game_ratings WHERE game_id = 3498").ShouldBe([$"3 | {page2.BronzeKey}"]);

        // And every game's ratings are in rating order, as the table's key says
        silver.Scalar<long>("SELECT count(*) FROM (SELECT rating_id < lag(rating_id) OVER (PARTITION BY game_id ORDER BY _row) AS descending FROM (SELECT *, row_number() OVER () AS _row FROM rawg_game_ratings)) WHERE descending")
            .ShouldBe(0);
    }

    [SkippableFact]
    public void An_unknown_member_of_a_nested_platform_is_drift()
    {
        // Given a game whose first platform carries a member silver does not know
        var game = Games()[0]!.DeepClone();
        game["platforms"]![0]!["platform"]!["handheld"] = true;

        // When it is transformed
        using var silver = Transform("rawg.games", Body(Envelope(game)));

        // Then it is a game, and the member is reported by its path
        silver.Count("rawg_games").ShouldBe(1);
        silver.Result.Drift.ShouldBe([new SchemaDriftField("games.platforms[].platform.handheld", 1)]);
    }

    private static JsonArray Games() => JsonNode.Parse(File.ReadAllText(Fixture("games-page1.json")))!["results"]!.AsArray();

    private static string Envelope(params JsonNode[] games) =>
        new JsonObject
        {
            ["count"] = games.Length,
            ["next"] = null,
            ["previous"] = null,
            ["results"] = new JsonArray([.. games.Select(g => g.DeepClone())]),
        }.ToJsonString();

    private BronzeInput Recorded(string fixture) => Input(Fixture(fixture));

    private BronzeInput Body(string text)
    {
        var path = work.Combine("bronze", $"object-{sequence + 1}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return Input(path);
    }

    private BronzeInput Input(string path) =>
        new(path, $"bronze/rawg/test/all/20240811T060000Z-test-{++sequence:D4}.json", "20240811T060000Z-test", LandedAt);

    private SilverOutput Transform(string dataset, params BronzeInput[] inputs) =>
        new(new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, inputs, work.Combine("silver", dataset + "-" + sequence), CancellationToken.None));
}
