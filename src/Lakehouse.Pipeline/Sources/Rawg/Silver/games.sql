-- RAWG games (GET /games, the list envelope): one row per game observation, and one row per entry of its platforms,
-- stores, genres, tags and ratings arrays.
-- produces: rawg_games, rawg_game_platforms, rawg_game_stores, rawg_game_genres, rawg_game_tags, rawg_game_ratings
-- elements: results
--
-- Change data capture: every observation is kept, one per game id and updated value; only an exact repeat inside a
-- chunk (the same game on two pages, with the same updated) is dropped, keeping the last one seen. A wrong type
-- anywhere in a game, nested arrays included, quarantines the whole game. Null tags, a null esrb_rating, null
-- metacritic and empty (or null) arrays are valid. As in spacex/launches.sql each check is written twice: a cheap
-- test that almost every game passes, and the reason, built only for the few that fail.

-- A catalogue object nested in a game (a genre, a tag, platforms[].platform, stores[].store), its id checked.
CREATE OR REPLACE TEMP MACRO rawg_nested_ok(o) AS
    o IS NOT NULL AND silver_int(o['id']) IS NOT NULL
    AND silver_ok(o['name'], silver_string(o['name'])) AND silver_ok(o['slug'], silver_string(o['slug']))
    AND silver_ok(o['games_count'], silver_int(o['games_count']));
CREATE OR REPLACE TEMP MACRO rawg_check_nested(field, o, entry) AS coalesce(
    CASE WHEN o IS NULL THEN silver_wrong_type(field, entry, 'an object') END,
    CASE WHEN o['id'] IS NULL THEN 'missing ' || field || '.id' END,
    silver_check(field || '.id', o['id'], silver_int(o['id']), 'an integer'),
    silver_check(field || '.name', o['name'], silver_string(o['name']), 'a string'),
    silver_check(field || '.slug', o['slug'], silver_string(o['slug']), 'a string'),
    silver_check(field || '.games_count', o['games_count'], silver_int(o['games_count']), 'an integer'));

-- platforms[] entries are {platform {...}, released_at, requirements_en {minimum, recommended}}; stores[] entries
-- are {id, store {...}}: the inner object is checked like any nested one.
CREATE OR REPLACE TEMP MACRO rawg_inner(e, member) AS silver_object(e[member]);
CREATE OR REPLACE TEMP MACRO rawg_requirements(e) AS silver_object(coalesce(e['requirements_en'], e['requirements']));
CREATE OR REPLACE TEMP MACRO rawg_platform_ok(e) AS
    e IS NOT NULL AND rawg_nested_ok(rawg_inner(e, 'platform'))
    AND silver_ok(e['released_at'], silver_date(e['released_at']));
CREATE OR REPLACE TEMP MACRO rawg_store_ok(e) AS
    e IS NOT NULL AND rawg_nested_ok(rawg_inner(e, 'store')) AND silver_ok(e['id'], silver_int(e['id']));
