-- One row per Astronomy Picture of the Day [date], as its latest landing describes it (newest landing wins, then
-- the greatest bronze key).
-- test: unique(apod_key)
-- test: unique(apod_date)
-- test: not_null(apod_key, apod_date, date_key, media_type_key)
-- test: relationships(date_key -> dim_date.date_key)
-- test: relationships(media_type_key -> dim_media_type.media_type_key)

with

apod_observations as (
    select * from silver.nasa_apod
),

media_types as (
    select media_type_key, media_type from dim_media_type where media_type_key <> -1
),

days as (
    select *
    from apod_observations
    qualify row_number() over (partition by apod_date order by _landed_at desc, _bronze_key desc) = 1
),

final as (
    select
        surrogate_key(days.apod_date::varchar) as apod_key,
        days.apod_date,
        date_key(days.apod_date) as date_key,
        coalesce(media_types.media_type_key, -1) as media_type_key,
        days.title,
        days.explanation,
        days.url,
        days.hdurl,
        days.thumbnail_url,
        days.copyright,
        days.hdurl is not null as has_hd_image,
        days.service_version,
        days._run_id,
        days._bronze_key,
        days._landed_at
    from days
    left join media_types on media_types.media_type = days.media_type
)

select * from final
order by apod_date
