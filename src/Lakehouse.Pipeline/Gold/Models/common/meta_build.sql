-- One row: the build's id (the lake publishes the build under gold/builds/{build_id}/, and a node compares it with
-- the lake's gold/current.json to know whether its gold is the current one), the fingerprint of the silver files this
-- gold was built from (the pipeline compares it to decide whether a build is needed), when the build ran (UTC), and
-- what identifies the models and silver DDL it ran (a build by other models is never continued incrementally).
-- test: not_null(build_id, silver_fingerprint, built_at)

with

build as (
    select * from input.build
),

final as (
    select build_id, silver_fingerprint, built_at, model_hash from build
)

select * from final
