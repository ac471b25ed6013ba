-- RAWG parent platforms (GET /platforms/lists/parents, the list envelope): one row per parent platform per landing,
-- with the ids of the platforms it groups. The source may land it as a dataset of its own (rawg.parent_platforms).
-- produces: rawg_parent_platforms
-- elements: results

CREATE TEMP TABLE silver_stage AS
WITH typed AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        silver_int(element['id']) AS parent_platform_id,
        silver_string(element['name']) AS name,
        silver_string(element['slug']) AS slug,
        silver_objects(element['platforms']) AS platform_objects,
        list_transform(silver_objects(element['platforms']), lambda p: silver_int(p['id'])) AS platform_ids
    FROM bronze_elements
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL AND parent_platform_id IS NOT NULL
                AND silver_ok(element['name'], name) AND silver_ok(element['slug'], slug)
                AND silver_ok(element['platforms'], platform_objects) AND silver_all_ok(platform_objects, platform_ids),
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, parent_platform_id, 'an integer'),
                silver_check('name', element['name'], name, 'a string'),
                silver_check('slug', element['slug'], slug, 'a string'),
                silver_check('platforms', element['platforms'], platform_objects, 'an array of objects'),
                silver_first_problem(list_transform(platform_objects, lambda p, i:
                    CASE WHEN silver_int(p['id']) IS NULL THEN silver_wrong_type('platforms[' || i || '].id', coalesce(p['id'], 'null'), 'an integer') END))
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
    parent_platform_id, name, slug, platform_ids
FROM checked;

INSERT INTO silver_drift
WITH signatures AS (
    SELECT any_value(member_names) AS names, count(*) AS objects
    FROM silver_stage
    WHERE member_names IS NOT NULL
    GROUP BY hash(member_names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT unnest(silver_unknown(names, ['id', 'name', 'slug', 'platforms'])) AS field, objects FROM signatures)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW rawg_parent_platforms_rows AS
SELECT parent_platform_id, name, slug, platform_ids, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT parent_platform_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY parent_platform_id) AS latest
    USING (parent_platform_id, position)
ORDER BY parent_platform_id;
