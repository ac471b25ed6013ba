-- NASA's own conversions, used by the declarations of NasaSilver.cs (run after common.sql).

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

-- The number of entries of an array, 0 when it is null (a CME analysis' enlilList).
CREATE OR REPLACE TEMP MACRO donki_count(j) AS coalesce(len(silver_entries(j)), 0);
-- The largest kpIndex of a storm's allKpIndex, null when it has none.
CREATE OR REPLACE TEMP MACRO donki_kp_index_max(j) AS
    list_max(list_transform(silver_objects(j), lambda o: silver_double(o['kpIndex'])));
-- A GOES class, 'M1.8': its letter and its magnitude, null for a class that does not read as letter + number.
CREATE OR REPLACE TEMP MACRO donki_class_letter(class_type) AS
    nullif(regexp_extract(trim(class_type), '^([A-Z])[0-9]+(\.[0-9]+)?$', 1), '');
CREATE OR REPLACE TEMP MACRO donki_class_magnitude(class_type) AS
    TRY_CAST(nullif(regexp_extract(trim(class_type), '^[A-Z]([0-9]+(\.[0-9]+)?)$', 1), '') AS DOUBLE);

-- APOD's credit: stray line breaks inside it are reported by other clients: one space instead, and no blank credit.
CREATE OR REPLACE TEMP MACRO apod_credit(j) AS nullif(trim(regexp_replace(silver_string(j), '\s*[\r\n]+\s*', ' ', 'g')), '');
