-- SpaceX payloads (GET /v4/payloads, POST /v4/payloads/query): one row per payload, with its orbit.
-- produces: spacex_payloads

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['name'] AS name_json,
        element['type'] AS type_json,
        element['reused'] AS reused_json,
        element['launch'] AS launch_json,
        element['customers'] AS customers_json,
        element['nationalities'] AS nationalities_json,
        element['manufacturers'] AS manufacturers_json,
        element['norad_ids'] AS norad_ids_json,
        element['mass_kg'] AS mass_kg_json,
        element['orbit'] AS orbit_json,
        element['reference_system'] AS reference_system_json,
        element['regime'] AS regime_json,
        element['periapsis_km'] AS periapsis_km_json,
        element['apoapsis_km'] AS apoapsis_km_json,
        element['inclination_deg'] AS inclination_deg_json,
        element['period_min'] AS period_min_json,
        silver_entries(element['customers']) AS customer_entries,
        silver_entries(element['nationalities']) AS nationality_entries,
        silver_entries(element['manufacturers']) AS manufacturer_entries,
        silver_entries(element['norad_ids']) AS norad_id_entries
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS payload_id,
        silver_string(name_json) AS name,
        silver_string(type_json) AS type,
        silver_boolean(reused_json) AS reused,
        silver_reference(launch_json) AS launch_id,
        silver_strings(customer_entries) AS customers,
        silver_strings(nationality_entries) AS nationalities,
        silver_strings(manufacturer_entries) AS manufacturers,
        silver_ints(norad_id_entries) AS norad_ids,
        silver_double(mass_kg_json) AS mass_kg,
        silver_string(orbit_json) AS orbit,
        silver_string(reference_system_json) AS reference_system,
        silver_string(regime_json) AS regime,
        silver_double(periapsis_km_json) AS periapsis_km,
        silver_double(apoapsis_km_json) AS apoapsis_km,
        silver_double(inclination_deg_json) AS inclination_deg,
        silver_double(period_min_json) AS period_min
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, payload_id),
            silver_check('name', name_json, name, 'a string'),
            silver_check('type', type_json, type, 'a string'),
            silver_check('reused', reused_json, reused, 'a boolean'),
            silver_check('launch', launch_json, launch_id, 'an id'),
            silver_check('customers', customers_json, customer_entries, 'an array'),
            silver_check_strings('customers', customer_entries),
            silver_check('nationalities', nationalities_json, nationality_entries, 'an array'),
            silver_check_strings('nationalities', nationality_entries),
            silver_check('manufacturers', manufacturers_json, manufacturer_entries, 'an array'),
            silver_check_strings('manufacturers', manufacturer_entries),
            silver_check('norad_ids', norad_ids_json, norad_id_entries, 'an array'),
            silver_check_ints('norad_ids', norad_id_entries),
            silver_check('mass_kg', mass_kg_json, mass_kg, 'a number'),
            silver_check('orbit', orbit_json, orbit, 'a string'),
            silver_check('reference_system', reference_system_json, reference_system, 'a string'),
            silver_check('regime', regime_json, regime, 'a string'),
            silver_check('periapsis_km', periapsis_km_json, periapsis_km, 'a number'),
            silver_check('apoapsis_km', apoapsis_km_json, apoapsis_km, 'a number'),
            silver_check('inclination_deg', inclination_deg_json, inclination_deg, 'a number'),
            silver_check('period_min', period_min_json, period_min, 'a number')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    payload_id, name, type, reused, launch_id, customers, nationalities, manufacturers, norad_ids, mass_kg, orbit,
    reference_system, regime, periapsis_km, apoapsis_km, inclination_deg, period_min
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'name', 'type', 'reused', 'launch', 'customers', 'norad_ids', 'nationalities', 'manufacturers',
        'mass_kg', 'mass_lbs', 'orbit', 'reference_system', 'regime', 'longitude', 'semi_major_axis_km',
        'eccentricity', 'periapsis_km', 'apoapsis_km', 'inclination_deg', 'period_min', 'lifespan_years', 'epoch',
        'mean_motion', 'raan', 'arg_of_pericenter', 'mean_anomaly', 'dragon'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_payloads_rows AS
SELECT
    payload_id, name, type, reused, launch_id, customers, nationalities, manufacturers, norad_ids, mass_kg, orbit,
    reference_system, regime, periapsis_km, apoapsis_km, inclination_deg, period_min, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT payload_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY payload_id) AS latest
    USING (payload_id, position)
ORDER BY payload_id;
