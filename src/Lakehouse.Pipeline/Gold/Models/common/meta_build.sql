-- One row: the fingerprint of the silver files this gold was built from (the pipeline compares it to decide
-- whether a build is needed), when the build ran (UTC), and what identifies the models and silver DDL it ran (a
-- build by other models is never continued incrementally).
-- test: not_null(silver_fingerprint, built_at)

with

build as (
    select * from input.build
),

final as (
    select silver_fingerprint, built_at, model_hash from build
)

select * from final
