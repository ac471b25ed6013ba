using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// The fast path (bodies judged clean, read typed) against the careful path (every member's JSON type judged in SQL)
/// over the same bodies: the same rows, quarantine and drift, and every lenient cast DuckDB's typed read would make
/// sends its body the careful way instead. The bodies are 50 pages of RAWG games made from the recorded page 1.
/// </summary>
public sealed class SilverFastPathTests : IDisposable
{
    private const int Pages = 50;
    private static readonly DateTimeOffset LandedAt = new(2024, 8, 11, 6, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory work = new();
    private int sequence;

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public void Clean_pages_are_all_read_the_fast_way_and_give_the_careful_paths_rows()
    {
        // Given 50 clean pages of 20 games (1,000 games)
        var inputs = Pages_(_ => { });

        // When they are transformed both ways
        var (fast, careful) = BothWays(inputs);

        // Then every body went the fast way, and the files hold the same rows as the careful path's
        fast.BodiesReadFast.ShouldBe(Pages);
        careful.BodiesReadFast.ShouldBe(0);
        Tables(fast).ShouldBe(Tables(careful));
        fast.Files.Single(f => f.Table == "rawg_games").Rows.ShouldBe(Pages * 20);
        fast.RowsQuarantined.ShouldBe(0);
    }

    [SkippableTheory]
    [InlineData("id", "\"3498\"", "wrong type: id is VARCHAR, expected an integer")]
    [InlineData("tba", "1", "wrong type: tba is UBIGINT, expected a boolean")]
    [InlineData("name", "12", "wrong type: name is UBIGINT, expected a string")]
    [InlineData("playtime", "1.5", "wrong type: playtime is DOUBLE, expected an integer")]
    [InlineData("rating", "\"4.5\"", "wrong type: rating is VARCHAR, expected a number")]
    [InlineData("metacritic", "3000000000", "out of range: metacritic is 3000000000, expected a 32-bit integer")]
    [InlineData("updated", "\"yesterday\"", "unparsable updated: \"yesterday\" is not a timestamp")]
    [InlineData("esrb_rating", "\"M\"", "wrong type: esrb_rating is VARCHAR, expected an object")]
    [InlineData("platforms", "[\"pc\"]", "wrong type: platforms[1] is VARCHAR, expected an object")]
    [InlineData("tags", "[{\"id\": \"31\"}]", "wrong type: tags[1].id is VARCHAR, expected an integer")]
    public void A_lenient_cast_in_the_last_game_of_the_last_page_sends_that_page_the_careful_way(string member, string json, string reason)
    {
        // Given 49 clean pages and a last page whose last game has a value DuckDB's typed read would cast
        var inputs = Pages_(pages => pages[^1][^1]![member] = JsonNode.Parse(json));

        // When they are transformed both ways
        var (fast, careful) = BothWays(inputs);

        // Then only that page went the careful way, that game alone is quarantined with the careful path's reason,
        // and every file holds the same rows either way
        fast.BodiesReadFast.ShouldBe(Pages - 1);
        Tables(fast).ShouldBe(Tables(careful));
        using var silver = new SilverOutput(fast);
        silver.Rows("SELECT reason FROM rawg_quarantine").ShouldBe([reason]);
        silver.Count("rawg_games").ShouldBe(Pages * 20 - 1);
    }

    [SkippableFact]
    public void Text_where_a_number_is_expected_and_a_number_where_text_is_expected_in_one_game_names_the_first_in_column_order()
    {
        // Given a game whose slug is a number and whose rating is text (slug comes before rating in rawg_games)
        var inputs = Pages_(pages =>
        {
            pages[0][3]!["slug"] = 7;
            pages[0][3]!["rating"] = "high";
        });

        var (fast, careful) = BothWays(inputs);

        Tables(fast).ShouldBe(Tables(careful));
        using var silver = new SilverOutput(fast);
        silver.Rows("SELECT reason FROM rawg_quarantine").ShouldBe(["wrong type: slug is UBIGINT, expected a string"]);
    }

    [SkippableFact]
    public void Unknown_members_unicode_escapes_and_ten_thousand_tags_read_fast_as_the_careful_path_reads_them()
    {
        // Given clean pages with an unknown member in one game and in one of its platforms, a name written with
        // \u escapes (é and a surrogate pair), and a game with 10,000 tags
        var inputs = Pages_(pages =>
        {
            pages[1][0]!["new_field"] = true;
            pages[1][0]!["platforms"]![0]!["platform"]!["new_flag"] = 1;
            pages[2][0]!["name"] = "ESCAPED";
            var tags = new JsonArray();
            for (var i = 0; i < 10_000; i++)
            {
                tags.Add(new JsonObject { ["id"] = 100_000 + i, ["name"] = $"tag {i}", ["slug"] = $"tag-{i}", ["language"] = "eng", ["games_count"] = i });
            }

            pages[3][0]!["tags"] = tags;
        }, text => text.Replace("\"ESCAPED\"", "\"caf\\u00e9 \\ud83d\\ude80\"", StringComparison.Ordinal));

        var (fast, careful) = BothWays(inputs);

        // Then all went fast, and rows and drift are the careful path's
        fast.BodiesReadFast.ShouldBe(Pages);
        Tables(fast).ShouldBe(Tables(careful));
        fast.Drift.ShouldBe(careful.Drift);
        fast.Drift.Select(d => (d.Field, d.Occurrences)).ShouldBe([("games.new_field", 1L), ("games.platforms[].platform.new_flag", 1L)]);
        using var silver = new SilverOutput(fast);
        silver.Count("rawg_games", "name = 'café 🚀'").ShouldBe(1);
        silver.Count("rawg_game_tags", "tag_id >= 100000").ShouldBe(10_000);
    }

    [SkippableFact]
    public void A_byte_that_is_not_utf8_quarantines_its_game_alone_and_the_rest_of_the_page_is_read()
    {
        // Given a page whose fifth game's name holds a byte that is not UTF-8 (0xFF)
        var inputs = Pages_(pages => pages[7][4]!["name"] = "NOT-UTF8", bytes: true);

        var (fast, careful) = BothWays(inputs);

        // Then that game alone is quarantined, naming the element, and the other 999 are rows either way
        Tables(fast).ShouldBe(Tables(careful));
        using var silver = new SilverOutput(fast);
        var quarantined = silver.Rows("SELECT reason, _bronze_key, record LIKE '%\uFFFD%' FROM rawg_quarantine");
        quarantined.Count.ShouldBe(1);
        quarantined[0].ShouldStartWith("invalid UTF-8: element 5 has a byte that is not UTF-8 at byte ");
        quarantined[0].ShouldEndWith("| bronze/rawg/games/all/page-008.json | True");
        silver.Count("rawg_games").ShouldBe(Pages * 20 - 1);
        fast.BodiesReadFast.ShouldBe(Pages);
    }

    [SkippableFact]
    public void Bodies_split_into_lines_give_the_same_rows_quarantine_and_drift_as_read_whole()
    {
        // Given pages with a wrong type, an unknown member and a game that is not an object
        var inputs = Pages_(pages =>
        {
            pages[0][2]!["rating"] = "high";
            pages[1][0]!["new_field"] = true;
            pages[2][1] = 42;
        });

        // When every body is split into lines (as bodies above SplitAbove are), and when none is
        var split = new SilverTransform(BuiltInSources.Catalog.Silver) { SplitAbove = 0 }
            .Run("rawg.games", inputs, work.Combine("silver", "split"), CancellationToken.None);
        var whole = Transform(inputs, fastPath: true);

        // Then the files and the drift are the same; split, only the two bad games went the careful way, where read
        // whole their two pages did
        Tables(split).ShouldBe(Tables(whole));
        split.Drift.ShouldBe(whole.Drift);
        split.RowsQuarantined.ShouldBe(2);
        split.BodiesReadFast.ShouldBe(Pages);
        whole.BodiesReadFast.ShouldBe(Pages - 2);
    }

    [SkippableFact]
    public void A_sixty_megabyte_page_with_one_bad_game_is_read_in_lines_within_the_memory_limit()
    {
        // Given one page of 5,500 games (about 60 MB) whose last game has a wrong type: read whole the careful way,
        // DuckDB ran out of its 512 MB on a 53 MB body
        var recorded = JsonNode.Parse(File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")))!["results"]!.AsArray();
        var games = new JsonArray();
        for (var i = 0; i < 5_500; i++)
        {
            var game = recorded[i % recorded.Count]!.DeepClone();
            game["id"] = i + 1;
            games.Add(game);
        }

        games[^1]!["id"] = "5500";
        var path = work.Combine("bronze", "big.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, new JsonObject { ["count"] = 5_500, ["results"] = games }.ToJsonString());
        new FileInfo(path).Length.ShouldBeGreaterThan(50L << 20);

        // When it is transformed with the default memory limit
        var result = Transform([new BronzeInput(path, "bronze/rawg/games/all/big.json", "run-1", LandedAt)], fastPath: true);

        // Then the bad game alone is quarantined and the others are rows
        using var silver = new SilverOutput(result);
        silver.Rows("SELECT reason FROM rawg_quarantine").ShouldBe(["wrong type: id is VARCHAR, expected an integer"]);
        silver.Count("rawg_games").ShouldBe(5_499);
    }

    /// <summary>Pages of the recorded games, ids made unique per page, after <paramref name="change"/>; each a bronze input.</summary>
    private List<BronzeInput> Pages_(Action<List<JsonArray>> change, Func<string, string>? text = null, bool bytes = false)
    {
        var recorded = JsonNode.Parse(File.ReadAllText(RawgSilverTests.Fixture("games-page1.json")))!["results"]!.AsArray();
        var pages = new List<JsonArray>();
        for (var page = 0; page < Pages; page++)
        {
            var games = new JsonArray();
            foreach (var game in recorded)
            {
                var copy = game!.DeepClone();
                copy["id"] = (page * 1_000_000) + copy["id"]!.GetValue<int>();
                games.Add(copy);
            }

            pages.Add(games);
        }

        change(pages);
        return [.. pages.Select((games, i) =>
        {
            var path = work.Combine("bronze", $"page-{i + 1:000}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var body = new JsonObject { ["count"] = Pages * 20, ["next"] = null, ["results"] = games }.ToJsonString();
            var utf8 = Encoding.UTF8.GetBytes(text is null ? body : text(body));
            if (bytes)
            {
                // NOT-UTF8 becomes NOT-<0xFF>UTF8: one byte that no UTF-8 text holds.
                var at = utf8.AsSpan().IndexOf("NOT-UTF8"u8);
                if (at >= 0)
                {
                    utf8 = [.. utf8[..(at + 4)], 0xFF, .. utf8[(at + 4)..]];
                }
            }

            File.WriteAllBytes(path, utf8);
            return new BronzeInput(path, $"bronze/rawg/games/all/page-{i + 1:000}.json", "run-1", LandedAt);
        })];
    }

    private (SilverChunkResult Fast, SilverChunkResult Careful) BothWays(List<BronzeInput> inputs) =>
        (Transform(inputs, fastPath: true), Transform(inputs, fastPath: false));

    private SilverChunkResult Transform(List<BronzeInput> inputs, bool fastPath) =>
        new SilverTransform(BuiltInSources.Catalog.Silver) { FastPath = fastPath }
            .Run("rawg.games", inputs, work.Combine("silver", $"{++sequence}"), CancellationToken.None);

    /// <summary>Every file's rows, as text, each after its table's name, in the order written (the table's key order).</summary>
    private static List<string> Tables(SilverChunkResult result)
    {
        using var silver = new SilverOutput(result);
        return [.. result.Files.SelectMany(f => silver.Rows($"SELECT * FROM {f.Table}").Select(row => $"{f.Table}: {row}").Prepend($"{f.Table}: {f.Rows} rows"))];
    }
}
