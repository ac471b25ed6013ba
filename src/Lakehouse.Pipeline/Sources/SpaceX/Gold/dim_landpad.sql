-- One row per landing zone or drone ship, as its latest observation in silver describes it, plus the unknown
-- landpad (key -1), which also stands for "no landpad" on a core that did not try to land.
-- test: unique(landpad_key)
-- test: unique(landpad_id)
-- test: not_null(landpad_key)

with

landpad_observations as (
    select * from silver.spacex_landpads
),

landpads as (
    select *
    from landpad_observations
    qualify row_number() over (partition by landpad_id order by _landed_at desc, _bronze_key desc) = 1
),

known_landpads as (
    select
        surrogate_key(landpad_id) as landpad_key,
        landpad_id,
        name,
        full_name,
        status,
        type,
        locality,
        region,
        latitude,
        longitude,
        landing_attempts,
        landing_successes,
        _run_id,
        _bronze_key,
        _landed_at
    from landpads
),

unknown_landpad as (
    select -1 as landpad_key, 'Unknown' as name
),

final as (
    select * from known_landpads
    union all by name
    select * from unknown_landpad
)

select * from final
order by landpad_id nulls first
