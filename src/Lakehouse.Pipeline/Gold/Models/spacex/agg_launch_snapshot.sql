-- One row per run that published data (status succeeded or partial): the launch totals as the lake stood after that
-- run. Each run sees the silver observations landed by it or by an earlier run (run ids sort chronologically), and
-- of those the latest per launch, so the table grows like a time series yet rebuilds from the lake alone.
-- Launches count once they are no longer upcoming; the success rate is over launches with a known outcome.
-- test: unique(run_id)
-- test: not_null(run_id, total_launches, successes, failures)
-- test: relationships(run_id -> meta_run.run_id)

with

runs as (
    select run_id, started_at from meta_run where status in ('succeeded', 'partial')
),

launch_observations as (
    select launch_id, date_utc, success, upcoming, launchpad_id, _run_id, _bronze_key, _landed_at
    from silver.spacex_launches
),

launches_as_of_run as (
    select runs.run_id, launch_observations.*
    from runs
    inner join launch_observations on launch_observations._run_id <= runs.run_id
    qualify row_number() over (
        partition by runs.run_id, launch_observations.launch_id
        order by launch_observations._landed_at desc, launch_observations._bronze_key desc) = 1
),

launched as (
    select * from launches_as_of_run where upcoming is not true
),

totals as (
    select
        run_id,
        count(*) as total_launches,
        count(*) filter (where success) as successes,
        count(*) filter (where not success) as failures,
        min(date_utc)::date as earliest_launch_date,
        max(date_utc)::date as latest_launch_date,
        count(distinct launchpad_id) as launch_sites_used
    from launched
    group by run_id
),

final as (
    select
        runs.run_id,
        runs.started_at as run_started_at,
        coalesce(totals.total_launches, 0) as total_launches,
        coalesce(totals.successes, 0) as successes,
        coalesce(totals.failures, 0) as failures,
        totals.successes / nullif(totals.successes + totals.failures, 0) as success_rate,
        totals.earliest_launch_date,
        totals.latest_launch_date,
        coalesce(totals.launch_sites_used, 0) as launch_sites_used
    from runs
    left join totals on totals.run_id = runs.run_id
)

select * from final
order by run_id
