-- One row per store RAWG has shown us, from its catalogue (rawg.stores) and from the stores nested in games alike: an
-- observed dimension (macros.sql), so the latest observation wins and the unknown store has key -1.
-- incremental: unique_key=store_key newest_by=_landed_at,_bronze_key,observed_in_game_id
-- test: unique(store_key)
-- test: unique(store_id)
-- test: not_null(store_key, name)

with

catalogue_observations as (
    select * from silver.rawg_stores
),

nested_observations as (
    select * from silver.rawg_game_stores
),

observations as (
    select store_id as id, name, slug, domain, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select store_id, store_name, store_slug, store_domain, store_games_count, store_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

final as (
    select * rename (key as store_key, id as store_id)
    from observed_dimension('observations')
)

select * from final
order by store_id nulls first
