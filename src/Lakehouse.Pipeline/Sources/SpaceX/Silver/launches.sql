-- SpaceX launches (GET /v5/launches, POST /v5/launches/query; v4 bodies too): one row per launch, and one row per
-- entry of its cores, payloads, crew and failures arrays.
-- produces: spacex_launches, spacex_launch_cores, spacex_launch_payloads, spacex_launch_crew, spacex_launch_failures
--
-- A wrong type anywhere in a launch, nested arrays included, quarantines the whole launch: a launch is in every
-- table or in none. crew entries are v5 objects {crew, role} or v4 id strings (role NULL). References (rocket,
-- launchpad, cores[].core, ...) may be populated documents, whose id is taken.
--
-- Each check is written twice: as a cheap test (silver_ok and the *_ok macros) that almost every launch passes, and
-- as the reason for the few that do not (silver_check and the launch_check_* macros), which costs far more to build.

CREATE OR REPLACE TEMP MACRO launch_core(c) AS {
    'core_id': silver_reference(c['core']),
    'flight': silver_int(c['flight']),
    'gridfins': silver_boolean(c['gridfins']),
    'legs': silver_boolean(c['legs']),
    'reused': silver_boolean(c['reused']),
    'landing_attempt': silver_boolean(c['landing_attempt']),
    'landing_success': silver_boolean(c['landing_success']),
    'landing_type': silver_string(c['landing_type']),
    'landpad_id': silver_reference(c['landpad'])
};

CREATE OR REPLACE TEMP MACRO launch_check_core_at(c, cores_json, i, field) AS coalesce(
    CASE WHEN c IS NULL THEN silver_wrong_type(field, silver_entry(cores_json, i), 'an object') END,
    silver_check(field || '.core', c['core'], silver_reference(c['core']), 'an id'),
    silver_check(field || '.flight', c['flight'], silver_int(c['flight']), 'an integer'),
    silver_check(field || '.gridfins', c['gridfins'], silver_boolean(c['gridfins']), 'a boolean'),
    silver_check(field || '.legs', c['legs'], silver_boolean(c['legs']), 'a boolean'),
    silver_check(field || '.reused', c['reused'], silver_boolean(c['reused']), 'a boolean'),
    silver_check(field || '.landing_attempt', c['landing_attempt'], silver_boolean(c['landing_attempt']), 'a boolean'),
    silver_check(field || '.landing_success', c['landing_success'], silver_boolean(c['landing_success']), 'a boolean'),
    silver_check(field || '.landing_type', c['landing_type'], silver_string(c['landing_type']), 'a string'),
    silver_check(field || '.landpad', c['landpad'], silver_reference(c['landpad']), 'an id'));
CREATE OR REPLACE TEMP MACRO launch_check_core(c, cores_json, i) AS launch_check_core_at(c, cores_json, i, 'cores[' || i || ']');

CREATE OR REPLACE TEMP MACRO launch_core_ok(c) AS c IS NOT NULL
    AND silver_ok(c['core'], silver_reference(c['core']))
    AND silver_ok(c['flight'], silver_int(c['flight']))
    AND silver_ok(c['gridfins'], silver_boolean(c['gridfins']))
    AND silver_ok(c['legs'], silver_boolean(c['legs']))
    AND silver_ok(c['reused'], silver_boolean(c['reused']))
    AND silver_ok(c['landing_attempt'], silver_boolean(c['landing_attempt']))
    AND silver_ok(c['landing_success'], silver_boolean(c['landing_success']))
    AND silver_ok(c['landing_type'], silver_string(c['landing_type']))
    AND silver_ok(c['landpad'], silver_reference(c['landpad']));

CREATE OR REPLACE TEMP MACRO launch_crew_member(entry, c) AS
    CASE
        WHEN starts_with(entry, '"') THEN {'crew_id': entry->>'$', 'role': NULL::VARCHAR}
        ELSE {'crew_id': silver_reference(c['crew']), 'role': silver_string(c['role'])}
    END;

