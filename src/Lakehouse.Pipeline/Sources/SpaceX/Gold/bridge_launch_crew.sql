-- One row per crew entry of a launch, with the member's role on that flight, from the bronze object of the
-- launch's current observation.
-- test: unique(launch_key, crew_ordinal)
-- test: not_null(launch_key, crew_ordinal, crew_key)
-- test: relationships(launch_key -> fact_launch.launch_key)
-- test: relationships(crew_key -> dim_crew.crew_key)

with

launches as (
    select launch_key, launch_id, _bronze_key from fact_launch
),

crew_observations as (
    select * from silver.spacex_launch_crew
),

crew as (
    select crew_key, crew_id from dim_crew where crew_id is not null
),

launch_crew as (
    select launches.launch_key, crew_observations.*
    from crew_observations
    inner join launches
        on launches.launch_id = crew_observations.launch_id
        and launches._bronze_key = crew_observations._bronze_key
),

final as (
    select
        launch_crew.launch_key,
        launch_crew.crew_ordinal,
        coalesce(crew.crew_key, -1) as crew_key,
        launch_crew.role
    from launch_crew
    left join crew on crew.crew_id = launch_crew.crew_id
)

select * from final
order by launch_key, crew_ordinal
