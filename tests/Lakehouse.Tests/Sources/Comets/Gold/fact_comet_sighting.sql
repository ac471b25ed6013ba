-- One row per comet sighting [sighting], dated in the shared calendar.
-- test: unique(sighting_id)
-- test: not_null(sighting_id, date_key)
-- test: relationships(date_key -> dim_date.date_key)

with

sightings as (
    select * from silver.comets_sightings
),

final as (
    select
        sighting_id,
        comet,
        seen_on,
        date_key(seen_on) as date_key,
        magnitude,
        -- Brighter is a smaller magnitude; naked-eye comets are about 6 or brighter.
        magnitude <= 6 as naked_eye
    from sightings
)

select * from final
order by sighting_id
