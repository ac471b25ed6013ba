-- One row per silver file this gold was built from: the next build reads only the files not listed here into its
-- incremental models, and rebuilds everything when a listed file is gone or changed.
-- test: unique(silver_table, file_identity)
-- test: not_null(silver_table, file_identity)

with

silver_files as (
    select * from input.silver_files
),

final as (
    select silver_table, file_identity from silver_files
)

select * from final
order by silver_table, file_identity
