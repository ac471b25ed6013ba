-- The RAWG silver tables: names, column order and types (see spacex/schema.sql for how they are used). Games keep
-- every observation (change data capture): one row per game id and `updated` value per landing, so a game that
-- changed three times has three rows, and gold picks the newest. A game's child rows (platforms, stores, genres,
-- tags, ratings) carry the same game_id and updated, and come from the same bronze object, as the game row they
-- belong to. Catalogue tables (genres, platforms, parent platforms, stores, tags) hold one row per id per landing.
-- Every table ends with the lineage columns: the landing run, the bronze object the row came from, and when that
-- object was landed (UTC).

CREATE TABLE rawg_games (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,           -- RAWG sends no time zone; taken as UTC
    slug VARCHAR,
    name VARCHAR,
    released DATE,
    tba BOOLEAN,
    rating DOUBLE,
    rating_top INTEGER,
    ratings_count INTEGER,
    reviews_text_count INTEGER,
    reviews_count INTEGER,
    added INTEGER,
    suggestions_count INTEGER,
    playtime INTEGER,                     -- hours
    metacritic INTEGER,
    esrb_rating_id INTEGER,
    esrb_rating_name VARCHAR,
    esrb_rating_slug VARCHAR,
    background_image VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_game_platforms (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    platform_ordinal INTEGER NOT NULL,    -- 1-based position in the game's platforms array
    platform_id INTEGER NOT NULL,
    platform_name VARCHAR,
    platform_slug VARCHAR,
    platform_image VARCHAR,
    platform_year_start INTEGER,
    platform_year_end INTEGER,
    platform_games_count INTEGER,
    platform_image_background VARCHAR,
    released_at DATE,
    requirements_minimum VARCHAR,         -- requirements_en in lists, requirements in details
    requirements_recommended VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_game_stores (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    store_ordinal INTEGER NOT NULL,
    game_store_id INTEGER,                -- the outer id: the game-store link, not the store
    store_id INTEGER NOT NULL,
    store_name VARCHAR,
    store_slug VARCHAR,
    store_domain VARCHAR,
    store_games_count INTEGER,
    store_image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_game_genres (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    genre_ordinal INTEGER NOT NULL,
    genre_id INTEGER NOT NULL,
    genre_name VARCHAR,
    genre_slug VARCHAR,
    genre_games_count INTEGER,
    genre_image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_game_tags (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    tag_ordinal INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    tag_name VARCHAR,
    tag_slug VARCHAR,
    tag_language VARCHAR,
    tag_games_count INTEGER,
    tag_image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- The exceptional / recommended / meh / skip breakdown of a game's ratings.
CREATE TABLE rawg_game_ratings (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    rating_id INTEGER NOT NULL,           -- 5 exceptional, 4 recommended, 3 meh, 1 skip
    title VARCHAR,
    count INTEGER,
    percent DOUBLE,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- GET /games/{id}: what the list does not carry.
CREATE TABLE rawg_game_details (
    game_id INTEGER NOT NULL,
    updated TIMESTAMP NOT NULL,
    name_original VARCHAR,
    description_raw VARCHAR,
    website VARCHAR,
    metacritic_url VARCHAR,
    developers STRUCT(id INTEGER, name VARCHAR, slug VARCHAR)[],
    publishers STRUCT(id INTEGER, name VARCHAR, slug VARCHAR)[],
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_genres (
    genre_id INTEGER NOT NULL,
    name VARCHAR,
    slug VARCHAR,
    games_count INTEGER,
    image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_platforms (
    platform_id INTEGER NOT NULL,
    name VARCHAR,
    slug VARCHAR,
    image VARCHAR,
    year_start INTEGER,
    year_end INTEGER,
    games_count INTEGER,
    image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- GET /platforms/lists/parents: PC, PlayStation, Xbox, ... and the platforms each groups.
CREATE TABLE rawg_parent_platforms (
    parent_platform_id INTEGER NOT NULL,
    name VARCHAR,
    slug VARCHAR,
    platform_ids INTEGER[],
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_stores (
    store_id INTEGER NOT NULL,
    name VARCHAR,
    slug VARCHAR,
    domain VARCHAR,
    games_count INTEGER,
    image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE rawg_tags (
    tag_id INTEGER NOT NULL,
    name VARCHAR,
    slug VARCHAR,
    language VARCHAR,
    games_count INTEGER,
    image_background VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- Rows that failed validation: why, and the record as received.
CREATE TABLE rawg_quarantine (
    dataset VARCHAR NOT NULL,             -- e.g. 'games'
    reason VARCHAR NOT NULL,
    record VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);
