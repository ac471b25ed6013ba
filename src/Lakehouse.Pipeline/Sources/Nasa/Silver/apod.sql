-- APOD (GET /planetary/apod): one row per day. A range answers with an array of days, a single date with the day's
-- object itself, which is then the one element.
-- produces: nasa_apod
-- elements: $
--
-- hdurl, thumbnail_url and copyright are often absent (videos have no hdurl; copyright only for images that are not
-- public domain). The date is the key: a day without a parsable date is quarantined, and so is an APOD error body
-- ({"code", "msg", "service_version"}), which has none.

CREATE TEMP TABLE silver_stage AS
WITH members AS (
    SELECT
        input_ordinal, element_ordinal, _run_id, _bronze_key, _landed_at, element,
        element['date'] AS date_json,
        element['title'] AS title_json,
        element['explanation'] AS explanation_json,
        element['media_type'] AS media_type_json,
        element['url'] AS url_json,
        element['hdurl'] AS hdurl_json,
        element['thumbnail_url'] AS thumbnail_url_json,
        element['copyright'] AS copyright_json,
        element['service_version'] AS service_version_json
    FROM bronze_elements
), typed AS (
    SELECT
        *,
        silver_date(date_json) AS apod_date,
        silver_string(title_json) AS title,
        silver_string(explanation_json) AS explanation,
        silver_string(media_type_json) AS media_type,
        silver_string(url_json) AS url,
        silver_string(hdurl_json) AS hdurl,
        silver_string(thumbnail_url_json) AS thumbnail_url,
        silver_string(copyright_json) AS copyright_raw,
        silver_string(service_version_json) AS service_version
    FROM members
), checked AS (
    SELECT
        *,
        coalesce(
            silver_check_element(element, element_ordinal),
            CASE WHEN date_json IS NULL THEN 'missing date' END,
            silver_check('date', date_json, apod_date, 'a date'),
            silver_check('title', title_json, title, 'a string'),
            silver_check('explanation', explanation_json, explanation, 'a string'),
            silver_check('media_type', media_type_json, media_type, 'a string'),
            silver_check('url', url_json, url, 'a string'),
            silver_check('hdurl', hdurl_json, hdurl, 'a string'),
            silver_check('thumbnail_url', thumbnail_url_json, thumbnail_url, 'a string'),
            silver_check('copyright', copyright_json, copyright_raw, 'a string'),
            silver_check('service_version', service_version_json, service_version, 'a string')
        ) AS problem
    FROM typed
)
SELECT
    input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position,
    _run_id, _bronze_key, _landed_at,
    problem,
    CASE WHEN problem IS NOT NULL THEN to_json(element)::VARCHAR END AS record,
    map_keys(element) AS member_names,
    apod_date, title, explanation, media_type, url, hdurl, thumbnail_url,
    -- Stray line breaks inside the credit are reported by other clients: one space instead, and no blank credit.
    nullif(trim(regexp_replace(copyright_raw, '\s*[\r\n]+\s*', ' ', 'g')), '') AS copyright,
    service_version
FROM checked;

INSERT INTO silver_drift
SELECT field, sum(objects) AS occurrences
FROM (
    SELECT unnest(silver_unknown(member_names, [
        'date', 'title', 'explanation', 'media_type', 'url', 'hdurl', 'thumbnail_url', 'copyright',
        'service_version'])) AS field, objects
    FROM (
        SELECT any_value(member_names) AS member_names, count(*) AS objects
        FROM silver_stage
        WHERE member_names IS NOT NULL
        GROUP BY hash(member_names))
)
GROUP BY field;

-- Valid, and of each date the last one seen.
CREATE TEMP VIEW nasa_apod_rows AS
SELECT
    apod_date, title, explanation, media_type, url, hdurl, thumbnail_url, copyright, service_version,
    _run_id, _bronze_key, _landed_at
FROM silver_stage
SEMI JOIN (SELECT apod_date, max(position) AS position FROM silver_stage WHERE problem IS NULL GROUP BY apod_date) AS latest
    USING (apod_date, position)
ORDER BY apod_date;
