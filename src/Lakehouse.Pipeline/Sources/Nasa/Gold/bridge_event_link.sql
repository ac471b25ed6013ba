-- One row per linked event of a DONKI event [event x link], from the version of the event that gold keeps (see
-- fact_space_weather_event). linked_event_key is the linked event's key when that event is in gold, and -1 when it
-- is not: a kind gold does not load (IPS, SEP, MPC, RBE, HSS) or an event outside the loaded windows. Such links are
-- kept, with the linked activity id and its kind read from the id ('2024-05-02T07:46:00-IPS-001' -> 'IPS'), so a
-- later load of that window resolves them. DONKI links both ways, so a link between two loaded events appears once
-- from each side.
-- test: unique(event_key, link_ordinal)
-- test: not_null(event_key, link_ordinal, linked_event_key, linked_activity_id)
-- test: relationships(event_key -> fact_space_weather_event.event_key)

with

link_observations as (
    select * from silver.nasa_donki_cme_linked_events
    union all by name
    select * from silver.nasa_donki_flr_linked_events
    union all by name
    select * from silver.nasa_donki_gst_linked_events
),

events as (
    select event_key, event_id, _bronze_key from fact_space_weather_event
),

event_links as (
    select events.event_key, link_observations.*
    from link_observations
    inner join events
        on events.event_id = link_observations.event_id
        and events._bronze_key = link_observations._bronze_key
),

final as (
    select
        event_links.event_key,
        event_links.link_ordinal,
        coalesce(linked.event_key, -1) as linked_event_key,
        event_links.linked_activity_id,
        nullif(regexp_extract(event_links.linked_activity_id, '-([A-Z]+)-[0-9]+$', 1), '') as linked_event_kind,
        linked.event_key is not null as is_linked_event_loaded
    from event_links
    left join events as linked on linked.event_id = event_links.linked_activity_id
)

select * from final
order by event_key, link_ordinal
