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

-- Observations landed after the last run change no run's view.
launch_observations as (
    select launch_id, date_utc, success, upcoming, launchpad_id, _run_id, _bronze_key, _landed_at
    from silver.spacex_launches
    where _run_id <= (select max(run_id) from runs)
),

-- A launch as it stood once each run that observed it had landed: the newest landing (then the greatest bronze key)
-- among its observations from that run or earlier ones (the frame takes in all of that run's observations, which
-- share its run id).
launch_states as (
    select
        launch_id,
        _run_id as observed_by,
        arg_max(
            {date_utc: date_utc, success: success, upcoming: upcoming, launchpad_id: launchpad_id},
            (_landed_at, _bronze_key)) over (partition by launch_id order by _run_id) as state
    from launch_observations
),

-- Each state holds from the run that observed it until the next run that observed the launch. Joining each run to
-- the states that hold for it yields one row per run and launch; joining it to every earlier observation and keeping
-- the latest would sort runs x observations, which takes seconds and gigabytes once runs and launches number many.
launch_versions as (
    select
        launch_id,
        observed_by as valid_from,
        lead(observed_by) over (partition by launch_id order by observed_by) as valid_until,
        state
    from (select distinct on (launch_id, observed_by) * from launch_states)
),

launches_as_of_run as (
    select runs.run_id, launch_versions.launch_id, unnest(launch_versions.state)
    from runs
    inner join launch_versions
        on launch_versions.valid_from <= runs.run_id
        and (launch_versions.valid_until is null or runs.run_id < launch_versions.valid_until)
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
