-- DONKI solar flares (GET /DONKI/FLR): one row per flare and one per linked event.
-- produces: nasa_donki_flr, nasa_donki_flr_linked_events
-- empty body: no elements
--
-- classType is the GOES class, a letter and a magnitude ('M1.8', 'X9.3'): kept as sent and split in two. A class
-- that does not read as letter + number keeps its text and has no letter or magnitude. Of each flrID a chunk keeps
-- the highest versionId, then the last one seen.

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['flrID'] AS id_json,
        element['instruments'] AS instruments_json,
        element['beginTime'] AS begin_time_json,
        element['peakTime'] AS peak_time_json,
        element['endTime'] AS end_time_json,
        element['classType'] AS class_type_json,
        element['sourceLocation'] AS source_location_json,
        element['activeRegionNum'] AS active_region_num_json,
        element['note'] AS note_json,
        element['submissionTime'] AS submission_time_json,
        element['versionId'] AS version_id_json,
        element['link'] AS link_json,
        element['linkedEvents'] AS linked_events_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS flr_id,
        silver_objects(instruments_json) AS instrument_objects,
        donki_time(begin_time_json) AS begin_time,
        donki_time(peak_time_json) AS peak_time,
        donki_time(end_time_json) AS end_time,
        silver_string(class_type_json) AS class_type,
        silver_string(source_location_json) AS source_location_text,
        silver_int(active_region_num_json) AS active_region_num,
        silver_string(note_json) AS note,
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
            CASE WHEN id_json IS NULL THEN 'missing flrID' ELSE silver_check('flrID', id_json, flr_id, 'a string') END,
            donki_check_instruments(instruments_json, instrument_objects),
            silver_check('beginTime', begin_time_json, begin_time, 'a timestamp'),
            silver_check('peakTime', peak_time_json, peak_time, 'a timestamp'),
            silver_check('endTime', end_time_json, end_time, 'a timestamp'),
            silver_check('classType', class_type_json, class_type, 'a string'),
            silver_check('sourceLocation', source_location_json, source_location_text, 'a string'),
            silver_check('activeRegionNum', active_region_num_json, active_region_num, 'an integer'),
            silver_check('note', note_json, note, 'a string'),
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
    flr_id, begin_time, peak_time, end_time, class_type,
    nullif(regexp_extract(trim(class_type), '^([A-Z])[0-9]+(\.[0-9]+)?$', 1), '') AS class_letter,
    TRY_CAST(nullif(regexp_extract(trim(class_type), '^[A-Z]([0-9]+(\.[0-9]+)?)$', 1), '') AS DOUBLE) AS class_magnitude,
    nullif(source_location_text, '') AS source_location, active_region_num, note,
    donki_instruments(instrument_objects) AS instruments, submission_time, version_id, link,
    donki_links(link_objects) AS linked_activity_ids
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'flrID', 'instruments', 'beginTime', 'peakTime', 'endTime', 'classType', 'sourceLocation', 'activeRegionNum',
        'note', 'submissionTime', 'versionId', 'link', 'linkedEvents'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

CREATE TEMP TABLE flr_latest AS
SELECT flr_id, arg_max(position, donki_rank(version_id, position)) AS position
FROM silver_stage WHERE problem IS NULL GROUP BY flr_id;

CREATE TEMP VIEW nasa_donki_flr_rows AS
SELECT
    flr_id, begin_time, peak_time, end_time, class_type, class_letter, class_magnitude, source_location,
    active_region_num, note, instruments, submission_time, version_id, link, _run_id, _bronze_key, _landed_at
FROM silver_stage SEMI JOIN flr_latest USING (flr_id, position)
ORDER BY flr_id;

CREATE TEMP VIEW nasa_donki_flr_linked_events_rows AS
SELECT flr_id AS event_id, 'FLR' AS event_kind, link_ordinal, linked_activity_id, _run_id, _bronze_key, _landed_at
FROM (
    SELECT
        flr_id, unnest(linked_activity_ids) AS linked_activity_id, generate_subscripts(linked_activity_ids, 1) AS link_ordinal,
        _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN flr_latest USING (flr_id, position)
)
ORDER BY event_id, link_ordinal;