CREATE OR REPLACE TEMP MACRO rawg_rating_ok(e) AS
    e IS NOT NULL AND silver_int(e['id']) IS NOT NULL AND silver_ok(e['count'], silver_int(e['count']))
    AND silver_ok(e['percent'], silver_double(e['percent']));

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['updated'] AS updated_json,
        element['slug'] AS slug_json,
        element['name'] AS name_json,
        element['released'] AS released_json,
        element['tba'] AS tba_json,
        element['rating'] AS rating_json,
        element['rating_top'] AS rating_top_json,
        element['ratings_count'] AS ratings_count_json,
        element['reviews_text_count'] AS reviews_text_count_json,
        element['reviews_count'] AS reviews_count_json,
        element['added'] AS added_json,
        element['suggestions_count'] AS suggestions_count_json,
        element['playtime'] AS playtime_json,
        element['metacritic'] AS metacritic_json,
        element['background_image'] AS background_image_json,
        element['esrb_rating'] AS esrb_rating_json,
        element['platforms'] AS platforms_json,
        element['stores'] AS stores_json,
        element['genres'] AS genres_json,
        element['tags'] AS tags_json,
        element['ratings'] AS ratings_json,
        silver_object(element['esrb_rating']) AS esrb,
        silver_objects(element['platforms']) AS platform_objects,
        silver_objects(element['stores']) AS store_objects,
        silver_objects(element['genres']) AS genre_objects,
        silver_objects(element['tags']) AS tag_objects,
        silver_objects(element['ratings']) AS rating_objects
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_int(id_json) AS game_id,
        silver_timestamp(updated_json) AS updated,
        silver_string(slug_json) AS slug,
        silver_string(name_json) AS name,
        silver_date(released_json) AS released,
        silver_boolean(tba_json) AS tba,
        silver_double(rating_json) AS rating,
        silver_int(rating_top_json) AS rating_top,
        silver_int(ratings_count_json) AS ratings_count,
        silver_int(reviews_text_count_json) AS reviews_text_count,
        silver_int(reviews_count_json) AS reviews_count,
        silver_int(added_json) AS added,
        silver_int(suggestions_count_json) AS suggestions_count,
        silver_int(playtime_json) AS playtime,
        silver_int(metacritic_json) AS metacritic,
        silver_string(background_image_json) AS background_image,
        silver_int(esrb['id']) AS esrb_rating_id,
        silver_string(esrb['name']) AS esrb_rating_name,
        silver_string(esrb['slug']) AS esrb_rating_slug
    FROM members
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL
                AND game_id IS NOT NULL
                AND updated IS NOT NULL
                AND silver_ok(slug_json, slug)
                AND silver_ok(name_json, name)
                AND silver_ok(released_json, released)
                AND silver_ok(tba_json, tba)
                AND silver_ok(rating_json, rating)
                AND silver_ok(rating_top_json, rating_top)
                AND silver_ok(ratings_count_json, ratings_count)
                AND silver_ok(reviews_text_count_json, reviews_text_count)
                AND silver_ok(reviews_count_json, reviews_count)
                AND silver_ok(added_json, added)
                AND silver_ok(suggestions_count_json, suggestions_count)
                AND silver_ok(playtime_json, playtime)
                AND silver_ok(metacritic_json, metacritic)
                AND silver_ok(background_image_json, background_image)
                AND silver_ok(esrb_rating_json, esrb)
                AND (esrb IS NULL OR esrb_rating_id IS NOT NULL)
                AND silver_ok(platforms_json, platform_objects) AND coalesce(list_bool_and(list_transform(platform_objects, lambda e: rawg_platform_ok(e))), true)
                AND silver_ok(stores_json, store_objects) AND coalesce(list_bool_and(list_transform(store_objects, lambda e: rawg_store_ok(e))), true)
                AND silver_ok(genres_json, genre_objects) AND coalesce(list_bool_and(list_transform(genre_objects, lambda e: rawg_nested_ok(e))), true)
                AND silver_ok(tags_json, tag_objects) AND coalesce(list_bool_and(list_transform(tag_objects, lambda e: rawg_nested_ok(e))), true)
                AND silver_ok(ratings_json, rating_objects) AND coalesce(list_bool_and(list_transform(rating_objects, lambda e: rawg_rating_ok(e))), true),
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, game_id, 'an integer'),
                CASE WHEN updated_json IS NULL THEN 'missing updated' END,
                silver_check('updated', updated_json, updated, 'a timestamp'),
                silver_check('slug', slug_json, slug, 'a string'),
                silver_check('name', name_json, name, 'a string'),
                silver_check('released', released_json, released, 'a date'),
                silver_check('tba', tba_json, tba, 'a boolean'),
                silver_check('rating', rating_json, rating, 'a number'),
                silver_check('rating_top', rating_top_json, rating_top, 'an integer'),
                silver_check('ratings_count', ratings_count_json, ratings_count, 'an integer'),
                silver_check('reviews_text_count', reviews_text_count_json, reviews_text_count, 'an integer'),
                silver_check('reviews_count', reviews_count_json, reviews_count, 'an integer'),
                silver_check('added', added_json, added, 'an integer'),
                silver_check('suggestions_count', suggestions_count_json, suggestions_count, 'an integer'),
                silver_check('playtime', playtime_json, playtime, 'an integer'),
                silver_check('metacritic', metacritic_json, metacritic, 'an integer'),
                silver_check('background_image', background_image_json, background_image, 'a string'),
                silver_check('esrb_rating', esrb_rating_json, esrb, 'an object'),
                CASE WHEN esrb IS NOT NULL THEN silver_check('esrb_rating.id', coalesce(esrb['id'], 'null'), esrb_rating_id, 'an integer') END,
                silver_check('platforms', platforms_json, platform_objects, 'an array of objects'),
                silver_first_problem(list_transform(platform_objects, lambda e, i: coalesce(
                    CASE WHEN e IS NULL THEN silver_wrong_type('platforms[' || i || ']', silver_entry(platforms_json, i), 'an object') END,
                    rawg_check_nested('platforms[' || i || '].platform', rawg_inner(e, 'platform'), e['platform']),
                    silver_check('platforms[' || i || '].released_at', e['released_at'], silver_date(e['released_at']), 'a date')))),
                silver_check('stores', stores_json, store_objects, 'an array of objects'),
                silver_first_problem(list_transform(store_objects, lambda e, i: coalesce(
                    CASE WHEN e IS NULL THEN silver_wrong_type('stores[' || i || ']', silver_entry(stores_json, i), 'an object') END,
                    silver_check('stores[' || i || '].id', e['id'], silver_int(e['id']), 'an integer'),
                    rawg_check_nested('stores[' || i || '].store', rawg_inner(e, 'store'), e['store'])))),
                silver_check('genres', genres_json, genre_objects, 'an array of objects'),
                silver_first_problem(list_transform(genre_objects, lambda e, i:
                    rawg_check_nested('genres[' || i || ']', e, silver_entry(genres_json, i)))),
                silver_check('tags', tags_json, tag_objects, 'an array of objects'),
                silver_first_problem(list_transform(tag_objects, lambda e, i:
                    rawg_check_nested('tags[' || i || ']', e, silver_entry(tags_json, i)))),
                silver_check('ratings', ratings_json, rating_objects, 'an array of objects'),
                silver_first_problem(list_transform(rating_objects, lambda e, i: coalesce(
                    CASE WHEN e IS NULL THEN silver_wrong_type('ratings[' || i || ']', silver_entry(ratings_json, i), 'an object') END,
                    CASE WHEN e['id'] IS NULL THEN 'missing ratings[' || i || '].id' END,
                    silver_check('ratings[' || i || '].id', e['id'], silver_int(e['id']), 'an integer'),
                    silver_check('ratings[' || i || '].count', e['count'], silver_int(e['count']), 'an integer'),
                    silver_check('ratings[' || i || '].percent', e['percent'], silver_double(e['percent']), 'a number'))))
            )
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    game_id, updated, slug, name, released, tba, rating, rating_top, ratings_count, reviews_text_count, reviews_count,
    added, suggestions_count, playtime, metacritic, esrb_rating_id, esrb_rating_name, esrb_rating_slug, background_image,
    CASE WHEN problem IS NULL THEN list_transform(platform_objects, lambda e: {
        'platform': rawg_inner(e, 'platform'),
        'released_at': silver_date(e['released_at']),
        'requirements': rawg_requirements(e)}) END AS platforms,
    CASE WHEN problem IS NULL THEN list_transform(store_objects, lambda e: {
        'game_store_id': silver_int(e['id']), 'store': rawg_inner(e, 'store')}) END AS stores,
    CASE WHEN problem IS NULL THEN genre_objects END AS genres,
    CASE WHEN problem IS NULL THEN tag_objects END AS tags,
    CASE WHEN problem IS NULL THEN rating_objects END AS ratings
