-- One row per close approach [asteroid x approach time]. A window read again lands the same approaches again: of
-- each (asteroid, epoch) the newest landing wins, then the greatest bronze key. The hazard and sentry flags are the
-- asteroid's current ones (dim_asteroid); a legacy asteroid without a sentry flag counts as not a sentry object.
--
-- risk_score (0-100) adds four parts, each scaled to 0..1 and clamped, so that the score rises with size, speed
-- and the hazard flag and falls with distance:
--   size      40 x clamp(log10(diameter_m / 10) / 3)          10 m -> 0, 100 m -> 1/3, 1 km -> 2/3, 10 km -> 1
--   proximity 35 x clamp(1 - log10(1 + miss_lunar) / log10(101))  0 LD -> 1, 1 LD -> 0.85, 9 LD -> 0.5, 100 LD -> 0
--   speed     15 x clamp(velocity_km_s / 40)                   0 km/s -> 0, 20 km/s -> 0.5, 40 km/s and more -> 1
--   hazard    10 if NeoWs flags the asteroid potentially hazardous
-- rounded to one decimal. A part whose input is missing counts 0.
-- test: unique(close_approach_key)
-- test: unique(asteroid_key, epoch_date_close_approach)
-- test: not_null(close_approach_key, asteroid_key, date_key, close_approach_at, risk_score)
-- test: relationships(asteroid_key -> dim_asteroid.asteroid_key)
-- test: relationships(date_key -> dim_date.date_key)

with

approach_observations as (
    select * from silver.nasa_close_approaches
),

asteroids as (
    select asteroid_key, asteroid_id, estimated_diameter_m, is_potentially_hazardous, is_sentry_object
    from dim_asteroid
    where asteroid_id is not null
),

approaches as (
    select *
    from approach_observations
    qualify row_number() over (
        partition by asteroid_id, epoch_date_close_approach order by _landed_at desc, _bronze_key desc) = 1
),

scored as (
    select
        approaches.*,
        asteroids.asteroid_key,
        coalesce(asteroids.is_potentially_hazardous, false) as is_potentially_hazardous,
        coalesce(asteroids.is_sentry_object, false) as is_sentry_object,
        coalesce(greatest(0, least(1, log10(asteroids.estimated_diameter_m / 10) / 3)), 0) as size_part,
        coalesce(greatest(0, least(1, 1 - log10(1 + approaches.miss_distance_lunar) / log10(101))), 0) as proximity_part,
        coalesce(greatest(0, least(1, approaches.relative_velocity_km_s / 40)), 0) as speed_part
    from approaches
    left join asteroids on asteroids.asteroid_id = approaches.asteroid_id
),

final as (
    select
        surrogate_key(asteroid_id || '|' || epoch_date_close_approach) as close_approach_key,
        coalesce(asteroid_key, -1) as asteroid_key,
        asteroid_id,
        date_key(coalesce(close_approach_date, close_approach_at::date)) as date_key,
        coalesce(close_approach_date, close_approach_at::date) as close_approach_date,
        close_approach_at,
        epoch_date_close_approach,
        orbiting_body,
        miss_distance_km,
        miss_distance_lunar,
        miss_distance_au,
        relative_velocity_km_s,
        relative_velocity_km_h,
        is_potentially_hazardous,
        is_sentry_object,
        round(40 * size_part + 35 * proximity_part + 15 * speed_part + case when is_potentially_hazardous then 10 else 0 end, 1)
            as risk_score,
        _run_id,
        _bronze_key,
        _landed_at
    from scored
)

select * from final
order by close_approach_at, asteroid_id
