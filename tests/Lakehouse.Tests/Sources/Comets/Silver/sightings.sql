-- Comet sightings (GET /sightings, a results envelope): one row per sighting, the last landing of each id wins.
-- produces: comets_sightings
-- elements: results

CREATE TEMP TABLE silver_stage AS
WITH typed AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        silver_int(element['id']) AS sighting_id,
        silver_string(element['comet']) AS comet,
        silver_date(element['seen_on']) AS seen_on,
        silver_double(element['magnitude']) AS magnitude
    FROM bronze_elements
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL AND sighting_id IS NOT NULL AND comet IS NOT NULL AND seen_on IS NOT NULL
                AND silver_ok(element['magnitude'], magnitude),
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, sighting_id, 'an integer'),
                CASE WHEN element['comet'] IS NULL THEN 'missing comet' END,
                silver_check('comet', element['comet'], comet, 'a string'),
                CASE WHEN element['seen_on'] IS NULL THEN 'missing seen_on' END,
                silver_check('seen_on', element['seen_on'], seen_on, 'a date'),
                silver_check('magnitude', element['magnitude'], magnitude, 'a number')
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
    sighting_id, comet, seen_on, magnitude
FROM checked;

INSERT INTO silver_drift
WITH signatures AS (
    SELECT any_value(member_names) AS names, count(*) AS objects
    FROM silver_stage
    WHERE member_names IS NOT NULL
    GROUP BY hash(member_names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT unnest(silver_unknown(names, ['id', 'comet', 'seen_on', 'magnitude'])) AS field, objects FROM signatures)
GROUP BY field;

CREATE TEMP VIEW comets_sightings_rows AS
SELECT sighting_id, comet, seen_on, magnitude, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT sighting_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY sighting_id) AS latest
    USING (sighting_id, position)
ORDER BY sighting_id;
