-- One row per payload entry of a launch, from the bronze object of the launch's current observation. The grain is
-- the entry's position, not the payload: two payloads unknown to silver both land on the unknown payload.
-- test: unique(launch_key, payload_ordinal)
-- test: not_null(launch_key, payload_ordinal, payload_key)
-- test: relationships(launch_key -> fact_launch.launch_key)
-- test: relationships(payload_key -> dim_payload.payload_key)

with

launches as (
    select launch_key, launch_id, _bronze_key from fact_launch
),

payload_observations as (
    select * from silver.spacex_launch_payloads
),

payloads as (
    select payload_key, payload_id from dim_payload where payload_id is not null
),

launch_payloads as (
    select launches.launch_key, payload_observations.*
    from payload_observations
    inner join launches
        on launches.launch_id = payload_observations.launch_id
        and launches._bronze_key = payload_observations._bronze_key
),

final as (
    select
        launch_payloads.launch_key,
        launch_payloads.payload_ordinal,
        coalesce(payloads.payload_key, -1) as payload_key
    from launch_payloads
    left join payloads on payloads.payload_id = launch_payloads.payload_id
)

select * from final
order by launch_key, payload_ordinal
