-- One row per asteroid, as its latest observation in silver describes it (the newest landing wins, then the greatest
-- bronze key), plus the unknown asteroid (key -1).
-- Size: estimated_diameter_m is the midpoint of NeoWs' estimated range (min and max come from two assumed albedos).
-- size_band buckets it: 'under 25 m' (mostly burns up in the atmosphere; Chelyabinsk was ~20 m), '25-140 m' (a
-- local to regional impact), '140 m-1 km' (140 m is the size NASA's survey goal and the "potentially hazardous"
-- definition use), 'over 1 km' (global effects), 'Unknown' when NeoWs gave no diameter. Lower bounds are inclusive.
-- test: unique(asteroid_key)
-- test: unique(asteroid_id)
-- test: not_null(asteroid_key, size_band)
-- test: accepted_values(size_band: 'under 25 m', '25-140 m', '140 m-1 km', 'over 1 km', 'Unknown')

with

asteroid_observations as (
    select * from silver.nasa_asteroids
),

asteroids as (
    select *
    from asteroid_observations
    qualify row_number() over (partition by asteroid_id order by _landed_at desc, _bronze_key desc) = 1
),

sized as (
    select
        *,
        (estimated_diameter_min_km + estimated_diameter_max_km) / 2 * 1000 as estimated_diameter_m
    from asteroids
),

known_asteroids as (
    select
        surrogate_key(asteroid_id) as asteroid_key,
        asteroid_id,
        name,
        nasa_jpl_url,
        absolute_magnitude_h,
        estimated_diameter_min_km,
        estimated_diameter_max_km,
        estimated_diameter_m,
        case
            when estimated_diameter_m is null then 'Unknown'
            when estimated_diameter_m < 25 then 'under 25 m'
            when estimated_diameter_m < 140 then '25-140 m'
            when estimated_diameter_m < 1000 then '140 m-1 km'
            else 'over 1 km'
        end as size_band,
        is_potentially_hazardous,
        is_sentry_object,
        _run_id,
        _bronze_key,
        _landed_at
    from sized
),

unknown_asteroid as (
    select -1 as asteroid_key, 'Unknown' as name, 'Unknown' as size_band
),

final as (
    select * from known_asteroids
    union all by name
    select * from unknown_asteroid
)

select * from final
order by asteroid_id nulls first
