-- SpaceX first-stage cores (GET /v4/cores, POST /v4/cores/query): one row per core.
-- produces: spacex_cores

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['serial'] AS serial_json,
        element['block'] AS block_json,
        element['status'] AS status_json,
        element['reuse_count'] AS reuse_count_json,
        element['rtls_attempts'] AS rtls_attempts_json,
        element['rtls_landings'] AS rtls_landings_json,
        element['asds_attempts'] AS asds_attempts_json,
        element['asds_landings'] AS asds_landings_json,
        element['last_update'] AS last_update_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS core_id,
        silver_string(serial_json) AS serial,
        silver_int(block_json) AS block,
        silver_string(status_json) AS status,
        silver_int(reuse_count_json) AS reuse_count,
        silver_int(rtls_attempts_json) AS rtls_attempts,
        silver_int(rtls_landings_json) AS rtls_landings,
        silver_int(asds_attempts_json) AS asds_attempts,
        silver_int(asds_landings_json) AS asds_landings,
        silver_string(last_update_json) AS last_update
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, core_id),
            silver_check('serial', serial_json, serial, 'a string'),
            silver_check('block', block_json, block, 'an integer'),
            silver_check('status', status_json, status, 'a string'),
            silver_check('reuse_count', reuse_count_json, reuse_count, 'an integer'),
            silver_check('rtls_attempts', rtls_attempts_json, rtls_attempts, 'an integer'),
            silver_check('rtls_landings', rtls_landings_json, rtls_landings, 'an integer'),
            silver_check('asds_attempts', asds_attempts_json, asds_attempts, 'an integer'),
            silver_check('asds_landings', asds_landings_json, asds_landings, 'an integer'),
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
    core_id, serial, block, status, reuse_count, rtls_attempts, rtls_landings, asds_attempts, asds_landings,
    last_update
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'serial', 'block', 'status', 'reuse_count', 'rtls_attempts', 'rtls_landings', 'asds_attempts',
        'asds_landings', 'last_update', 'launches'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_cores_rows AS
SELECT
    core_id, serial, block, status, reuse_count, rtls_attempts, rtls_landings, asds_attempts, asds_landings,
    last_update, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT core_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY core_id) AS latest
    USING (core_id, position)
ORDER BY core_id;
