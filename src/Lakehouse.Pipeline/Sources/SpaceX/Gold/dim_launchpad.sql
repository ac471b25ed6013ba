-- One row per launch site, as its latest observation in silver describes it, plus the unknown launchpad (key -1).
-- launch_attempts and launch_successes are the API's own running totals, kept as attributes of the site.
-- test: unique(launchpad_key)
-- test: unique(launchpad_id)
-- test: not_null(launchpad_key)

with

launchpad_observations as (
    select * from silver.spacex_launchpads
),

launchpads as (
    select *
    from launchpad_observations
    qualify row_number() over (partition by launchpad_id order by _landed_at desc, _bronze_key desc) = 1
),

known_launchpads as (
    select
        surrogate_key(launchpad_id) as launchpad_key,
        launchpad_id,
        name,
        full_name,
        status,
        locality,
        region,
        timezone,
        latitude,
        longitude,
        launch_attempts,
        launch_successes,
        _run_id,
        _bronze_key,
        _landed_at
    from launchpads
),

unknown_launchpad as (
    select -1 as launchpad_key, 'Unknown' as name
),

final as (
    select * from known_launchpads
    union all by name
    select * from unknown_launchpad
)

select * from final
order by launchpad_id nulls first
