-- One row per rocket, as its latest observation in silver describes it, plus the unknown rocket (key -1), which
-- takes every launch whose rocket is null or missing from silver.
-- test: unique(rocket_key)
-- test: unique(rocket_id)
-- test: not_null(rocket_key)

with

rocket_observations as (
    select * from silver.spacex_rockets
),

rockets as (
    select *
    from rocket_observations
    qualify row_number() over (partition by rocket_id order by _landed_at desc, _bronze_key desc) = 1
),

known_rockets as (
    select
        surrogate_key(rocket_id) as rocket_key,
        rocket_id,
        name,
        type,
        active,
        stages,
        boosters,
        cost_per_launch,
        success_rate_pct,
        first_flight,
        country,
        company,
        height_m,
        diameter_m,
        mass_kg,
        description,
        _run_id,
        _bronze_key,
        _landed_at
    from rockets
),

unknown_rocket as (
    select -1 as rocket_key, 'Unknown' as name
),

final as (
    select * from known_rockets
    union all by name
    select * from unknown_rocket
)

select * from final
order by rocket_id nulls first
