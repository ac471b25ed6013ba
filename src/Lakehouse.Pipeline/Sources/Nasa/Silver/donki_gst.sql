-- DONKI geomagnetic storms (GET /DONKI/GST): one row per storm, one per entry of its allKpIndex and one per linked
-- event.
-- produces: nasa_donki_gst, nasa_donki_gst_kp_index, nasa_donki_gst_linked_events
-- empty body: no elements
--
-- kp_index_max is the largest kpIndex of allKpIndex (null when it has none). Of each gstID a chunk keeps the highest
-- versionId, then the last one seen.

CREATE OR REPLACE TEMP MACRO gst_kp(k) AS {
    'observed_time': donki_time(k['observedTime']),
    'kp_index': silver_double(k['kpIndex']),
    'source': silver_string(k['source'])
};

CREATE OR REPLACE TEMP MACRO gst_check_kp(k, j, i) AS coalesce(
    CASE WHEN k IS NULL THEN silver_wrong_type('allKpIndex[' || i || ']', silver_entry(j, i), 'an object') END,
    silver_check('allKpIndex[' || i || '].observedTime', k['observedTime'], donki_time(k['observedTime']), 'a timestamp'),
    silver_check('allKpIndex[' || i || '].kpIndex', k['kpIndex'], silver_double(k['kpIndex']), 'a number'),
    silver_check('allKpIndex[' || i || '].source', k['source'], silver_string(k['source']), 'a string'));

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['gstID'] AS id_json,
        element['startTime'] AS start_time_json,
        element['allKpIndex'] AS kp_json,
        element['submissionTime'] AS submission_time_json,
        element['versionId'] AS version_id_json,
        element['link'] AS link_json,
        element['linkedEvents'] AS linked_events_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS gst_id,
        donki_time(start_time_json) AS start_time,
        silver_objects(kp_json) AS kp_objects,
        donki_time(submission_time_json) AS submission_time,
        silver_int(version_id_json) AS version_id,
        silver_string(link_json) AS link,
        silver_objects(linked_events_json) AS link_objects
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            CASE WHEN id_json IS NULL THEN 'missing gstID' ELSE silver_check('gstID', id_json, gst_id, 'a string') END,
            silver_check('startTime', start_time_json, start_time, 'a timestamp'),
            silver_check('allKpIndex', kp_json, kp_objects, 'an array of objects'),
            silver_first_problem(list_transform(kp_objects, lambda k, i: gst_check_kp(k, kp_json, i))),
            silver_check('submissionTime', submission_time_json, submission_time, 'a timestamp'),
            silver_check('versionId', version_id_json, version_id, 'an integer'),
            silver_check('link', link_json, link, 'a string'),
            donki_check_links(linked_events_json, link_objects)
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    list_transform(kp_objects, lambda k: map_keys(k)) AS kp_member_names,
    gst_id, start_time,
    list_transform(kp_objects, lambda k: gst_kp(k)) AS kp_indexes,
    list_max(list_transform(kp_objects, lambda k: silver_double(k['kpIndex']))) AS kp_index_max,
    submission_time, version_id, link,
    donki_links(link_objects) AS linked_activity_ids
FROM checked;

INSERT INTO silver_drift
WITH names(prefix, names, known) AS (
    SELECT '', member_names, ['gstID', 'startTime', 'allKpIndex', 'link', 'linkedEvents', 'submissionTime', 'versionId']
    FROM silver_stage
    UNION ALL
    SELECT 'allKpIndex[].', unnest(kp_member_names), ['observedTime', 'kpIndex', 'source'] FROM silver_stage
), signatures AS (
    SELECT prefix, any_value(names) AS names, any_value(known) AS known, count(*) AS objects
    FROM names
    WHERE names IS NOT NULL
    GROUP BY prefix, hash(names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT prefix || unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
GROUP BY field;

CREATE TEMP TABLE gst_latest AS
SELECT gst_id, arg_max(position, donki_rank(version_id, position)) AS position
FROM silver_stage WHERE problem IS NULL GROUP BY gst_id;

CREATE TEMP VIEW nasa_donki_gst_rows AS
SELECT gst_id, start_time, kp_index_max, submission_time, version_id, link, _run_id, _bronze_key, _landed_at
FROM silver_stage SEMI JOIN gst_latest USING (gst_id, position)
ORDER BY gst_id;

CREATE TEMP VIEW nasa_donki_gst_kp_index_rows AS
SELECT gst_id, kp_ordinal, kp.observed_time, kp.kp_index, kp.source, _run_id, _bronze_key, _landed_at
FROM (
    SELECT gst_id, unnest(kp_indexes) AS kp, generate_subscripts(kp_indexes, 1) AS kp_ordinal, _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN gst_latest USING (gst_id, position)
)
ORDER BY gst_id, kp_ordinal;

CREATE TEMP VIEW nasa_donki_gst_linked_events_rows AS
SELECT gst_id AS event_id, 'GST' AS event_kind, link_ordinal, linked_activity_id, _run_id, _bronze_key, _landed_at
FROM (
    SELECT
        gst_id, unnest(linked_activity_ids) AS linked_activity_id, generate_subscripts(linked_activity_ids, 1) AS link_ordinal,
        _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN gst_latest USING (gst_id, position)
)
ORDER BY event_id, link_ordinal;
