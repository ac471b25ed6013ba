using Lakehouse.Silver.Declarations;

namespace Lakehouse.Sources.Rawg;

/// <summary>
/// RAWG's silver tables, declared once: from these the transform's scripts, their checks and quarantine reasons, the
/// drift reports and the Parquet contract are written (<see cref="SourceSql.WithSilver"/>). Games keep every
/// observation (change data capture): one row per game id and <c>updated</c> value, so a game that changed three
/// times has three rows and gold picks the newest; a game's child rows carry its game_id and updated and come from the
/// same bronze object. Catalogues (genres, platforms, parent platforms, stores, tags) hold one row per id.
/// </summary>
internal static class RawgSilver
{
    public static IReadOnlyList<SilverDataset> Datasets { get; } =
    [
        Games(),
        GameDetails(),
        Catalogue("genres", "genre_id", "GET /genres", Listed()),
        Catalogue("platforms", "platform_id", "GET /platforms", Listed(PlatformMembers)),
        Catalogue("parent_platforms", "parent_platform_id", "GET /platforms/lists/parents", Parent, "PC, PlayStation, Xbox, ... and the platforms each groups."),
        Catalogue("stores", "store_id", "GET /stores", Listed(StoreMembers)),
        Catalogue("tags", "tag_id", "GET /tags", Listed(TagMembers)),
    ];

    // Properties, not fields: Datasets above is initialised first.
    private static SilverColumn[] PlatformMembers => [new("image", SilverType.String), new("year_start", SilverType.Integer), new("year_end", SilverType.Integer)];
    private static SilverColumn[] StoreMembers => [new("domain", SilverType.String)];
    private static SilverColumn[] TagMembers => [new("language", SilverType.String)];

    /// <summary>A parent platform's members after its id, name and slug: the ids of the platforms it groups.</summary>
    private static CatalogueShape Parent =>
        new([new("platform_ids", SilverType.ListOf(SilverType.Integer, member: "id", nullEntryIsWrong: true), "platforms")], []);

    /// <summary>The members of a catalogue entry after its id, name and slug, and those silver does not keep.</summary>
    private sealed record CatalogueShape(IReadOnlyList<SilverColumn> Members, IReadOnlyList<string> Ignored);

    /// <summary>A catalogue entry as the list endpoints and a game's nested objects give it: its own members, then its counts.</summary>
    private static CatalogueShape Listed(params SilverColumn[] own) =>
        new([.. own, new("games_count", SilverType.Integer), new("image_background", SilverType.String)], ["games", "description"]);

    /// <summary>Every catalogue entry: an integer id (required), a name and a slug, then its own members.</summary>
    private static IEnumerable<SilverColumn> Members(CatalogueShape shape) =>
        [new("id", SilverType.Integer) { Required = true }, new("name", SilverType.String), new("slug", SilverType.String), .. shape.Members];

    /// <summary>A catalogue endpoint: one row per entry of its results, the id as <paramref name="idColumn"/>.</summary>
    private static SilverDataset Catalogue(string name, string idColumn, string endpoint, CatalogueShape shape, string? comment = null) =>
        new(name, new SilverTable(
            "rawg_" + name,
            [.. Members(shape).Select(c => c.Name == "id" ? Renamed(c, idColumn, "id") : c)],
            idColumn)
        {
            Comment = comment is null ? null : $"{endpoint}: {comment}",
            Ignored = shape.Ignored,
        })
        {
            Comment = $"RAWG {name} ({endpoint}, the list envelope, paged to the end): one row per entry, the last one seen of each id",
            Elements = "results",
        };

    /// <summary>A catalogue object nested in a game: its members as <c>{prefix}_{member}</c>, read under <paramref name="path"/>.</summary>
    private static IEnumerable<SilverColumn> Nested(string prefix, string? path, CatalogueShape shape) =>
        Members(shape).Select(c => Renamed(c, $"{prefix}_{c.Paths[0]}", path is null ? c.Paths[0] : $"{path}.{c.Paths[0]}"));

    private static SilverColumn Renamed(SilverColumn column, string name, string path) =>
        new(name, column.Type, path) { Required = column.Required, Comment = column.Comment };

    /// <summary>A game's child table: its game_id and updated, then <paramref name="columns"/>.</summary>
    private static SilverTable Child(string name, IEnumerable<SilverColumn> columns, params string[] key) =>
        new(name, [SilverColumn.Parent("game_id", SilverType.Integer), SilverColumn.Parent("updated", SilverType.Timestamp), .. columns], key);

