-- NeoWs feed (GET /neo/rest/v1/feed): one row per asteroid, and one per entry of its close_approach_data.
-- produces: nasa_asteroids, nasa_close_approaches
-- elements: near_earth_objects.*
--
-- near_earth_objects is an object keyed by date whose values are arrays of asteroids; the runner flattens it. An
-- asteroid listed under two dates of one response is one asteroid row (the last seen) and one approach row per epoch.
-- Legacy (2016) objects have no id, is_sentry_object or close_approach_date_full: neo_reference_id (the same
-- SPK-ID) stands in for the id, the others are null. A wrong type anywhere in an asteroid, its approaches included,
-- quarantines the whole asteroid; an approach without epoch_date_close_approach has no key and does too.
-- Velocities and distances come as decimal strings (nasa_finite_number, macros.sql).

CREATE TEMP TABLE neo_elements AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
        _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['neo_reference_id'] AS neo_reference_id_json,
        element['name'] AS name_json,
        element['nasa_jpl_url'] AS nasa_jpl_url_json,
        element['absolute_magnitude_h'] AS absolute_magnitude_h_json,
        element['estimated_diameter'] AS estimated_diameter_json,
        element['is_potentially_hazardous_asteroid'] AS hazardous_json,
        element['is_sentry_object'] AS sentry_json,
        element['close_approach_data'] AS close_approach_data_json
    FROM bronze_elements
), objects AS (
    SELECT
        *,
        silver_object(estimated_diameter_json) AS estimated_diameter,
        silver_objects(close_approach_data_json) AS approach_objects
    FROM members
), kilometers AS (
    SELECT *, silver_object(estimated_diameter['kilometers']) AS kilometers FROM objects
)
SELECT
    *,
    silver_string(id_json) AS id,
    silver_string(neo_reference_id_json) AS neo_reference_id,
    coalesce(silver_string(id_json), silver_string(neo_reference_id_json)) AS asteroid_id,
    silver_string(name_json) AS name,
    silver_string(nasa_jpl_url_json) AS nasa_jpl_url,
    silver_double(absolute_magnitude_h_json) AS absolute_magnitude_h,
    silver_double(kilometers['estimated_diameter_min']) AS estimated_diameter_min_km,
    silver_double(kilometers['estimated_diameter_max']) AS estimated_diameter_max_km,
    silver_boolean(hazardous_json) AS is_potentially_hazardous,
    silver_boolean(sentry_json) AS is_sentry_object
FROM kilometers;

