-- The NASA silver tables (NeoWs feed, APOD, DONKI CME/FLR/GST): names, column order and types. Used as the SpaceX
-- schema is (see spacex/schema.sql). Numbers NeoWs sends as strings are DOUBLE here, epoch milliseconds and DONKI's
-- minute-precision times are TIMESTAMP (UTC). Every table ends with the lineage columns.
--
-- A table is filled by one dataset only: silver file keys are per source, table, partition and run, so two datasets
-- landing the same month in one run would overwrite each other's file of a shared table. That is why each DONKI kind
-- has its own linked-events table; gold unions them.

-- One row per asteroid per feed observation (the last one seen of an id in a chunk).
CREATE TABLE nasa_asteroids (
    asteroid_id VARCHAR NOT NULL,         -- id, or neo_reference_id in legacy (2016) responses that lack id
    neo_reference_id VARCHAR,
    name VARCHAR,
    nasa_jpl_url VARCHAR,
    absolute_magnitude_h DOUBLE,
    estimated_diameter_min_km DOUBLE,
    estimated_diameter_max_km DOUBLE,
    is_potentially_hazardous BOOLEAN,
    is_sentry_object BOOLEAN,             -- null in legacy responses
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- One row per close approach (asteroid x epoch), the last one seen in a chunk.
CREATE TABLE nasa_close_approaches (
    asteroid_id VARCHAR NOT NULL,
    epoch_date_close_approach BIGINT NOT NULL,  -- Unix epoch milliseconds, as sent
    close_approach_at TIMESTAMP NOT NULL,       -- the same instant as a timestamp
    close_approach_date DATE,
    close_approach_date_full TIMESTAMP,         -- '2024-Mar-16 12:05' parsed; null in legacy responses
    relative_velocity_km_s DOUBLE,
    relative_velocity_km_h DOUBLE,
    relative_velocity_mph DOUBLE,
    miss_distance_au DOUBLE,
    miss_distance_lunar DOUBLE,
    miss_distance_km DOUBLE,
    miss_distance_miles DOUBLE,
    orbiting_body VARCHAR,                      -- 'Earth', 'Merc', 'Venus', ... as sent
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_apod (
    apod_date DATE NOT NULL,
    title VARCHAR,
    explanation VARCHAR,
    media_type VARCHAR,
    url VARCHAR,
    hdurl VARCHAR,
    thumbnail_url VARCHAR,
    copyright VARCHAR,                    -- trimmed, line breaks inside it made spaces
    service_version VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_cme (
    activity_id VARCHAR NOT NULL,
    catalog VARCHAR,
    start_time TIMESTAMP,
    source_location VARCHAR,              -- null when DONKI sends an empty string
    active_region_num INTEGER,
    note VARCHAR,
    instruments VARCHAR[],                -- displayName of each instrument
    submission_time TIMESTAMP,
    version_id INTEGER,
    link VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_cme_analyses (
    activity_id VARCHAR NOT NULL,
    analysis_ordinal INTEGER NOT NULL,    -- 1-based position in cmeAnalyses
    is_most_accurate BOOLEAN,
    time21_5 TIMESTAMP,
    latitude DOUBLE,
    longitude DOUBLE,
    half_angle DOUBLE,
    speed_km_s DOUBLE,
    type VARCHAR,
    feature_code VARCHAR,
    image_type VARCHAR,
    measurement_technique VARCHAR,
    note VARCHAR,
    level_of_data INTEGER,
    tilt DOUBLE,
    minor_half_width DOUBLE,
    speed_measured_at_height DOUBLE,
    submission_time TIMESTAMP,
    link VARCHAR,
    enlil_simulations INTEGER,            -- entries of enlilList (0 when null)
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_cme_linked_events (
    event_id VARCHAR NOT NULL,
    event_kind VARCHAR NOT NULL,          -- 'CME'
    link_ordinal INTEGER NOT NULL,
    linked_activity_id VARCHAR NOT NULL,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_flr (
    flr_id VARCHAR NOT NULL,
    begin_time TIMESTAMP,
    peak_time TIMESTAMP,
    end_time TIMESTAMP,
    class_type VARCHAR,                   -- GOES class as sent, e.g. 'M1.8'
    class_letter VARCHAR,                 -- 'A', 'B', 'C', 'M' or 'X'
    class_magnitude DOUBLE,               -- the number after the letter, e.g. 1.8
    source_location VARCHAR,
    active_region_num INTEGER,
    note VARCHAR,
    instruments VARCHAR[],
    submission_time TIMESTAMP,
    version_id INTEGER,
    link VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_flr_linked_events (
    event_id VARCHAR NOT NULL,
    event_kind VARCHAR NOT NULL,          -- 'FLR'
    link_ordinal INTEGER NOT NULL,
    linked_activity_id VARCHAR NOT NULL,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_gst (
    gst_id VARCHAR NOT NULL,
    start_time TIMESTAMP,
    kp_index_max DOUBLE,                  -- the largest kpIndex of allKpIndex
    submission_time TIMESTAMP,
    version_id INTEGER,
    link VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_gst_kp_index (
    gst_id VARCHAR NOT NULL,
    kp_ordinal INTEGER NOT NULL,
    observed_time TIMESTAMP,
    kp_index DOUBLE,
    source VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE nasa_donki_gst_linked_events (
    event_id VARCHAR NOT NULL,
    event_kind VARCHAR NOT NULL,          -- 'GST'
    link_ordinal INTEGER NOT NULL,
    linked_activity_id VARCHAR NOT NULL,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- Rows that failed validation, all NASA datasets: why, and the record as received.
CREATE TABLE nasa_quarantine (
    dataset VARCHAR NOT NULL,             -- e.g. 'neo_feed'
    reason VARCHAR NOT NULL,
    record VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);
