-- The comets source's silver tables: what the test source declares, as a real source's schema.sql does.

CREATE TABLE comets_sightings (
    sighting_id INTEGER NOT NULL,
    comet VARCHAR NOT NULL,
    seen_on DATE NOT NULL,
    magnitude DOUBLE,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);

CREATE TABLE comets_quarantine (
    dataset VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    record VARCHAR,
    _run_id VARCHAR NOT NULL,
    _bronze_key VARCHAR NOT NULL,
    _landed_at TIMESTAMP NOT NULL
);
