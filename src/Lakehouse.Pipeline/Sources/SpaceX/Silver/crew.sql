-- SpaceX crew members (GET /v4/crew, POST /v4/crew/query): one row per person.
-- produces: spacex_crew

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['name'] AS name_json,
        element['status'] AS status_json,
        element['agency'] AS agency_json,
        element['wikipedia'] AS wikipedia_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS crew_id,
        silver_string(name_json) AS name,
        silver_string(status_json) AS status,
        silver_string(agency_json) AS agency,
        silver_string(wikipedia_json) AS wikipedia
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            silver_check_id(id_json, crew_id),
            silver_check('name', name_json, name, 'a string'),
            silver_check('status', status_json, status, 'a string'),
            silver_check('agency', agency_json, agency, 'a string'),
            silver_check('wikipedia', wikipedia_json, wikipedia, 'a string')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    crew_id, name, status, agency, wikipedia
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'id', 'name', 'status', 'agency', 'image', 'wikipedia', 'launches'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each id the last one seen.
CREATE TEMP VIEW spacex_crew_rows AS
SELECT
    crew_id, name, status, agency, wikipedia, _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT crew_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY crew_id) AS latest
    USING (crew_id, position)
ORDER BY crew_id;
