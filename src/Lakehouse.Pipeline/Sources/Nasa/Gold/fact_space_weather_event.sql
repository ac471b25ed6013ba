-- One row per DONKI event [event]: coronal mass ejections (CME), solar flares (FLR) and geomagnetic storms (GST).
-- DONKI revises events and re-read windows land them again: of each event id the highest versionId wins across all
-- of silver, then the newest landing, then the greatest bronze key. date_key is the day the event started (a flare's
-- begin time). A CME's speed, half angle and type come from its analysis marked most accurate in the winning
-- version (the first one if several are); linked_event_count counts that version's linkedEvents.
-- test: unique(event_key)
-- test: unique(event_id)
-- test: not_null(event_key, event_id, event_kind, date_key)
-- test: relationships(date_key -> dim_date.date_key)
-- test: accepted_values(event_kind: 'CME', 'FLR', 'GST')
-- test: accepted_values(flare_class_letter: 'A', 'B', 'C', 'M', 'X')

with

cme_observations as (
    select * from silver.nasa_donki_cme
),

cme_analysis_observations as (
    select * from silver.nasa_donki_cme_analyses
),

flr_observations as (
    select * from silver.nasa_donki_flr
),

gst_observations as (
    select * from silver.nasa_donki_gst
),

link_observations as (
    select event_id, _bronze_key from silver.nasa_donki_cme_linked_events
    union all
    select event_id, _bronze_key from silver.nasa_donki_flr_linked_events
    union all
    select event_id, _bronze_key from silver.nasa_donki_gst_linked_events
),

cmes as (
    select *
    from cme_observations
    qualify row_number() over (
        partition by activity_id order by version_id desc nulls last, _landed_at desc, _bronze_key desc) = 1
),

flares as (
    select *
    from flr_observations
    qualify row_number() over (
        partition by flr_id order by version_id desc nulls last, _landed_at desc, _bronze_key desc) = 1
),

storms as (
    select *
    from gst_observations
    qualify row_number() over (
        partition by gst_id order by version_id desc nulls last, _landed_at desc, _bronze_key desc) = 1
),

most_accurate_analyses as (
    select activity_id, _bronze_key, speed_km_s, half_angle, type
    from cme_analysis_observations
    where is_most_accurate
    qualify row_number() over (partition by activity_id, _bronze_key order by analysis_ordinal) = 1
),

events as (
    select
        cmes.activity_id as event_id,
        'CME' as event_kind,
        cmes.start_time,
        cmes.source_location,
        cmes.active_region_num,
        cmes.version_id,
        cmes.submission_time,
        cmes.link,
        analyses.speed_km_s as cme_speed_km_s,
        analyses.half_angle as cme_half_angle,
        analyses.type as cme_type,
        cmes._run_id,
        cmes._bronze_key,
        cmes._landed_at
    from cmes
    left join most_accurate_analyses as analyses
        on analyses.activity_id = cmes.activity_id and analyses._bronze_key = cmes._bronze_key
    union all by name
    select
        flr_id as event_id,
        'FLR' as event_kind,
        begin_time as start_time,
        peak_time,
        end_time,
        source_location,
        active_region_num,
        version_id,
        submission_time,
        link,
        class_type as flare_class,
        class_letter as flare_class_letter,
        class_magnitude as flare_class_magnitude,
        _run_id,
        _bronze_key,
        _landed_at
    from flares
    union all by name
    select
        gst_id as event_id,
        'GST' as event_kind,
        start_time,
        version_id,
        submission_time,
        link,
        kp_index_max,
        _run_id,
        _bronze_key,
        _landed_at
    from storms
),

link_counts as (
    select event_id, _bronze_key, count(*) as linked_event_count
    from link_observations
    group by event_id, _bronze_key
),

final as (
    select
        surrogate_key(events.event_id) as event_key,
        events.event_id,
        events.event_kind,
        date_key(events.start_time) as date_key,
        events.start_time,
        events.peak_time,
        events.end_time,
        events.source_location,
        events.active_region_num,
        events.cme_speed_km_s,
        events.cme_half_angle,
        events.cme_type,
        events.flare_class,
        events.flare_class_letter,
        events.flare_class_magnitude,
        events.kp_index_max,
        coalesce(link_counts.linked_event_count, 0) as linked_event_count,
        events.version_id,
        events.submission_time,
        events.link,
        events._run_id,
        events._bronze_key,
        events._landed_at
    from events
    left join link_counts on link_counts.event_id = events.event_id and link_counts._bronze_key = events._bronze_key
)

select * from final
order by start_time nulls last, event_id
