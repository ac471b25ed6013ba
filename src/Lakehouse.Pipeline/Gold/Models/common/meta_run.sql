-- One row per pipeline run record, so the pipeline itself can be queried. Times are UTC.
-- test: unique(run_id)
-- test: not_null(run_id, started_at, status, trigger)

with

runs as (
    select * from input.runs
),

final as (
    select
        run_id,
        started_at,
        finished_at,
        status,
        trigger,
        api_calls,
        objects_landed,
        objects_unchanged,
        rows_transformed,
        rows_quarantined,
        duration_ms,
        early_exit,
        error
    from runs
)

select * from final
order by run_id