CREATE OR REPLACE TEMP MACRO launch_check_crew_member(entry, c, field) AS
    CASE
        WHEN starts_with(entry, '"') THEN NULL
        WHEN c IS NULL THEN silver_wrong_type(field, entry, 'an id or an object')
        ELSE coalesce(
            silver_check(field || '.crew', c['crew'], silver_reference(c['crew']), 'an id'),
            silver_check(field || '.role', c['role'], silver_string(c['role']), 'a string'))
    END;

CREATE OR REPLACE TEMP MACRO launch_crew_member_ok(entry, c) AS starts_with(entry, '"') OR (c IS NOT NULL
    AND silver_ok(c['crew'], silver_reference(c['crew']))
    AND silver_ok(c['role'], silver_string(c['role'])));

CREATE OR REPLACE TEMP MACRO launch_failure(f) AS {
    'time_seconds': silver_int(f['time']),
    'altitude_km': silver_int(f['altitude']),
    'reason': silver_string(f['reason'])
};

CREATE OR REPLACE TEMP MACRO launch_check_failure_at(f, failures_json, i, field) AS coalesce(
    CASE WHEN f IS NULL THEN silver_wrong_type(field, silver_entry(failures_json, i), 'an object') END,
    silver_check(field || '.time', f['time'], silver_int(f['time']), 'an integer'),
    silver_check(field || '.altitude', f['altitude'], silver_int(f['altitude']), 'an integer'),
    silver_check(field || '.reason', f['reason'], silver_string(f['reason']), 'a string'));
CREATE OR REPLACE TEMP MACRO launch_check_failure(f, failures_json, i) AS launch_check_failure_at(f, failures_json, i, 'failures[' || i || ']');

