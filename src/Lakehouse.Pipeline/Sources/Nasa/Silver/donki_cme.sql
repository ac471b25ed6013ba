-- DONKI coronal mass ejections (GET /DONKI/CME): one row per CME, one per entry of its cmeAnalyses and one per
-- linked event.
-- produces: nasa_donki_cme, nasa_donki_cme_analyses, nasa_donki_cme_linked_events
-- empty body: no elements
--
-- A window without events is [] (or, now and then, no body at all: no rows, nothing quarantined). Of each
-- activityID a chunk keeps the highest versionId, then the last one seen; its analyses and links come with it.
-- A wrong type anywhere in a CME, its analyses and links included, quarantines the whole CME.

CREATE OR REPLACE TEMP MACRO cme_analysis(a) AS {
    'is_most_accurate': silver_boolean(a['isMostAccurate']),
    'time21_5': donki_time(a['time21_5']),
    'latitude': silver_double(a['latitude']),
    'longitude': silver_double(a['longitude']),
    'half_angle': silver_double(a['halfAngle']),
    'speed_km_s': silver_double(a['speed']),
    'type': silver_string(a['type']),
    'feature_code': silver_string(a['featureCode']),
    'image_type': silver_string(a['imageType']),
    'measurement_technique': silver_string(a['measurementTechnique']),
    'note': silver_string(a['note']),
    'level_of_data': silver_int(a['levelOfData']),
    'tilt': silver_double(a['tilt']),
    'minor_half_width': silver_double(a['minorHalfWidth']),
    'speed_measured_at_height': silver_double(a['speedMeasuredAtHeight']),
    'submission_time': donki_time(a['submissionTime']),
    'link': silver_string(a['link']),
    'enlil_simulations': coalesce(len(silver_entries(a['enlilList'])), 0)
};

