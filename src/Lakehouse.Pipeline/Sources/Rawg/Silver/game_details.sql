-- RAWG game details (GET /games/{id}): one body is one game object, not an envelope. One row per game id and
-- updated value, with what the list does not carry (developers, publishers, the plain-text description).
-- produces: rawg_game_details
-- elements: $

CREATE OR REPLACE TEMP MACRO rawg_company(o) AS {'id': silver_int(o['id']), 'name': silver_string(o['name']), 'slug': silver_string(o['slug'])};
CREATE OR REPLACE TEMP MACRO rawg_companies_ok(objects) AS
    coalesce(list_bool_and(list_transform(objects, lambda o: o IS NOT NULL AND silver_int(o['id']) IS NOT NULL)), true);

CREATE TEMP TABLE silver_stage AS
WITH typed AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['updated'] AS updated_json,
        silver_int(element['id']) AS game_id,
        silver_timestamp(element['updated']) AS updated,
        silver_string(element['name_original']) AS name_original,
        silver_string(element['description_raw']) AS description_raw,
        silver_string(element['website']) AS website,
        silver_string(element['metacritic_url']) AS metacritic_url,
        silver_objects(element['developers']) AS developer_objects,
        silver_objects(element['publishers']) AS publisher_objects
    FROM bronze_elements
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL AND game_id IS NOT NULL AND updated IS NOT NULL
                AND silver_ok(element['name_original'], name_original)
                AND silver_ok(element['description_raw'], description_raw)
                AND silver_ok(element['website'], website)
                AND silver_ok(element['metacritic_url'], metacritic_url)
                AND silver_ok(element['developers'], developer_objects) AND rawg_companies_ok(developer_objects)
                AND silver_ok(element['publishers'], publisher_objects) AND rawg_companies_ok(publisher_objects),
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, game_id, 'an integer'),
                CASE WHEN updated_json IS NULL THEN 'missing updated' END,
                silver_check('updated', updated_json, updated, 'a timestamp'),
                silver_check('name_original', element['name_original'], name_original, 'a string'),
                silver_check('description_raw', element['description_raw'], description_raw, 'a string'),
                silver_check('website', element['website'], website, 'a string'),
                silver_check('metacritic_url', element['metacritic_url'], metacritic_url, 'a string'),
                silver_check('developers', element['developers'], developer_objects, 'an array of objects'),
                CASE WHEN NOT rawg_companies_ok(developer_objects) THEN 'wrong type: a developers entry has no integer id' END,
                silver_check('publishers', element['publishers'], publisher_objects, 'an array of objects'),
                CASE WHEN NOT rawg_companies_ok(publisher_objects) THEN 'wrong type: a publishers entry has no integer id' END
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
    game_id, updated, name_original, description_raw, website, metacritic_url,
    list_transform(developer_objects, lambda o: rawg_company(o)) AS developers,
    list_transform(publisher_objects, lambda o: rawg_company(o)) AS publishers
FROM checked;

INSERT INTO silver_drift
WITH signatures AS (
    SELECT any_value(member_names) AS names, count(*) AS objects
    FROM silver_stage
    WHERE member_names IS NOT NULL
    GROUP BY hash(member_names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT unnest(silver_unknown(names, [
    'id', 'slug', 'name', 'name_original', 'description', 'metacritic', 'metacritic_platforms', 'released', 'tba',
    'updated', 'background_image', 'background_image_additional', 'website', 'rating', 'rating_top', 'ratings',
    'reactions', 'added', 'added_by_status', 'playtime', 'screenshots_count', 'movies_count', 'creators_count',
    'achievements_count', 'parent_achievements_count', 'reddit_url', 'reddit_name', 'reddit_description', 'reddit_logo',
    'reddit_count', 'twitch_count', 'youtube_count', 'reviews_text_count', 'ratings_count', 'suggestions_count',
    'alternative_names', 'metacritic_url', 'parents_count', 'additions_count', 'game_series_count', 'user_game',
    'reviews_count', 'saturated_color', 'dominant_color', 'parent_platforms', 'platforms', 'stores', 'developers',
    'genres', 'tags', 'publishers', 'esrb_rating', 'clip', 'description_raw'])) AS field, objects FROM signatures)
GROUP BY field;

-- Valid, and of each game id and updated value the last one seen.
CREATE TEMP VIEW rawg_game_details_rows AS
SELECT game_id, updated, name_original, description_raw, website, metacritic_url, developers, publishers, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT game_id, updated, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY game_id, updated) AS latest
    USING (game_id, updated, position)
ORDER BY game_id, updated;