CREATE OR REPLACE TEMP MACRO launch_failure_ok(f) AS f IS NOT NULL
    AND silver_ok(f['time'], silver_int(f['time']))
    AND silver_ok(f['altitude'], silver_int(f['altitude']))
    AND silver_ok(f['reason'], silver_string(f['reason']));

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['id'] AS id_json,
        element['flight_number'] AS flight_number_json,
        element['name'] AS name_json,
        element['date_utc'] AS date_utc_json,
        element['date_unix'] AS date_unix_json,
        element['date_local'] AS date_local_json,
        element['date_precision'] AS date_precision_json,
        element['tbd'] AS tbd_json,
        element['net'] AS net_json,
        element['window'] AS window_json,
        element['static_fire_date_utc'] AS static_fire_date_utc_json,
        element['rocket'] AS rocket_json,
        element['launchpad'] AS launchpad_json,
        element['success'] AS success_json,
        element['upcoming'] AS upcoming_json,
        element['details'] AS details_json,
        element['auto_update'] AS auto_update_json,
        element['launch_library_id'] AS launch_library_id_json,
        element['fairings'] AS fairings_json,
        element['links'] AS links_json,
        element['ships'] AS ships_json,
        element['capsules'] AS capsules_json,
        element['payloads'] AS payloads_json,
        element['cores'] AS cores_json,
        element['crew'] AS crew_json,
        element['failures'] AS failures_json
    FROM bronze_elements
), objects AS (
    SELECT
        *,
        silver_object(fairings_json) AS fairings,
        -- links is large (flickr, reddit) and only four of its members are read: a struct of those is far cheaper
        -- than a MAP of all of them, and json_keys gives the names for the drift report.
        CASE WHEN starts_with(links_json, '{') THEN json_transform(links_json,
            '{"webcast": "JSON", "wikipedia": "JSON", "article": "JSON", "patch": "JSON"}') END AS links,
        CASE WHEN starts_with(links_json, '{') THEN json_keys(links_json) END AS links_member_names,
        silver_entries(ships_json) AS ship_entries,
        silver_entries(capsules_json) AS capsule_entries,
        silver_entries(payloads_json) AS payload_entries,
        silver_objects(cores_json) AS core_objects,
        silver_entries(crew_json) AS crew_entries,
        list_transform(silver_entries(crew_json), lambda e: silver_object(e)) AS crew_objects,
        silver_objects(failures_json) AS failure_objects
    FROM members
), patch AS (
    SELECT *, CASE WHEN starts_with(links.patch, '{') THEN json_transform(links.patch, '{"small": "JSON"}') END AS patch
    FROM objects
), typed AS (
    SELECT
        *,
        silver_string(id_json) AS launch_id,
        silver_int(flight_number_json) AS flight_number,
        silver_string(name_json) AS name,
        silver_timestamp(date_utc_json) AS date_utc,
        silver_bigint(date_unix_json) AS date_unix,
        silver_string(date_local_json) AS date_local,
        silver_string(date_precision_json) AS date_precision,
        silver_boolean(tbd_json) AS tbd,
        silver_boolean(net_json) AS net,
        silver_int(window_json) AS window_seconds,
        silver_timestamp(static_fire_date_utc_json) AS static_fire_date_utc,
        silver_reference(rocket_json) AS rocket_id,
        silver_reference(launchpad_json) AS launchpad_id,
        silver_boolean(success_json) AS success,
        silver_boolean(upcoming_json) AS upcoming,
        silver_string(details_json) AS details,
        silver_boolean(fairings['reused']) AS fairings_reused,
        silver_boolean(fairings['recovery_attempt']) AS fairings_recovery_attempt,
        silver_boolean(fairings['recovered']) AS fairings_recovered,
        silver_references(ship_entries) AS ship_ids,
        silver_references(capsule_entries) AS capsule_ids,
        silver_boolean(auto_update_json) AS auto_update,
        silver_string(launch_library_id_json) AS launch_library_id,
        silver_string(links.webcast) AS webcast,
        silver_string(links.wikipedia) AS wikipedia,
        silver_string(links.article) AS article,
        silver_string(patch.small) AS patch_small,
        silver_references(payload_entries) AS payload_ids
    FROM patch
), checked AS (
    SELECT
        *,
        silver_problem(
            element IS NOT NULL
                AND launch_id IS NOT NULL
                AND silver_ok(flight_number_json, flight_number)
                AND silver_ok(name_json, name)
                AND silver_ok(date_utc_json, date_utc)
                AND silver_ok(date_unix_json, date_unix)
                AND silver_ok(date_local_json, date_local)
                AND silver_ok(date_precision_json, date_precision)
                AND silver_ok(tbd_json, tbd)
                AND silver_ok(net_json, net)
                AND silver_ok(window_json, window_seconds)
                AND silver_ok(static_fire_date_utc_json, static_fire_date_utc)
                AND silver_ok(rocket_json, rocket_id)
                AND silver_ok(launchpad_json, launchpad_id)
                AND silver_ok(success_json, success)
                AND silver_ok(upcoming_json, upcoming)
                AND silver_ok(details_json, details)
                AND silver_ok(auto_update_json, auto_update)
                AND silver_ok(launch_library_id_json, launch_library_id)
                AND silver_ok(fairings_json, fairings)
                AND silver_ok(fairings['reused'], fairings_reused)
                AND silver_ok(fairings['recovery_attempt'], fairings_recovery_attempt)
                AND silver_ok(fairings['recovered'], fairings_recovered)
                AND silver_ok(links_json, links)
                AND silver_ok(links.webcast, webcast)
                AND silver_ok(links.wikipedia, wikipedia)
                AND silver_ok(links.article, article)
                AND silver_ok(links.patch, patch)
                AND silver_ok(patch.small, patch_small)
                AND silver_ok(ships_json, ship_entries) AND silver_all_ok(ship_entries, ship_ids)
                AND silver_ok(capsules_json, capsule_entries) AND silver_all_ok(capsule_entries, capsule_ids)
                AND silver_ok(payloads_json, payload_entries) AND silver_all_ok(payload_entries, payload_ids)
                AND silver_ok(cores_json, core_objects)
                AND coalesce(list_bool_and(list_transform(core_objects, lambda c: launch_core_ok(c))), true)
                AND silver_ok(crew_json, crew_entries)
                AND coalesce(list_bool_and(list_transform(crew_entries, lambda e, i: launch_crew_member_ok(e, crew_objects[i]))), true)
                AND silver_ok(failures_json, failure_objects)
                AND coalesce(list_bool_and(list_transform(failure_objects, lambda f: launch_failure_ok(f))), true),
            coalesce(
                silver_check_element(element, element_ordinal),
                silver_check_id(id_json, launch_id),
                silver_check('flight_number', flight_number_json, flight_number, 'an integer'),
                silver_check('name', name_json, name, 'a string'),
                silver_check('date_utc', date_utc_json, date_utc, 'a timestamp'),
                silver_check('date_unix', date_unix_json, date_unix, 'an integer'),
                silver_check('date_local', date_local_json, date_local, 'a string'),
                silver_check('date_precision', date_precision_json, date_precision, 'a string'),
                silver_check('tbd', tbd_json, tbd, 'a boolean'),
                silver_check('net', net_json, net, 'a boolean'),
                silver_check('window', window_json, window_seconds, 'an integer'),
                silver_check('static_fire_date_utc', static_fire_date_utc_json, static_fire_date_utc, 'a timestamp'),
                silver_check('rocket', rocket_json, rocket_id, 'an id'),
                silver_check('launchpad', launchpad_json, launchpad_id, 'an id'),
                silver_check('success', success_json, success, 'a boolean'),
                silver_check('upcoming', upcoming_json, upcoming, 'a boolean'),
                silver_check('details', details_json, details, 'a string'),
                silver_check('auto_update', auto_update_json, auto_update, 'a boolean'),
                silver_check('launch_library_id', launch_library_id_json, launch_library_id, 'a string'),
                silver_check('fairings', fairings_json, fairings, 'an object'),
                silver_check('fairings.reused', fairings['reused'], fairings_reused, 'a boolean'),
                silver_check('fairings.recovery_attempt', fairings['recovery_attempt'], fairings_recovery_attempt, 'a boolean'),
                silver_check('fairings.recovered', fairings['recovered'], fairings_recovered, 'a boolean'),
                silver_check('links', links_json, links, 'an object'),
                silver_check('links.webcast', links.webcast, webcast, 'a string'),
                silver_check('links.wikipedia', links.wikipedia, wikipedia, 'a string'),
                silver_check('links.article', links.article, article, 'a string'),
                silver_check('links.patch', links.patch, patch, 'an object'),
                silver_check('links.patch.small', patch.small, patch_small, 'a string'),
                silver_check('ships', ships_json, ship_entries, 'an array'),
                silver_check_references('ships', ship_entries),
                silver_check('capsules', capsules_json, capsule_entries, 'an array'),
                silver_check_references('capsules', capsule_entries),
                silver_check('payloads', payloads_json, payload_entries, 'an array'),
                silver_check_references('payloads', payload_entries),
                silver_check('cores', cores_json, core_objects, 'an array of objects'),
                silver_first_problem(list_transform(core_objects, lambda c, i: launch_check_core(c, cores_json, i))),
                silver_check('crew', crew_json, crew_entries, 'an array'),
                silver_first_problem(list_transform(crew_entries, lambda e, i: launch_check_crew_member(e, crew_objects[i], 'crew[' || i || ']'))),
                silver_check('failures', failures_json, failure_objects, 'an array of objects'),
                silver_first_problem(list_transform(failure_objects, lambda f, i: launch_check_failure(f, failures_json, i))))
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    map_keys(fairings) AS fairings_member_names,
    links_member_names,
    list_transform(core_objects, lambda c: map_keys(c)) AS core_member_names,
    list_transform(crew_objects, lambda c: map_keys(c)) AS crew_member_names,
    list_transform(failure_objects, lambda f: map_keys(f)) AS failure_member_names,
    launch_id, flight_number, name, date_utc, date_unix, date_local, date_precision, tbd, net, window_seconds,
    static_fire_date_utc, rocket_id, launchpad_id, success, upcoming, details, fairings_reused,
    fairings_recovery_attempt, fairings_recovered, ship_ids, capsule_ids, auto_update, launch_library_id, webcast,
    wikipedia, article, patch_small,
    list_transform(core_objects, lambda c: launch_core(c)) AS cores,
    payload_ids,
    list_transform(crew_entries, lambda e, i: launch_crew_member(e, crew_objects[i])) AS crew,
    list_transform(failure_objects, lambda f: launch_failure(f)) AS failures
FROM checked;

-- Drift, counted once per distinct list of member names.
INSERT INTO silver_drift
WITH names(prefix, names, known) AS (
    SELECT '', member_names, [
        'id', 'flight_number', 'name', 'date_utc', 'date_unix', 'date_local', 'date_precision', 'tbd', 'net', 'window',
        'static_fire_date_utc', 'static_fire_date_unix', 'rocket', 'launchpad', 'success', 'failures', 'upcoming',
        'details', 'fairings', 'crew', 'ships', 'capsules', 'payloads', 'cores', 'links', 'auto_update',
        'launch_library_id']
    FROM silver_stage
    UNION ALL
    SELECT 'fairings.', fairings_member_names, ['reused', 'recovery_attempt', 'recovered', 'ships'] FROM silver_stage
    UNION ALL
    SELECT 'links.', links_member_names, ['patch', 'reddit', 'flickr', 'presskit', 'webcast', 'youtube_id', 'article', 'wikipedia']
    FROM silver_stage
    UNION ALL
    SELECT 'cores[].', unnest(core_member_names), [
        'core', 'flight', 'gridfins', 'legs', 'reused', 'landing_attempt', 'landing_success', 'landing_type', 'landpad']
    FROM silver_stage
    UNION ALL
    SELECT 'crew[].', unnest(crew_member_names), ['crew', 'role'] FROM silver_stage
    UNION ALL
    SELECT 'failures[].', unnest(failure_member_names), ['time', 'altitude', 'reason'] FROM silver_stage
), signatures AS (
    SELECT prefix, any_value(names) AS names, any_value(known) AS known, count(*) AS objects
    FROM names
    WHERE names IS NOT NULL
    GROUP BY prefix, hash(names)
)
SELECT field, sum(objects) AS occurrences
FROM (SELECT prefix || unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
GROUP BY field;

-- The launches that go to silver: valid, and of each id the last one seen.
CREATE TEMP TABLE launch_latest AS
SELECT launch_id, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY launch_id;

CREATE TEMP VIEW spacex_launches_rows AS
SELECT
    launch_id, flight_number, name, date_utc, date_unix, date_local, date_precision, tbd, net, window_seconds,
    static_fire_date_utc, rocket_id, launchpad_id, success, upcoming, details, fairings_reused,
    fairings_recovery_attempt, fairings_recovered, ship_ids, capsule_ids, auto_update, launch_library_id, webcast,
    wikipedia, article, patch_small, _run_id, _bronze_key, _landed_at
FROM silver_stage SEMI JOIN launch_latest USING (launch_id, position)
ORDER BY launch_id;

CREATE TEMP VIEW spacex_launch_cores_rows AS
SELECT
    launch_id, core_ordinal, core.core_id, core.flight, core.gridfins, core.legs, core.reused, core.landing_attempt,
    core.landing_success, core.landing_type, core.landpad_id, _run_id, _bronze_key, _landed_at
FROM (
    SELECT launch_id, unnest(cores) AS core, generate_subscripts(cores, 1) AS core_ordinal, _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN launch_latest USING (launch_id, position)
)
ORDER BY launch_id, core_ordinal;

CREATE TEMP VIEW spacex_launch_payloads_rows AS
SELECT launch_id, payload_ordinal, payload_id, _run_id, _bronze_key, _landed_at
FROM (
    SELECT
        launch_id, unnest(payload_ids) AS payload_id, generate_subscripts(payload_ids, 1) AS payload_ordinal,
        _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN launch_latest USING (launch_id, position)
)
ORDER BY launch_id, payload_ordinal;

CREATE TEMP VIEW spacex_launch_crew_rows AS
SELECT launch_id, crew_ordinal, member.crew_id, member.role, _run_id, _bronze_key, _landed_at
FROM (
    SELECT launch_id, unnest(crew) AS member, generate_subscripts(crew, 1) AS crew_ordinal, _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN launch_latest USING (launch_id, position)
)
ORDER BY launch_id, crew_ordinal;

CREATE TEMP VIEW spacex_launch_failures_rows AS
SELECT launch_id, failure_ordinal, failure.time_seconds, failure.altitude_km, failure.reason, _run_id, _bronze_key, _landed_at
FROM (
    SELECT
        launch_id, unnest(failures) AS failure, generate_subscripts(failures, 1) AS failure_ordinal,
        _run_id, _bronze_key, _landed_at
    FROM silver_stage SEMI JOIN launch_latest USING (launch_id, position)
)
ORDER BY launch_id, failure_ordinal;
