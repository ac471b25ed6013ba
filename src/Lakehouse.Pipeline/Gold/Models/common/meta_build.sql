-- One row: the fingerprint of the silver files this gold was built from (the pipeline compares it to decide
-- whether a build is needed), and when the build ran (UTC).
-- test: not_null(silver_fingerprint, built_at)

with

build as (
    select * from input.build
),

final as (
    select silver_fingerprint, built_at from build
)

select * from final
