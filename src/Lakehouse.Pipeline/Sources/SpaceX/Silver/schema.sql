-- The SpaceX silver tables: names, column order and types. The transform creates these (empty) before running a
-- dataset's script and writes each script's {table}_rows view as the table would hold it (cast to its types, NOT
-- NULL checked), and fills the quarantine with INSERT; the gold build creates them too when a table has no Parquet
-- files yet. Every table ends with the lineage columns: the landing run, the bronze object
-- the row came from, and when that object was landed (UTC).

CREATE TABLE spacex_launches (
    launch_id VARCHAR NOT NULL,
    flight_number INTEGER,
    name VARCHAR,
    date_utc TIMESTAMP,
    date_unix BIGINT,
    date_local VARCHAR,
    date_precision VARCHAR,
    tbd BOOLEAN,
    net BOOLEAN,
    window_seconds INTEGER,
    static_fire_date_utc TIMESTAMP,
    rocket_id VARCHAR,
    launchpad_id VARCHAR,
    success BOOLEAN,
    upcoming BOOLEAN,
    details VARCHAR,
    fairings_reused BOOLEAN,
    fairings_recovery_attempt BOOLEAN,
    fairings_recovered BOOLEAN,
    ship_ids VARCHAR[],
    capsule_ids VARCHAR[],
    auto_update BOOLEAN,
    launch_library_id VARCHAR,
    webcast VARCHAR,
    wikipedia VARCHAR,
    article VARCHAR,
    patch_small VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_launch_cores (
    launch_id VARCHAR NOT NULL,
    core_ordinal INTEGER NOT NULL,        -- 1-based position in the launch's cores array
    core_id VARCHAR,                      -- null for unknown cores (19 entries in the 2022 dump)
    flight INTEGER,
    gridfins BOOLEAN,
    legs BOOLEAN,
    reused BOOLEAN,
    landing_attempt BOOLEAN,
    landing_success BOOLEAN,
    landing_type VARCHAR,
    landpad_id VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_launch_payloads (
    launch_id VARCHAR NOT NULL,
    payload_ordinal INTEGER NOT NULL,
    payload_id VARCHAR NOT NULL,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_launch_crew (
    launch_id VARCHAR NOT NULL,
    crew_ordinal INTEGER NOT NULL,
    crew_id VARCHAR,
    role VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_launch_failures (
    launch_id VARCHAR NOT NULL,
    failure_ordinal INTEGER NOT NULL,
    time_seconds INTEGER,
    altitude_km INTEGER,
    reason VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_rockets (
    rocket_id VARCHAR NOT NULL,
    name VARCHAR,
    type VARCHAR,
    active BOOLEAN,
    stages INTEGER,
    boosters INTEGER,
    cost_per_launch BIGINT,
    success_rate_pct INTEGER,
    first_flight DATE,
    country VARCHAR,
    company VARCHAR,
    height_m DOUBLE,
    diameter_m DOUBLE,
    mass_kg DOUBLE,
    description VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_launchpads (
    launchpad_id VARCHAR NOT NULL,
    name VARCHAR,
    full_name VARCHAR,
    status VARCHAR,
    locality VARCHAR,
    region VARCHAR,
    timezone VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    launch_attempts INTEGER,
    launch_successes INTEGER,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_landpads (
    landpad_id VARCHAR NOT NULL,
    name VARCHAR,
    full_name VARCHAR,
    status VARCHAR,
    type VARCHAR,
    locality VARCHAR,
    region VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    landing_attempts INTEGER,
    landing_successes INTEGER,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_payloads (
    payload_id VARCHAR NOT NULL,
    name VARCHAR,
    type VARCHAR,
    reused BOOLEAN,
    launch_id VARCHAR,
    customers VARCHAR[],
    nationalities VARCHAR[],
    manufacturers VARCHAR[],
    norad_ids INTEGER[],
    mass_kg DOUBLE,
    orbit VARCHAR,
    reference_system VARCHAR,
    regime VARCHAR,
    periapsis_km DOUBLE,
    apoapsis_km DOUBLE,
    inclination_deg DOUBLE,
    period_min DOUBLE,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_cores (
    core_id VARCHAR NOT NULL,
    serial VARCHAR,
    block INTEGER,
    status VARCHAR,
    reuse_count INTEGER,
    rtls_attempts INTEGER,
    rtls_landings INTEGER,
    asds_attempts INTEGER,
    asds_landings INTEGER,
    last_update VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_crew (
    crew_id VARCHAR NOT NULL,
    name VARCHAR,
    status VARCHAR,
    agency VARCHAR,
    wikipedia VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE spacex_capsules (
    capsule_id VARCHAR NOT NULL,
    serial VARCHAR,
    status VARCHAR,
    type VARCHAR,
    reuse_count INTEGER,
    water_landings INTEGER,
    land_landings INTEGER,
    last_update VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

-- Rows that failed validation, one quarantine table per dataset: why, and the record as received.
CREATE TABLE spacex_quarantine (
    dataset VARCHAR NOT NULL,             -- e.g. 'launches'
    reason VARCHAR NOT NULL,
    record VARCHAR,                       -- the JSON element as received (or the whole body when it did not parse)
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);