FROM checked;

-- Drift, counted once per distinct list of member names. Nested objects are RAWG's catalogue shapes, which change
-- with the catalogue endpoints; only the game's own members are watched.
INSERT INTO silver_drift
WITH names(names, known) AS (
    SELECT member_names, [
        'id', 'slug', 'name', 'released', 'tba', 'background_image', 'rating', 'rating_top', 'ratings', 'ratings_count',
        'reviews_text_count', 'added', 'added_by_status', 'metacritic', 'playtime', 'suggestions_count', 'updated',
        'user_game', 'reviews_count', 'saturated_color', 'dominant_color', 'platforms', 'parent_platforms', 'genres',
        'stores', 'clip', 'tags', 'esrb_rating', 'short_screenshots']
    FROM silver_stage
), signatures AS (
    SELECT any_value(names) AS names, any_value(known) AS known, count(*) AS objects
    FROM names
    WHERE names IS NOT NULL
    GROUP BY hash(names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
GROUP BY field;

-- Valid, and of each game id and updated value the last one seen in the chunk: a game listed on two pages with the
-- same updated is one observation; with another updated it is two.
CREATE TEMP TABLE game_observations AS
SELECT game_id, updated, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY game_id, updated;

CREATE TEMP TABLE game_rows AS
SELECT * FROM silver_stage SEMI JOIN game_observations USING (game_id, updated, position);

CREATE TEMP VIEW rawg_games_rows AS
SELECT
    game_id, updated, slug, name, released, tba, rating, rating_top, ratings_count, reviews_text_count, reviews_count,
    added, suggestions_count, playtime, metacritic, esrb_rating_id, esrb_rating_name, esrb_rating_slug,
    background_image, _run_id, _bronze_key, _landed_at
FROM game_rows
ORDER BY game_id, updated;

CREATE TEMP VIEW rawg_game_platforms_rows AS
SELECT
    game_id, updated, platform_ordinal,
    silver_int(p.platform['id']), silver_string(p.platform['name']), silver_string(p.platform['slug']),
    silver_string(p.platform['image']), silver_int(p.platform['year_start']), silver_int(p.platform['year_end']),
    silver_int(p.platform['games_count']), silver_string(p.platform['image_background']),
    p.released_at, silver_string(p.requirements['minimum']), silver_string(p.requirements['recommended']),
    _run_id, _bronze_key, _landed_at
FROM (
    SELECT game_id, updated, unnest(platforms) AS p, generate_subscripts(platforms, 1) AS platform_ordinal, _run_id, _bronze_key, _landed_at
    FROM game_rows
)
ORDER BY game_id, updated, platform_ordinal;

CREATE TEMP VIEW rawg_game_stores_rows AS
SELECT
    game_id, updated, store_ordinal, s.game_store_id,
    silver_int(s.store['id']), silver_string(s.store['name']), silver_string(s.store['slug']),
    silver_string(s.store['domain']), silver_int(s.store['games_count']), silver_string(s.store['image_background']),
    _run_id, _bronze_key, _landed_at
FROM (
    SELECT game_id, updated, unnest(stores) AS s, generate_subscripts(stores, 1) AS store_ordinal, _run_id, _bronze_key, _landed_at
    FROM game_rows
)
ORDER BY game_id, updated, store_ordinal;

CREATE TEMP VIEW rawg_game_genres_rows AS
SELECT
    game_id, updated, genre_ordinal,
    silver_int(g['id']), silver_string(g['name']), silver_string(g['slug']), silver_int(g['games_count']),
    silver_string(g['image_background']),
    _run_id, _bronze_key, _landed_at
FROM (
    SELECT game_id, updated, unnest(genres) AS g, generate_subscripts(genres, 1) AS genre_ordinal, _run_id, _bronze_key, _landed_at
    FROM game_rows
)
ORDER BY game_id, updated, genre_ordinal;

CREATE TEMP VIEW rawg_game_tags_rows AS
SELECT
    game_id, updated, tag_ordinal,
    silver_int(t['id']), silver_string(t['name']), silver_string(t['slug']), silver_string(t['language']),
    silver_int(t['games_count']), silver_string(t['image_background']),
    _run_id, _bronze_key, _landed_at
FROM (
    SELECT game_id, updated, unnest(tags) AS t, generate_subscripts(tags, 1) AS tag_ordinal, _run_id, _bronze_key, _landed_at
    FROM game_rows
)
ORDER BY game_id, updated, tag_ordinal;

CREATE TEMP VIEW rawg_game_ratings_rows AS
SELECT
    game_id, updated, silver_int(r['id']) AS rating_id, silver_string(r['title']), silver_int(r['count']),
    silver_double(r['percent']),
    _run_id, _bronze_key, _landed_at
FROM (SELECT game_id, updated, unnest(ratings) AS r, _run_id, _bronze_key, _landed_at FROM game_rows)
ORDER BY game_id, updated, rating_id;