-- Every approach of every element, checked on its own; an element takes the first problem of its approaches.
CREATE TEMP TABLE neo_approaches AS
WITH entries AS (
    SELECT position, _run_id, _bronze_key, _landed_at, asteroid_id, close_approach_data_json, unnest(approach_objects) AS c,
        generate_subscripts(approach_objects, 1) AS approach_ordinal
    FROM neo_elements
), objects AS (
    SELECT
        *,
        c['close_approach_date'] AS date_json,
        c['close_approach_date_full'] AS date_full_json,
        c['epoch_date_close_approach'] AS epoch_json,
        c['orbiting_body'] AS orbiting_body_json,
        c['relative_velocity'] AS relative_velocity_json,
        c['miss_distance'] AS miss_distance_json,
        silver_object(c['relative_velocity']) AS velocity,
        silver_object(c['miss_distance']) AS distance
    FROM entries
), typed AS (
    SELECT
        *,
        silver_bigint(epoch_json) AS epoch_date_close_approach,
        silver_date(date_json) AS close_approach_date,
        nasa_date_full(date_full_json) AS close_approach_date_full,
        nasa_finite_number(velocity['kilometers_per_second']) AS relative_velocity_km_s,
        nasa_finite_number(velocity['kilometers_per_hour']) AS relative_velocity_km_h,
        nasa_finite_number(velocity['miles_per_hour']) AS relative_velocity_mph,
        nasa_finite_number(distance['astronomical']) AS miss_distance_au,
        nasa_finite_number(distance['lunar']) AS miss_distance_lunar,
        nasa_finite_number(distance['kilometers']) AS miss_distance_km,
        nasa_finite_number(distance['miles']) AS miss_distance_miles,
        silver_string(orbiting_body_json) AS orbiting_body
    FROM objects
)
SELECT
    *,
    epoch_ms(epoch_date_close_approach) AS close_approach_at,
    silver_problem(
        c IS NOT NULL
            AND epoch_date_close_approach IS NOT NULL
            AND silver_ok(date_json, close_approach_date)
            AND silver_ok(date_full_json, close_approach_date_full)
            AND silver_ok(orbiting_body_json, orbiting_body)
            AND silver_ok(relative_velocity_json, velocity)
            AND silver_ok(velocity['kilometers_per_second'], relative_velocity_km_s)
            AND silver_ok(velocity['kilometers_per_hour'], relative_velocity_km_h)
            AND silver_ok(velocity['miles_per_hour'], relative_velocity_mph)
            AND silver_ok(miss_distance_json, distance)
            AND silver_ok(distance['astronomical'], miss_distance_au)
            AND silver_ok(distance['lunar'], miss_distance_lunar)
            AND silver_ok(distance['kilometers'], miss_distance_km)
            AND silver_ok(distance['miles'], miss_distance_miles),
        coalesce(
            CASE WHEN c IS NULL THEN silver_wrong_type(
                'close_approach_data[' || approach_ordinal || ']', silver_entry(close_approach_data_json, approach_ordinal), 'an object') END,
            CASE WHEN epoch_json IS NULL THEN 'missing close_approach_data[' || approach_ordinal || '].epoch_date_close_approach' END,
            silver_check('close_approach_data[' || approach_ordinal || '].epoch_date_close_approach', epoch_json, epoch_date_close_approach, 'an integer'),
            silver_check('close_approach_data[' || approach_ordinal || '].close_approach_date', date_json, close_approach_date, 'a date'),
            silver_check('close_approach_data[' || approach_ordinal || '].close_approach_date_full', date_full_json, close_approach_date_full, 'a timestamp'),
            silver_check('close_approach_data[' || approach_ordinal || '].orbiting_body', orbiting_body_json, orbiting_body, 'a string'),
            silver_check('close_approach_data[' || approach_ordinal || '].relative_velocity', relative_velocity_json, velocity, 'an object'),
            silver_check('close_approach_data[' || approach_ordinal || '].relative_velocity.kilometers_per_second', velocity['kilometers_per_second'], relative_velocity_km_s, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].relative_velocity.kilometers_per_hour', velocity['kilometers_per_hour'], relative_velocity_km_h, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].relative_velocity.miles_per_hour', velocity['miles_per_hour'], relative_velocity_mph, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].miss_distance', miss_distance_json, distance, 'an object'),
            silver_check('close_approach_data[' || approach_ordinal || '].miss_distance.astronomical', distance['astronomical'], miss_distance_au, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].miss_distance.lunar', distance['lunar'], miss_distance_lunar, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].miss_distance.kilometers', distance['kilometers'], miss_distance_km, 'a number'),
            silver_check('close_approach_data[' || approach_ordinal || '].miss_distance.miles', distance['miles'], miss_distance_miles, 'a number'))
    ) AS problem
FROM typed;

CREATE TEMP TABLE silver_stage AS
WITH approach_problems AS (
    SELECT position, arg_min(problem, approach_ordinal) AS approach_problem
    FROM neo_approaches
    WHERE problem IS NOT NULL
    GROUP BY position
), checked AS (
    SELECT
        neo_elements.*,
        silver_problem(
            element IS NOT NULL
                AND asteroid_id IS NOT NULL
                AND silver_ok(id_json, id)
                AND silver_ok(neo_reference_id_json, neo_reference_id)
                AND silver_ok(name_json, name)
                AND silver_ok(nasa_jpl_url_json, nasa_jpl_url)
                AND silver_ok(absolute_magnitude_h_json, absolute_magnitude_h)
                AND silver_ok(estimated_diameter_json, estimated_diameter)
                AND silver_ok(estimated_diameter['kilometers'], kilometers)
                AND silver_ok(kilometers['estimated_diameter_min'], estimated_diameter_min_km)
                AND silver_ok(kilometers['estimated_diameter_max'], estimated_diameter_max_km)
                AND silver_ok(hazardous_json, is_potentially_hazardous)
                AND silver_ok(sentry_json, is_sentry_object)
                AND silver_ok(close_approach_data_json, approach_objects)
                AND approach_problems.approach_problem IS NULL,
            coalesce(
                silver_check_element(element, element_ordinal),
                CASE WHEN id_json IS NULL AND neo_reference_id_json IS NULL THEN 'missing id' END,
                silver_check('id', id_json, id, 'a string'),
                silver_check('neo_reference_id', neo_reference_id_json, neo_reference_id, 'a string'),
                silver_check('name', name_json, name, 'a string'),
                silver_check('nasa_jpl_url', nasa_jpl_url_json, nasa_jpl_url, 'a string'),
                silver_check('absolute_magnitude_h', absolute_magnitude_h_json, absolute_magnitude_h, 'a number'),
                silver_check('estimated_diameter', estimated_diameter_json, estimated_diameter, 'an object'),
                silver_check('estimated_diameter.kilometers', estimated_diameter['kilometers'], kilometers, 'an object'),
                silver_check('estimated_diameter.kilometers.estimated_diameter_min', kilometers['estimated_diameter_min'], estimated_diameter_min_km, 'a number'),
                silver_check('estimated_diameter.kilometers.estimated_diameter_max', kilometers['estimated_diameter_max'], estimated_diameter_max_km, 'a number'),
                silver_check('is_potentially_hazardous_asteroid', hazardous_json, is_potentially_hazardous, 'a boolean'),
                silver_check('is_sentry_object', sentry_json, is_sentry_object, 'a boolean'),
                silver_check('close_approach_data', close_approach_data_json, approach_objects, 'an array of objects'),
                approach_problems.approach_problem)
        ) AS problem
    FROM neo_elements
    LEFT JOIN approach_problems USING (position)
)
SELECT
    input_ordinal, element_ordinal, position, _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    map_keys(estimated_diameter) AS estimated_diameter_member_names,
    map_keys(kilometers) AS kilometers_member_names,
    asteroid_id, neo_reference_id, name, nasa_jpl_url, absolute_magnitude_h, estimated_diameter_min_km,
    estimated_diameter_max_km, is_potentially_hazardous, is_sentry_object
