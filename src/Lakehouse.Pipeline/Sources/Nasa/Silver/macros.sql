-- Macros the NASA scripts share (run after common.sql).

-- NeoWs sends velocities and distances as decimal strings: those, and plain JSON numbers should it ever send them,
-- nothing else. 'nan' and 'inf' cast to DOUBLE, but a distance or a speed is never either.
CREATE OR REPLACE TEMP MACRO nasa_number(j) AS
    CASE
        WHEN starts_with(j, '"') THEN TRY_CAST(j->>'$' AS DOUBLE)
        ELSE silver_double(j)
    END;
CREATE OR REPLACE TEMP MACRO nasa_finite_number(j) AS
    CASE WHEN isfinite(nasa_number(j)) THEN nasa_number(j) END;
-- '2024-Mar-16 12:05': English month abbreviations whatever the locale (DuckDB's %b is not localised).
CREATE OR REPLACE TEMP MACRO nasa_date_full(j) AS
    CASE WHEN starts_with(j, '"') THEN try_strptime(j->>'$', '%Y-%b-%d %H:%M') END;

-- DONKI times are UTC to the minute, '2024-05-01T00:48Z'; full ISO-8601 is taken too.
CREATE OR REPLACE TEMP MACRO donki_time(j) AS
    CASE WHEN starts_with(j, '"') THEN coalesce(try_strptime(j->>'$', '%Y-%m-%dT%H:%MZ'), silver_timestamp(j)) END;
-- An empty string is DONKI's "unknown" (sourceLocation).
CREATE OR REPLACE TEMP MACRO donki_text(j) AS nullif(silver_string(j), '');

-- instruments: [{displayName}], kept as the list of names.
CREATE OR REPLACE TEMP MACRO donki_instruments(objects) AS
    list_transform(objects, lambda o: silver_string(o['displayName']));
CREATE OR REPLACE TEMP MACRO donki_instruments_ok(objects) AS
    coalesce(list_bool_and(list_transform(objects, lambda o:
        o IS NOT NULL AND silver_ok(o['displayName'], silver_string(o['displayName'])))), true);
CREATE OR REPLACE TEMP MACRO donki_check_instruments(j, objects) AS coalesce(
    silver_check('instruments', j, objects, 'an array of objects'),
    silver_first_problem(list_transform(objects, lambda o, i:
        CASE
            WHEN o IS NULL THEN silver_wrong_type('instruments[' || i || ']', silver_entry(j, i), 'an object')
            ELSE silver_check('instruments[' || i || '].displayName', o['displayName'], silver_string(o['displayName']), 'a string')
        END)));

-- linkedEvents: null when there are none, else [{activityID}]; an entry without an id links nothing and is wrong.
CREATE OR REPLACE TEMP MACRO donki_links(objects) AS
    list_transform(objects, lambda o: silver_string(o['activityID']));
CREATE OR REPLACE TEMP MACRO donki_links_ok(objects) AS
    coalesce(list_bool_and(list_transform(objects, lambda o: o IS NOT NULL AND silver_string(o['activityID']) IS NOT NULL)), true);
CREATE OR REPLACE TEMP MACRO donki_check_links(j, objects) AS coalesce(
    silver_check('linkedEvents', j, objects, 'an array of objects'),
    silver_first_problem(list_transform(objects, lambda o, i:
        CASE
            WHEN o IS NULL THEN silver_wrong_type('linkedEvents[' || i || ']', silver_entry(j, i), 'an object')
            WHEN o['activityID'] IS NULL THEN 'missing linkedEvents[' || i || '].activityID'
            ELSE silver_check('linkedEvents[' || i || '].activityID', o['activityID'], silver_string(o['activityID']), 'a string')
        END)));

-- Of each event id, the valid element with the highest versionId, then the last one seen (DONKI revises events and
-- bumps versionId; a re-read window lands the same event again).
CREATE OR REPLACE TEMP MACRO donki_rank(version, pos) AS (coalesce(version, -1)::BIGINT, pos);
