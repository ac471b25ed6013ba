-- SpaceX landing pads and drone ships (GET /v4/landpads, POST /v4/landpads/query): one row per landpad.
-- produces: spacex_landpads

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['name'] AS name_json,
        element['full_name'] AS full_name_json,
        element['status'] AS status_json,
        element['type'] AS type_json,
        element['locality'] AS locality_json,
        element['region'] AS region_json,
        element['latitude'] AS latitude_json,
        element['longitude'] AS longitude_json,
        element['landing_attempts'] AS landing_attempts_json,
        element['landing_successes'] AS landing_successes_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS landpad_id,
        silver_string(name_json) AS name,
        silver_string(full_name_json) AS full_name,
        silver_string(status_json) AS status,
        silver_string(type_json) AS type,
        silver_string(locality_json) AS locality,
        silver_string(region_json) AS region,
        silver_double(latitude_json) AS latitude,
        silver_double(longitude_json) AS longitude,
        silver_int(landing_attempts_json) AS landing_attempts,
        silver_int(landing_successes_json) AS landing_successes
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, landpad_id),
            silver_check('name', name_json, name, 'a string'),
            silver_check('full_name', full_name_json, full_name, 'a string'),
            silver_check('status', status_json, status, 'a string'),
            silver_check('type', type_json, type, 'a string'),
            silver_check('locality', locality_json, locality, 'a string'),
            silver_check('region', region_json, region, 'a string'),
            silver_check('latitude', latitude_json, latitude, 'a number'),
            silver_check('longitude', longitude_json, longitude, 'a number'),
            silver_check('landing_attempts', landing_attempts_json, landing_attempts, 'an integer'),
            silver_check('landing_successes', landing_successes_json, landing_successes, 'an integer')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    landpad_id, name, full_name, status, type, locality, region, latitude, longitude, landing_attempts,
    landing_successes
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'name', 'full_name', 'status', 'type', 'locality', 'region', 'latitude', 'longitude',
        'landing_attempts', 'landing_successes', 'wikipedia', 'details', 'launches', 'images'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_landpads_rows AS
SELECT
    landpad_id, name, full_name, status, type, locality, region, latitude, longitude, landing_attempts,
    landing_successes, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT landpad_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY landpad_id) AS latest
    USING (landpad_id, position)
ORDER BY landpad_id;