CREATE OR REPLACE TEMP MACRO cme_check_analysis(a, j, i) AS coalesce(
    CASE WHEN a IS NULL THEN silver_wrong_type('cmeAnalyses[' || i || ']', silver_entry(j, i), 'an object') END,
    silver_check('cmeAnalyses[' || i || '].isMostAccurate', a['isMostAccurate'], silver_boolean(a['isMostAccurate']), 'a boolean'),
    silver_check('cmeAnalyses[' || i || '].time21_5', a['time21_5'], donki_time(a['time21_5']), 'a timestamp'),
    silver_check('cmeAnalyses[' || i || '].latitude', a['latitude'], silver_double(a['latitude']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].longitude', a['longitude'], silver_double(a['longitude']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].halfAngle', a['halfAngle'], silver_double(a['halfAngle']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].speed', a['speed'], silver_double(a['speed']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].type', a['type'], silver_string(a['type']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].featureCode', a['featureCode'], silver_string(a['featureCode']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].imageType', a['imageType'], silver_string(a['imageType']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].measurementTechnique', a['measurementTechnique'], silver_string(a['measurementTechnique']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].note', a['note'], silver_string(a['note']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].levelOfData', a['levelOfData'], silver_int(a['levelOfData']), 'an integer'),
    silver_check('cmeAnalyses[' || i || '].tilt', a['tilt'], silver_double(a['tilt']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].minorHalfWidth', a['minorHalfWidth'], silver_double(a['minorHalfWidth']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].speedMeasuredAtHeight', a['speedMeasuredAtHeight'], silver_double(a['speedMeasuredAtHeight']), 'a number'),
    silver_check('cmeAnalyses[' || i || '].submissionTime', a['submissionTime'], donki_time(a['submissionTime']), 'a timestamp'),
    silver_check('cmeAnalyses[' || i || '].link', a['link'], silver_string(a['link']), 'a string'),
    silver_check('cmeAnalyses[' || i || '].enlilList', a['enlilList'], silver_entries(a['enlilList']), 'an array'));

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['activityID'] AS id_json,
        element['catalog'] AS catalog_json,
        element['startTime'] AS start_time_json,
        element['instruments'] AS instruments_json,
        element['sourceLocation'] AS source_location_json,
        element['activeRegionNum'] AS active_region_num_json,
        element['note'] AS note_json,
        element['submissionTime'] AS submission_time_json,
        element['versionId'] AS version_id_json,
        element['link'] AS link_json,
        element['cmeAnalyses'] AS analyses_json,
        element['linkedEvents'] AS linked_events_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS activity_id,
        silver_string(catalog_json) AS catalog,
        donki_time(start_time_json) AS start_time,
        silver_objects(instruments_json) AS instrument_objects,
        silver_string(source_location_json) AS source_location_text,
        silver_int(active_region_num_json) AS active_region_num,
        silver_string(note_json) AS note,
        donki_time(submission_time_json) AS submission_time,
        silver_int(version_id_json) AS version_id,
        silver_string(link_json) AS link,
        silver_objects(analyses_json) AS analysis_objects,
        silver_objects(linked_events_json) AS link_objects
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            CASE WHEN id_json IS NULL THEN 'missing activityID' ELSE silver_check('activityID', id_json, activity_id, 'a string') END,
            silver_check('catalog', catalog_json, catalog, 'a string'),
            silver_check('startTime', start_time_json, start_time, 'a timestamp'),
            donki_check_instruments(instruments_json, instrument_objects),
            silver_check('sourceLocation', source_location_json, source_location_text, 'a string'),
            silver_check('activeRegionNum', active_region_num_json, active_region_num, 'an integer'),
            silver_check('note', note_json, note, 'a string'),
            silver_check('submissionTime', submission_time_json, submission_time, 'a timestamp'),
            silver_check('versionId', version_id_json, version_id, 'an integer'),
            silver_check('link', link_json, link, 'a string'),
            silver_check('cmeAnalyses', analyses_json, analysis_objects, 'an array of objects'),
            silver_first_problem(list_transform(analysis_objects, lambda a, i: cme_check_analysis(a, analyses_json, i))),
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
    list_transform(analysis_objects, lambda a: map_keys(a)) AS analysis_member_names,
    activity_id, catalog, start_time, nullif(source_location_text, '') AS source_location, active_region_num, note,
    donki_instruments(instrument_objects) AS instruments, submission_time, version_id, link,
    list_transform(analysis_objects, lambda a: cme_analysis(a)) AS analyses,
    donki_links(link_objects) AS linked_activity_ids
FROM checked;

INSERT INTO silver_drift
WITH names(prefix, names, known) AS (
    SELECT '', member_names, [
        'activityID', 'catalog', 'startTime', 'instruments', 'sourceLocation', 'activeRegionNum', 'note',
        'submissionTime', 'versionId', 'link', 'cmeAnalyses', 'linkedEvents']
    FROM silver_stage
    UNION ALL
    SELECT 'cmeAnalyses[].', unnest(analysis_member_names), [
        'isMostAccurate', 'time21_5', 'latitude', 'longitude', 'halfAngle', 'speed', 'type', 'featureCode', 'imageType',
        'measurementTechnique', 'note', 'levelOfData', 'tilt', 'minorHalfWidth', 'speedMeasuredAtHeight',
        'submissionTime', 'link', 'enlilList']
    FROM silver_stage
), signatures AS (
    SELECT prefix, any_value(names) AS names, any_value(known) AS known, count(*) AS objects
    FROM names
    WHERE names IS NOT NULL
    GROUP BY prefix, hash(names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT prefix || unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
GROUP BY field;

CREATE TEMP TABLE cme_latest AS
SELECT activity_id, arg_max(position, donki_rank(version_id, position)) AS position
FROM silver_stage WHERE problem IS NULL GROUP BY activity_id;

CREATE TEMP VIEW nasa_donki_cme_rows AS
SELECT
    activity_id, catalog, start_time, source_location, active_region_num, note, instruments, submission_time,
    version_id, link, _run_id, _bronze_key, _landed_at
FROM silver_stage SEMI JOIN cme_latest USING (activity_id, position)
ORDER BY activity_id;

CREATE TEMP VIEW nasa_donki_cme_analyses_rows AS
SELECT
    activity_id, analysis_ordinal, a.is_most_accurate, a.time21_5, a.latitude, a.longitude, a.half_angle, a.speed_km_s,
    a.type, a.feature_code, a.image_type, a.measurement_technique, a.note, a.level_of_data, a.tilt,
    a.minor_half_width, a.speed_measured_at_height, a.submission_time, a.link, a.enlil_simulations,
    _run_id, _bronze_key, _landed_at
FROM (
    SELECT activity_id, unnest(analyses) AS a, generate_subscripts(analyses, 1) AS analysis_ordinal, _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN cme_latest USING (activity_id, position)
)
ORDER BY activity_id, analysis_ordinal;

CREATE TEMP VIEW nasa_donki_cme_linked_events_rows AS
SELECT activity_id AS event_id, 'CME' AS event_kind, link_ordinal, linked_activity_id, _run_id, _bronze_key, _landed_at
FROM (
    SELECT
        activity_id, unnest(linked_activity_ids) AS linked_activity_id, generate_subscripts(linked_activity_ids, 1) AS link_ordinal,
        _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN cme_latest USING (activity_id, position)
)
ORDER BY event_id, link_ordinal;
