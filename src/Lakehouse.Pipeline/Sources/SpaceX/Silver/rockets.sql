-- SpaceX rockets (GET /v4/rockets, POST /v4/rockets/query): one row per rocket, its size in metric units.
-- produces: spacex_rockets

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['name'] AS name_json,
        element['type'] AS type_json,
        element['active'] AS active_json,
        element['stages'] AS stages_json,
        element['boosters'] AS boosters_json,
        element['cost_per_launch'] AS cost_per_launch_json,
        element['success_rate_pct'] AS success_rate_pct_json,
        element['first_flight'] AS first_flight_json,
        element['country'] AS country_json,
        element['company'] AS company_json,
        element['description'] AS description_json,
        element['height'] AS height_json,
        element['diameter'] AS diameter_json,
        element['mass'] AS mass_json,
        silver_object(element['height']) AS height,
        silver_object(element['diameter']) AS diameter,
        silver_object(element['mass']) AS mass
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS rocket_id,
        silver_string(name_json) AS name,
        silver_string(type_json) AS type,
        silver_boolean(active_json) AS active,
        silver_int(stages_json) AS stages,
        silver_int(boosters_json) AS boosters,
        silver_bigint(cost_per_launch_json) AS cost_per_launch,
        silver_int(success_rate_pct_json) AS success_rate_pct,
        silver_date(first_flight_json) AS first_flight,
        silver_string(country_json) AS country,
        silver_string(company_json) AS company,
        silver_double(height['meters']) AS height_m,
        silver_double(diameter['meters']) AS diameter_m,
        silver_double(mass['kg']) AS mass_kg,
        silver_string(description_json) AS description
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, rocket_id),
            silver_check('name', name_json, name, 'a string'),
            silver_check('type', type_json, type, 'a string'),
            silver_check('active', active_json, active, 'a boolean'),
            silver_check('stages', stages_json, stages, 'an integer'),
            silver_check('boosters', boosters_json, boosters, 'an integer'),
            silver_check('cost_per_launch', cost_per_launch_json, cost_per_launch, 'an integer'),
            silver_check('success_rate_pct', success_rate_pct_json, success_rate_pct, 'an integer'),
            silver_check('first_flight', first_flight_json, first_flight, 'a date'),
            silver_check('country', country_json, country, 'a string'),
            silver_check('company', company_json, company, 'a string'),
            silver_check('height', height_json, height, 'an object'),
            silver_check('height.meters', height['meters'], height_m, 'a number'),
            silver_check('diameter', diameter_json, diameter, 'an object'),
            silver_check('diameter.meters', diameter['meters'], diameter_m, 'a number'),
            silver_check('mass', mass_json, mass, 'an object'),
            silver_check('mass.kg', mass['kg'], mass_kg, 'a number'),
            silver_check('description', description_json, description, 'a string')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    map_keys(height) AS height_member_names,
    map_keys(diameter) AS diameter_member_names,
    map_keys(mass) AS mass_member_names,
    rocket_id, name, type, active, stages, boosters, cost_per_launch, success_rate_pct, first_flight, country, company,
    height_m, diameter_m, mass_kg, description
FROM checked;

INSERT INTO silver_drift
WITH names(prefix, names, known) AS (
    SELECT '', member_names, [
        'id', 'name', 'type', 'active', 'stages', 'boosters', 'cost_per_launch', 'success_rate_pct', 'first_flight',
        'country', 'company', 'wikipedia', 'description', 'height', 'diameter', 'mass', 'first_stage', 'second_stage',
        'engines', 'landing_legs', 'payload_weights', 'flickr_images']
    FROM silver_stage
    UNION ALL
    SELECT 'height.', height_member_names, ['meters', 'feet'] FROM silver_stage
    UNION ALL
    SELECT 'diameter.', diameter_member_names, ['meters', 'feet'] FROM silver_stage
    UNION ALL
    SELECT 'mass.', mass_member_names, ['kg', 'lb'] FROM silver_stage
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
CREATE TEMP VIEW spacex_rockets_rows AS
SELECT
    rocket_id, name, type, active, stages, boosters, cost_per_launch, success_rate_pct, first_flight, country, company,
    height_m, diameter_m, mass_kg, description, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT rocket_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY rocket_id) AS latest
    USING (rocket_id, position)
ORDER BY rocket_id;
