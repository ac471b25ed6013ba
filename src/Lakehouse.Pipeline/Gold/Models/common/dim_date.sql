-- The conformed calendar every source shares: whole years around every date a fact uses, plus the unknown date
-- (key -1) for facts without one. date_key is yyyymmdd. Facts compute their date keys with date_key() and declare
-- them with a data test, relationships(some_date_key -> dim_date.date_key). The relation read first below is filled
-- in when the models are read with every such column of every model, so a new source's facts extend the calendar
-- with no change here.
-- test: unique(date_key)
-- test: unique(date)
-- test: not_null(date_key)

with

fact_date_keys as (
    select date_key from declared_date_keys where date_key <> -1
),

years as (
    select min(date_key // 10000) as first_year, max(date_key // 10000) as last_year
    from fact_date_keys
),

calendar as (
    select unnest(generate_series(make_date(first_year, 1, 1), make_date(last_year, 12, 31), interval 1 day))::date as date
    from years
    where first_year is not null
),

known_dates as (
    select
        date_key(date) as date_key,
        date,
        year(date)::integer as year,
        quarter(date)::integer as quarter,
        month(date)::integer as month,
        monthname(date) as month_name,
        day(date)::integer as day,
        isodow(date)::integer as day_of_week,
        dayname(date) as day_name,
        dayofyear(date)::integer as day_of_year,
        week(date)::integer as iso_week,
        isodow(date) >= 6 as is_weekend
    from calendar
),

unknown_date as (
    select -1 as date_key, 'Unknown' as month_name, 'Unknown' as day_name
),

final as (
    select * from known_dates
    union all by name
    select * from unknown_date
)

select * from final
order by date_key
