-- The conformed calendar every source shares: whole years around every date a fact uses, plus the unknown date
-- (key -1) for facts without one. date_key is yyyymmdd. Facts compute their date keys with date_key(); this model
-- is the one place that lists the facts' dates.
-- test: unique(date_key)
-- test: unique(date)
-- test: not_null(date_key)

with

launch_dates as (
    select date_utc::date as date from fact_launch
),

close_approach_dates as (
    select close_approach_date as date from fact_close_approach
),

apod_dates as (
    select apod_date as date from fact_apod
),

space_weather_dates as (
    select start_time::date as date from fact_space_weather_event
),

game_dates as (
    select released as date from fact_game where released is not null
),

fact_dates as (
    select date from launch_dates
    union all
    select date from close_approach_dates
    union all
    select date from apod_dates
    union all
    select date from space_weather_dates
    union all
    select date from game_dates
),

years as (
    select min(year(date)) as first_year, max(year(date)) as last_year
    from fact_dates
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