    private static SilverDataset Games() =>
        new("games", new SilverTable(
            "rawg_games",
            [
                new("game_id", SilverType.Integer, "id") { Required = true },
                new("updated", SilverType.Timestamp) { Required = true, Comment = "RAWG sends no time zone; taken as UTC" },
                new("slug", SilverType.String),
                new("name", SilverType.String),
                new("released", SilverType.Date),
                new("tba", SilverType.Boolean),
                new("rating", SilverType.Double),
                new("rating_top", SilverType.Integer),
                new("ratings_count", SilverType.Integer),
                new("reviews_text_count", SilverType.Integer),
                new("reviews_count", SilverType.Integer),
                new("added", SilverType.Integer),
                new("suggestions_count", SilverType.Integer),
                new("playtime", SilverType.Integer) { Comment = "hours" },
                new("metacritic", SilverType.Integer),
                // Null, or an object whose id is required.
                new("esrb_rating_id", SilverType.Integer, "esrb_rating.id") { Required = true },
                new("esrb_rating_name", SilverType.String, "esrb_rating.name"),
                new("esrb_rating_slug", SilverType.String, "esrb_rating.slug"),
                new("background_image", SilverType.String),
            ],
            "game_id", "updated")
        {
            Comment = "One observation of a game (GET /games): one row per game id and updated value",
            Ignored = ["added_by_status", "user_game", "saturated_color", "dominant_color", "parent_platforms", "clip", "short_screenshots"],
        })
        {
            Comment = "RAWG games (GET /games, the list envelope): one row per game observation, and one per entry of its platforms, stores, genres, tags and ratings",
            Elements = "results",
            Entries =
            [
                // {platform {...}, released_at, requirements_en {minimum, recommended}}; the detail's shape says requirements.
                new("platforms", Child(
                    "rawg_game_platforms",
                    [
                        SilverColumn.Ordinal("platform_ordinal") with { Comment = "1-based position in the game's platforms array" },
                        .. Nested("platform", "platform", Listed(PlatformMembers)),
                        new("released_at", SilverType.Date),
                        new SilverColumn("requirements_minimum", SilverType.String, "requirements_en.minimum").Or("requirements.minimum")
                            with { Comment = "requirements_en in lists, requirements in details" },
                        new SilverColumn("requirements_recommended", SilverType.String, "requirements_en.recommended").Or("requirements.recommended"),
                    ]) with
                {
                    RequiredObjects = ["platform"],
                    Ignored = ["requirements_ru"],
                }),
                // {id, store {...}}: the outer id is the game-store link.
                new("stores", Child(
                    "rawg_game_stores",
                    [
                        SilverColumn.Ordinal("store_ordinal"),
                        new("game_store_id", SilverType.Integer, "id") { Comment = "the outer id: the game-store link, not the store" },
                        .. Nested("store", "store", Listed(StoreMembers)),
                    ]) with
                {
                    RequiredObjects = ["store"],
                }),
                new("genres", Child("rawg_game_genres", [SilverColumn.Ordinal("genre_ordinal"), .. Nested("genre", null, Listed())])),
                new("tags", Child("rawg_game_tags", [SilverColumn.Ordinal("tag_ordinal"), .. Nested("tag", null, Listed(TagMembers))])),
                new("ratings", Child(
                    "rawg_game_ratings",
                    [
                        new("rating_id", SilverType.Integer, "id") { Required = true, Comment = "5 exceptional, 4 recommended, 3 meh, 1 skip" },
                        new("title", SilverType.String),
                        new("count", SilverType.Integer),
                        new("percent", SilverType.Double),
                    ],
                    "game_id", "updated", "rating_id") with
                {
                    Comment = "The exceptional / recommended / meh / skip breakdown of a game's ratings.",
                })
                {
                    KeyWithinElement = true,
                },
            ],
        };

    /// <summary>A company of a game detail (a developer, a publisher): its integer id is checked, the rest kept as it converts (macros.sql).</summary>
    private static SilverType Companies => new("STRUCT(id INTEGER, name VARCHAR, slug VARCHAR)[]", "rawg_companies({0})", "an array of objects")
    {
        Ok = "rawg_companies_ok({0})",
        Check = "rawg_check_companies({1}, {0})",
    };

    private static SilverDataset GameDetails() =>
        new("game_details", new SilverTable(
            "rawg_game_details",
            [
                new("game_id", SilverType.Integer, "id") { Required = true },
                new("updated", SilverType.Timestamp) { Required = true },
                new("name_original", SilverType.String),
                new("description_raw", SilverType.String),
                new("website", SilverType.String),
                new("metacritic_url", SilverType.String),
                new("developers", Companies),
                new("publishers", Companies),
            ],
            "game_id", "updated")
        {
            Comment = "GET /games/{id}: what the list does not carry.",
            Ignored =
            [
                "slug", "name", "description", "metacritic", "metacritic_platforms", "released", "tba", "background_image",
                "background_image_additional", "rating", "rating_top", "ratings", "reactions", "added", "added_by_status",
                "playtime", "screenshots_count", "movies_count", "creators_count", "achievements_count",
                "parent_achievements_count", "reddit_url", "reddit_name", "reddit_description", "reddit_logo", "reddit_count",
                "twitch_count", "youtube_count", "reviews_text_count", "ratings_count", "suggestions_count",
                "alternative_names", "parents_count", "additions_count", "game_series_count", "user_game", "reviews_count",
                "saturated_color", "dominant_color", "parent_platforms", "platforms", "stores", "genres", "tags",
                "esrb_rating", "clip",
            ],
        })
        {
            Comment = "RAWG game details (GET /games/{id}): one body is one game, not an envelope; one row per game id and updated value",
            Elements = "$",
        };
}
