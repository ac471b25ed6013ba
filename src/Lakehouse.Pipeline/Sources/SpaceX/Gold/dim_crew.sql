-- One row per astronaut, as the latest observation in silver describes them, plus the unknown crew member (key -1).
-- test: unique(crew_key)
-- test: unique(crew_id)
-- test: not_null(crew_key)

with

crew_observations as (
    select * from silver.spacex_crew
),

crew as (
    select *
    from crew_observations
    qualify row_number() over (partition by crew_id order by _landed_at desc, _bronze_key desc) = 1
),

known_crew as (
    select
        surrogate_key(crew_id) as crew_key,
        crew_id,
        name,
        status,
        agency,
        wikipedia,
        _run_id,
        _bronze_key,
        _landed_at
    from crew
),

unknown_crew as (
    select -1 as crew_key, 'Unknown' as name
),

final as (
    select * from known_crew
    union all by name
    select * from unknown_crew
)

select * from final
order by crew_id nulls first
