-- One row per APOD media type seen in silver ('image', 'video', and whatever else APOD sends), plus the unknown
-- media type (key -1) for days without one.
-- test: unique(media_type_key)
-- test: unique(media_type)
-- test: not_null(media_type_key, media_type)

with

apod_observations as (
    select * from silver.nasa_apod
),

media_types as (
    select distinct media_type from apod_observations where media_type is not null
),

known_media_types as (
    select surrogate_key(media_type) as media_type_key, media_type from media_types
),

unknown_media_type as (
    select -1 as media_type_key, 'Unknown' as media_type
),

final as (
    select * from known_media_types
    union all by name
    select * from unknown_media_type
)

select * from final
order by media_type_key
