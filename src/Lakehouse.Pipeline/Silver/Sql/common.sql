-- What every silver script can rely on, and what it must provide.
--
-- Given (created by the runner before the script runs):
--   bronze_elements    a view over the chunk's bronze objects: one row per element of a bare array or of the
--                      envelope member the script names in its "-- elements:" line (default docs, SpaceX's /query;
--                      "results" for RAWG; "near_earth_objects.*" for an object whose values are arrays,
--                      flattened; "$" for an object body that is itself the one element, APOD's single day). A
--                      script with the line "-- empty body: no elements" takes a zero-length body as an empty
--                      response (DONKI) instead of quarantining it as malformed JSON.
--                      Columns: input_ordinal (the object's position in the chunk), element_ordinal
--                      (1-based position in its array), element (MAP(VARCHAR, JSON); NULL when the element is not a
--                      JSON object), _run_id, _bronze_key, _landed_at. Reading it reads the files: read it once.
--   silver_drift       (field VARCHAR, occurrences BIGINT), empty.
--   the source's silver tables (schema.sql), empty.
-- Provided (each script):
--   silver_stage       a table with one row per bronze_elements row and at least its input_ordinal, element_ordinal
--                      and lineage columns, problem (NULL for a valid element, else why it is quarantined) and record
--                      (the element as JSON text when problem is set). The runner quarantines from it.
--   rows in silver_drift: each member the script does not know, as a path ('new_field', 'cores[].new_flag'), with
--                      the number of objects that carry it.
--   for every table named in the script's "-- produces:" line, a temp view {table}_rows: the table's rows, from the
--                      valid elements only, one per id (the last one seen: the highest input_ordinal, then
--                      element_ordinal), in the order of the table's key (SELECT ... ORDER BY), with the table's
--                      columns in its order. The runner writes the view straight to Parquet, its columns cast to the
--                      table's types and named as in the table (as INSERT INTO the table would), and fails if a NOT
--                      NULL column holds a NULL.
--
-- Member values: element['x'] is the member's compact JSON text (DuckDB wrote it), and SQL NULL stands for a missing
-- member and for JSON null alike, both of which are valid everywhere. DuckDB's own JSON casts are lenient ('"12"'
-- becomes 12, 1 becomes true, an object becomes its text), which would let a wrong type slip through as a converted
-- value, so these conversions judge the JSON type by the text and give NULL for anything but the right type. A script
-- converts each member once and checks the conversion (below): a member that is there but converted to NULL has the
-- wrong type.

CREATE OR REPLACE TEMP MACRO silver_string(j) AS CASE WHEN starts_with(j, '"') THEN j->>'$' END;
CREATE OR REPLACE TEMP MACRO silver_boolean(j) AS CASE j WHEN 'true' THEN true WHEN 'false' THEN false END;
-- Integers: digits only (no fraction, no exponent) and within the column's range.
CREATE OR REPLACE TEMP MACRO silver_int(j) AS
    CASE WHEN regexp_full_match(j, '-?[0-9]+') THEN TRY_CAST(j::VARCHAR AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO silver_bigint(j) AS
    CASE WHEN regexp_full_match(j, '-?[0-9]+') THEN TRY_CAST(j::VARCHAR AS BIGINT) END;
-- Any JSON number: JSON never quotes a number, so a string cannot pass.
CREATE OR REPLACE TEMP MACRO silver_double(j) AS TRY_CAST(j::VARCHAR AS DOUBLE);
-- ISO-8601 strings, as UTC. A TIMESTAMP cast would drop an offset such as +12:00 without applying it, so only a
-- time in Z takes that (faster) way; others go through TIMESTAMPTZ (the connection's time zone is UTC, so a time
-- without an offset is taken as UTC too).
CREATE OR REPLACE TEMP MACRO silver_timestamp(j) AS
    CASE
        WHEN NOT starts_with(j, '"') THEN NULL
        WHEN ends_with(j, 'Z"') THEN TRY_CAST(j->>'$' AS TIMESTAMP)
        ELSE TRY_CAST(j->>'$' AS TIMESTAMPTZ)::TIMESTAMP
    END;
CREATE OR REPLACE TEMP MACRO silver_date(j) AS CASE WHEN starts_with(j, '"') THEN TRY_CAST(j->>'$' AS DATE) END;
-- A reference to another document: its id, or the document itself when the request asked the API to populate it
-- ({"id": ..., "name": ...}), in which case its id is taken.
CREATE OR REPLACE TEMP MACRO silver_reference(j) AS
    CASE
        WHEN starts_with(j, '"') THEN j->>'$'
        WHEN starts_with(j, '{') AND starts_with(json_extract(j, '$.id'), '"') THEN j->>'$.id'
    END;
CREATE OR REPLACE TEMP MACRO silver_object(j) AS CASE WHEN starts_with(j, '{') THEN TRY_CAST(j AS MAP(VARCHAR, JSON)) END;
-- An array's entries as JSON texts.
CREATE OR REPLACE TEMP MACRO silver_entries(j) AS CASE WHEN starts_with(j, '[') THEN TRY_CAST(j AS JSON[]) END;
-- An array of objects, each a MAP; an entry that is not an object is NULL in the list.
CREATE OR REPLACE TEMP MACRO silver_objects(j) AS CASE WHEN starts_with(j, '[') THEN TRY_CAST(j AS MAP(VARCHAR, JSON)[]) END;
-- Entry i (1-based) of an array, as JSON text: for the reason when that entry is wrong.
CREATE OR REPLACE TEMP MACRO silver_entry(j, i) AS json_extract(j, '$[' || (i - 1) || ']');

-- Checks. silver_check gives the reason a member is quarantined, given its conversion: NULL when the member is
-- missing, null, or converted; else e.g. "wrong type: flight_number is VARCHAR, expected an integer" (json_type names
-- JSON types the way DuckDB does: VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, ARRAY, OBJECT). Reasons cost far more to
-- build than the test itself, so a script with many documents may test first with silver_ok and build the reasons
-- only for the elements that fail: silver_problem(valid, reasons) is NULL for a valid element and the first reason
-- otherwise (never NULL: a test that fails without a reason is a bug in the script, and the element still goes).
CREATE OR REPLACE TEMP MACRO silver_wrong_type(field, j, expected) AS
    CASE
        WHEN expected = 'an integer' AND json_type(j) IN ('BIGINT', 'UBIGINT')
            THEN 'out of range: ' || field || ' is ' || j || ', expected a 32-bit integer'
        WHEN expected IN ('a timestamp', 'a date') AND starts_with(j, '"')
            THEN 'unparsable ' || field || ': ' || j || ' is not ' || expected
        ELSE 'wrong type: ' || field || ' is ' || coalesce(json_type(j), 'NULL') || ', expected ' || expected
    END;
CREATE OR REPLACE TEMP MACRO silver_check(field, j, value, expected) AS
    CASE WHEN j IS NOT NULL AND value IS NULL THEN silver_wrong_type(field, j, expected) END;
CREATE OR REPLACE TEMP MACRO silver_ok(j, value) AS j IS NULL OR value IS NOT NULL;
CREATE OR REPLACE TEMP MACRO silver_problem(valid, reasons) AS
    CASE WHEN valid THEN NULL ELSE coalesce(reasons, 'invalid, for a reason the script does not name') END;
-- Every document has a string id.
CREATE OR REPLACE TEMP MACRO silver_check_id(j, id) AS
    CASE WHEN j IS NULL THEN 'missing id' ELSE silver_check('id', j, id, 'a string') END;
-- An element that is not an object (ignore_errors made it NULL, so its text is gone).
CREATE OR REPLACE TEMP MACRO silver_check_element(element, element_ordinal) AS
    CASE WHEN element IS NULL THEN 'wrong type: element ' || element_ordinal || ' is not a JSON object' END;

-- Arrays, entry by entry. silver_first_problem takes one reason (or NULL) per entry and gives the first one.
CREATE OR REPLACE TEMP MACRO silver_first_problem(problems) AS list_filter(problems, lambda p: p IS NOT NULL)[1];
-- References (ids): a null entry is wrong too.
CREATE OR REPLACE TEMP MACRO silver_references(entries) AS list_transform(entries, lambda e: silver_reference(e));
CREATE OR REPLACE TEMP MACRO silver_check_references(field, entries) AS
    silver_first_problem(list_transform(entries, lambda e, i:
        CASE WHEN silver_reference(e) IS NULL THEN silver_wrong_type(field || '[' || i || ']', e, 'an id') END));
CREATE OR REPLACE TEMP MACRO silver_all_ok(entries, converted) AS len(entries) IS NOT DISTINCT FROM list_count(converted);
-- Strings and integers: a null entry is fine.
CREATE OR REPLACE TEMP MACRO silver_strings(entries) AS list_transform(entries, lambda e: silver_string(e));
CREATE OR REPLACE TEMP MACRO silver_check_strings(field, entries) AS
    silver_first_problem(list_transform(entries, lambda e, i:
        silver_check(field || '[' || i || ']', e, silver_string(e), 'a string')));
CREATE OR REPLACE TEMP MACRO silver_ints(entries) AS list_transform(entries, lambda e: silver_int(e));
CREATE OR REPLACE TEMP MACRO silver_check_ints(field, entries) AS
    silver_first_problem(list_transform(entries, lambda e, i:
        silver_check(field || '[' || i || ']', e, silver_int(e), 'an integer')));

-- Where an element was read, as one number: later inputs and later positions are larger. The last one seen of an
-- id is the one with the largest position.
CREATE OR REPLACE TEMP MACRO silver_position(input_ordinal, element_ordinal) AS
    (input_ordinal::BIGINT << 32) + element_ordinal;

-- Schema drift: the member names a script does not know. A script keeps each object's member names (map_keys) in
-- silver_stage and reports the unknown ones once per distinct list of names, far cheaper than once per object. The
-- lists are grouped by their hash, which spares comparing them name by name; two different lists with the same
-- 64-bit hash in one chunk are not a practical concern.
CREATE OR REPLACE TEMP MACRO silver_unknown(names, known) AS list_filter(names, lambda n: NOT list_contains(known, n));
