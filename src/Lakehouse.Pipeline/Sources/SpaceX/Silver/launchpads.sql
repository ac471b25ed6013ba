-- SpaceX launchpads (GET /v4/launchpads, POST /v4/launchpads/query): one row per launchpad.
-- produces: spacex_launchpads

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['name'] AS name_json,
        element['full_name'] AS full_name_json,
        element['status'] AS status_json,
        element['locality'] AS locality_json,
        element['region'] AS region_json,
        element['timezone'] AS timezone_json,
        element['latitude'] AS latitude_json,
        element['longitude'] AS longitude_json,
        element['launch_attempts'] AS launch_attempts_json,
        element['launch_successes'] AS launch_successes_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS launchpad_id,
        silver_string(name_json) AS name,
        silver_string(full_name_json) AS full_name,
        silver_string(status_json) AS status,
        silver_string(locality_json) AS locality,
        silver_string(region_json) AS region,
        silver_string(timezone_json) AS timezone,
        silver_double(latitude_json) AS latitude,
        silver_double(longitude_json) AS longitude,
        silver_int(launch_attempts_json) AS launch_attempts,
        silver_int(launch_successes_json) AS launch_successes
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, launchpad_id),
            silver_check('name', name_json, name, 'a string'),
            silver_check('full_name', full_name_json, full_name, 'a string'),
            silver_check('status', status_json, status, 'a string'),
            silver_check('locality', locality_json, locality, 'a string'),
            silver_check('region', region_json, region, 'a string'),
            silver_check('timezone', timezone_json, timezone, 'a string'),
            silver_check('latitude', latitude_json, latitude, 'a number'),
            silver_check('longitude', longitude_json, longitude, 'a number'),
            silver_check('launch_attempts', launch_attempts_json, launch_attempts, 'an integer'),
            silver_check('launch_successes', launch_successes_json, launch_successes, 'an integer')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    launchpad_id, name, full_name, status, locality, region, timezone, latitude, longitude, launch_attempts,
    launch_successes
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'name', 'full_name', 'status', 'locality', 'region', 'timezone', 'latitude', 'longitude',
        'launch_attempts', 'launch_successes', 'rockets', 'launches', 'details', 'images'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_launchpads_rows AS
SELECT
    launchpad_id, name, full_name, status, locality, region, timezone, latitude, longitude, launch_attempts,
    launch_successes, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT launchpad_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY launchpad_id) AS latest
    USING (launchpad_id, position)
ORDER BY launchpad_id;