FROM checked;

-- Drift, counted once per distinct list of member names.
INSERT INTO silver_drift
WITH names(prefix, names, known) AS (
    SELECT '', member_names, [
        'links', 'id', 'neo_reference_id', 'name', 'designation', 'name_limited', 'nasa_jpl_url', 'absolute_magnitude_h',
        'estimated_diameter', 'is_potentially_hazardous_asteroid', 'close_approach_data', 'orbital_data',
        'is_sentry_object', 'sentry_data']
    FROM silver_stage
    UNION ALL
    SELECT 'estimated_diameter.', estimated_diameter_member_names, ['kilometers', 'meters', 'miles', 'feet'] FROM silver_stage
    UNION ALL
    SELECT 'estimated_diameter.kilometers.', kilometers_member_names, ['estimated_diameter_min', 'estimated_diameter_max']
    FROM silver_stage
    UNION ALL
    SELECT 'close_approach_data[].', map_keys(c), [
        'close_approach_date', 'close_approach_date_full', 'epoch_date_close_approach', 'relative_velocity',
        'miss_distance', 'orbiting_body']
    FROM neo_approaches
    UNION ALL
    SELECT 'close_approach_data[].relative_velocity.', map_keys(velocity), ['kilometers_per_second', 'kilometers_per_hour', 'miles_per_hour']
    FROM neo_approaches
    UNION ALL
    SELECT 'close_approach_data[].miss_distance.', map_keys(distance), ['astronomical', 'lunar', 'kilometers', 'miles']
    FROM neo_approaches
), signatures AS (
    SELECT prefix, any_value(names) AS names, any_value(known) AS known, count(*) AS objects
    FROM names
    WHERE names IS NOT NULL
    GROUP BY prefix, hash(names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT prefix || unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW nasa_asteroids_rows AS
SELECT
    asteroid_id, neo_reference_id, name, nasa_jpl_url, absolute_magnitude_h, estimated_diameter_min_km,
    estimated_diameter_max_km, is_potentially_hazardous, is_sentry_object, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT asteroid_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY asteroid_id) AS latest
    USING (asteroid_id, position)
ORDER BY asteroid_id;

-- The approaches of valid asteroids; of each (asteroid, epoch) the last one seen. A grouped maximum, then a join,
-- costs a fraction of a window over all approaches.
CREATE TEMP TABLE approach_latest AS
SELECT asteroid_id, epoch_date_close_approach, max({'position': position, 'ordinal': approach_ordinal}) AS latest
FROM neo_approaches
SEMI JOIN (SELECT position FROM silver_stage WHERE problem IS NULL) AS valid USING (position)
GROUP BY asteroid_id, epoch_date_close_approach;

CREATE TEMP VIEW nasa_close_approaches_rows AS
SELECT
    a.asteroid_id, a.epoch_date_close_approach, a.close_approach_at, a.close_approach_date, a.close_approach_date_full,
    a.relative_velocity_km_s, a.relative_velocity_km_h, a.relative_velocity_mph, a.miss_distance_au,
    a.miss_distance_lunar, a.miss_distance_km, a.miss_distance_miles, a.orbiting_body,
    a._run_id, a._bronze_key, a._landed_at
FROM neo_approaches AS a
JOIN approach_latest AS l
    ON l.asteroid_id = a.asteroid_id
    AND l.epoch_date_close_approach = a.epoch_date_close_approach
    AND l.latest.position = a.position
    AND l.latest.ordinal = a.approach_ordinal
ORDER BY a.asteroid_id, a.epoch_date_close_approach;
