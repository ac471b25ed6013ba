-- SpaceX Dragon capsules (GET /v4/capsules, POST /v4/capsules/query): one row per capsule.
-- produces: spacex_capsules

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['serial'] AS serial_json,
        element['status'] AS status_json,
        element['type'] AS type_json,
        element['reuse_count'] AS reuse_count_json,
        element['water_landings'] AS water_landings_json,
        element['land_landings'] AS land_landings_json,
        element['last_update'] AS last_update_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS capsule_id,
        silver_string(serial_json) AS serial,
        silver_string(status_json) AS status,
        silver_string(type_json) AS type,
        silver_int(reuse_count_json) AS reuse_count,
        silver_int(water_landings_json) AS water_landings,
        silver_int(land_landings_json) AS land_landings,
        silver_string(last_update_json) AS last_update
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, capsule_id),
            silver_check('serial', serial_json, serial, 'a string'),
            silver_check('status', status_json, status, 'a string'),
            silver_check('type', type_json, type, 'a string'),
            silver_check('reuse_count', reuse_count_json, reuse_count, 'an integer'),
            silver_check('water_landings', water_landings_json, water_landings, 'an integer'),
            silver_check('land_landings', land_landings_json, land_landings, 'an integer'),
            silver_check('last_update', last_update_json, last_update, 'a string')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    capsule_id, serial, status, type, reuse_count, water_landings, land_landings, last_update
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'serial', 'status', 'type', 'dragon', 'reuse_count', 'water_landings', 'land_landings', 'last_update',
        'launches'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_capsules_rows AS
SELECT
    capsule_id, serial, status, type, reuse_count, water_landings, land_landings, last_update, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT capsule_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY capsule_id) AS latest
    USING (capsule_id, position)
ORDER BY capsule_id;
