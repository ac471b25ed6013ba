-- One row per first-stage core, as its latest observation in silver describes it, plus the unknown core (key -1),
-- which takes the launch entries whose core is null (the API does not know every core that flew).
-- test: unique(core_key)
-- test: unique(core_id)
-- test: not_null(core_key)

with

core_observations as (
    select * from silver.spacex_cores
),

cores as (
    select *
    from core_observations
    qualify row_number() over (partition by core_id order by _landed_at desc, _bronze_key desc) = 1
),

known_cores as (
    select
        surrogate_key(core_id) as core_key,
        core_id,
        serial,
        block,
        status,
        reuse_count,
        rtls_attempts,
        rtls_landings,
        asds_attempts,
        asds_landings,
        last_update,
        _run_id,
        _bronze_key,
        _landed_at
    from cores
),

-- Cores have a serial rather than a name.
unknown_core as (
    select -1 as core_key, 'Unknown' as serial
),

final as (
    select * from known_cores
    union all by name
    select * from unknown_core
)

select * from final
order by core_id nulls first
