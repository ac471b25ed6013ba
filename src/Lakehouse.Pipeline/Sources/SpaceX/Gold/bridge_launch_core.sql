-- One row per core entry of a launch (launch x core), with how that core flew and landed, from the bronze object of
-- the launch's current observation. The grain is the entry's position: a launch can fly several unknown cores.
-- A core that did not try to land, or landed at a pad silver does not know, points at the unknown landpad.
-- test: unique(launch_key, core_ordinal)
-- test: not_null(launch_key, core_ordinal, core_key, landpad_key)
-- test: relationships(launch_key -> fact_launch.launch_key)
-- test: relationships(core_key -> dim_core.core_key)
-- test: relationships(landpad_key -> dim_landpad.landpad_key)

with

launches as (
    select launch_key, launch_id, _bronze_key from fact_launch
),

core_observations as (
    select * from silver.spacex_launch_cores
),

cores as (
    select core_key, core_id from dim_core where core_id is not null
),

landpads as (
    select landpad_key, landpad_id from dim_landpad where landpad_id is not null
),

launch_cores as (
    select launches.launch_key, core_observations.*
    from core_observations
    inner join launches
        on launches.launch_id = core_observations.launch_id
        and launches._bronze_key = core_observations._bronze_key
),

final as (
    select
        launch_cores.launch_key,
        launch_cores.core_ordinal,
        coalesce(cores.core_key, -1) as core_key,
        coalesce(landpads.landpad_key, -1) as landpad_key,
        launch_cores.flight,
        launch_cores.gridfins,
        launch_cores.legs,
        launch_cores.reused,
        launch_cores.landing_attempt,
        launch_cores.landing_success,
        launch_cores.landing_type
    from launch_cores
    left join cores on cores.core_id = launch_cores.core_id
    left join landpads on landpads.landpad_id = launch_cores.landpad_id
)

select * from final
order by launch_key, core_ordinal
