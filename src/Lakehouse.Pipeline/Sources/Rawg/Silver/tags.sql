-- RAWG tags (GET /tags, the list envelope, paged to the end): one row per tag per landing.
-- produces: rawg_tags
-- elements: results

CREATE TEMP TABLE silver_stage AS
WITH typed AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        silver_int(element['id']) AS tag_id,
        silver_string(element['name']) AS name,
        silver_string(element['slug']) AS slug,
        silver_string(element['language']) AS language,
        silver_int(element['games_count']) AS games_count,
        silver_string(element['image_background']) AS image_background
    FROM bronze_elements
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL AND tag_id IS NOT NULL
                AND silver_ok(element['name'], name) AND silver_ok(element['slug'], slug)
                AND silver_ok(element['language'], language)
                AND silver_ok(element['games_count'], games_count) AND silver_ok(element['image_background'], image_background),
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, tag_id, 'an integer'),
                silver_check('name', element['name'], name, 'a string'),
                silver_check('slug', element['slug'], slug, 'a string'),
                silver_check('language', element['language'], language, 'a string'),
                silver_check('games_count', element['games_count'], games_count, 'an integer'),
                silver_check('image_background', element['image_background'], image_background, 'a string')
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
    tag_id, name, slug, language, games_count, image_background
FROM checked;

INSERT INTO silver_drift
WITH signatures AS (
    SELECT any_value(member_names) AS names, count(*) AS objects
    FROM silver_stage
    WHERE member_names IS NOT NULL
    GROUP BY hash(member_names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT unnest(silver_unknown(names, ['id', 'name', 'slug', 'language', 'games_count', 'image_background', 'games', 'description'])) AS field, objects FROM signatures)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW rawg_tags_rows AS
SELECT tag_id, name, slug, language, games_count, image_background, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT tag_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY tag_id) AS latest
    USING (tag_id, position)
ORDER BY tag_id;
