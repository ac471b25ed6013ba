-- One row per launch, as its latest observation in silver describes it: the newest landing wins, then the greatest
-- bronze key. Counts and mass come from the child rows landed in the same bronze object as that launch row, so a
-- payload or core that a later response dropped drops out here too.
-- The lineage columns say which bronze object the row came from; the bridges use them to pick the same children.
-- test: unique(launch_key)
-- test: unique(launch_id)
-- test: not_null(launch_key, launch_id, date_key, rocket_key, launchpad_key)
-- test: relationships(date_key -> dim_date.date_key)
-- test: relationships(rocket_key -> dim_rocket.rocket_key)
-- test: relationships(launchpad_key -> dim_launchpad.launchpad_key)
-- test: accepted_values(date_precision: 'half', 'quarter', 'year', 'month', 'day', 'hour')

with

launch_observations as (
    select * from silver.spacex_launches
),

core_observations as (
    select * from silver.spacex_launch_cores
),

payload_observations as (
    select * from silver.spacex_launch_payloads
),

crew_observations as (
    select * from silver.spacex_launch_crew
),

failure_observations as (
    select * from silver.spacex_launch_failures
),

rockets as (
    select rocket_key, rocket_id from dim_rocket where rocket_id is not null
),

launchpads as (
    select launchpad_key, launchpad_id from dim_launchpad where launchpad_id is not null
),

payloads as (
    select payload_id, mass_kg from dim_payload where payload_id is not null
),

launches as (
    select *
    from launch_observations
    qualify row_number() over (partition by launch_id order by _landed_at desc, _bronze_key desc) = 1
),

-- Child totals per bronze object, joined on the object of the launch row that won: one join per child table, where
-- picking the winning object's children first and then totalling them per launch takes two.
-- Every core entry counts, known or not: a Falcon Heavy with an unidentified side booster still flew three cores.
core_totals as (
    select
        launch_id,
        _bronze_key,
        count(*) as core_count,
        count(*) filter (where reused) as reused_core_count,
        count(*) filter (where landing_attempt) as landing_attempts,
        count(*) filter (where landing_success) as landing_successes
    from core_observations
    group by launch_id, _bronze_key
),

-- The mass is the sum of the known masses (null when no payload's mass is known); the count includes every payload.
payload_totals as (
    select
        payload_observations.launch_id,
        payload_observations._bronze_key,
        count(*) as payload_count,
        sum(payloads.mass_kg) as payload_mass_kg
    from payload_observations
    left join payloads on payloads.payload_id = payload_observations.payload_id
    group by payload_observations.launch_id, payload_observations._bronze_key
),

crew_totals as (
    select launch_id, _bronze_key, count(*) as crew_count
    from crew_observations
    group by launch_id, _bronze_key
),

failure_reasons as (
    select launch_id, _bronze_key, string_agg(reason, '; ' order by failure_ordinal) as failure_reason
    from failure_observations
    group by launch_id, _bronze_key
),

final as (
    select
        surrogate_key(launches.launch_id) as launch_key,
        launches.launch_id,
        launches.name,
        launches.flight_number,
        date_key(launches.date_utc) as date_key,
        launches.date_utc,
        launches.date_precision,
        launches.success,
        launches.upcoming,
        coalesce(rockets.rocket_key, -1) as rocket_key,
        coalesce(launchpads.launchpad_key, -1) as launchpad_key,
        coalesce(payload_totals.payload_count, 0) as payload_count,
        payload_totals.payload_mass_kg,
        coalesce(core_totals.core_count, 0) as core_count,
        coalesce(core_totals.reused_core_count, 0) as reused_core_count,
        coalesce(core_totals.landing_attempts, 0) as landing_attempts,
        coalesce(core_totals.landing_successes, 0) as landing_successes,
        coalesce(crew_totals.crew_count, 0) as crew_count,
        failure_reasons.failure_reason,
        launches.details,
        launches._run_id,
        launches._bronze_key,
        launches._landed_at
    from launches
    left join rockets on rockets.rocket_id = launches.rocket_id
    left join launchpads on launchpads.launchpad_id = launches.launchpad_id
    left join payload_totals on payload_totals.launch_id = launches.launch_id and payload_totals._bronze_key = launches._bronze_key
    left join core_totals on core_totals.launch_id = launches.launch_id and core_totals._bronze_key = launches._bronze_key
    left join crew_totals on crew_totals.launch_id = launches.launch_id and crew_totals._bronze_key = launches._bronze_key
    left join failure_reasons on failure_reasons.launch_id = launches.launch_id and failure_reasons._bronze_key = launches._bronze_key
)

select * from final
order by date_utc nulls last, launch_id
