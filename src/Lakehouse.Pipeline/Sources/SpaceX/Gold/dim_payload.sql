-- One row per payload, as its latest observation in silver describes it, plus the unknown payload (key -1).
-- test: unique(payload_key)
-- test: unique(payload_id)
-- test: not_null(payload_key)

with

payload_observations as (
    select * from silver.spacex_payloads
),

payloads as (
    select *
    from payload_observations
    qualify row_number() over (partition by payload_id order by _landed_at desc, _bronze_key desc) = 1
),

known_payloads as (
    select
        surrogate_key(payload_id) as payload_key,
        payload_id,
        name,
        type,
        reused,
        customers,
        nationalities,
        manufacturers,
        norad_ids,
        mass_kg,
        orbit,
        reference_system,
        regime,
        periapsis_km,
        apoapsis_km,
        inclination_deg,
        period_min,
        _run_id,
        _bronze_key,
        _landed_at
    from payloads
),

unknown_payload as (
    select -1 as payload_key, 'Unknown' as name
),

final as (
    select * from known_payloads
    union all by name
    select * from unknown_payload
)

select * from final
order by payload_id nulls first
