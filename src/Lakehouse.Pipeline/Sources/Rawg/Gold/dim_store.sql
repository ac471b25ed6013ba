-- One row per store RAWG has shown us, from its catalogue (rawg.stores) and from the stores nested in games alike: the
-- latest observation wins (landing, then bronze key, then the game it was nested in; the catalogue counts as game
-- -1). Plus the unknown store (key -1).
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
    select store_id, name, slug, domain, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select store_id, store_name, store_slug, store_domain, store_games_count, store_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

-- Few stores, many observations: one aggregate per store id instead of sorting them all.
stores as (
    select
        store_id,
        max_by(observations, (_landed_at, _bronze_key, observed_in_game_id)) as latest
    from observations
    group by store_id
),

known_stores as (
    select
        surrogate_key(store_id::varchar) as store_key,
        store_id,
        latest.name,
        latest.slug,
        latest.domain,
        latest.games_count,
        latest.image_background,
        latest._landed_at,
        latest._bronze_key,
        latest.observed_in_game_id
    from stores
),

unknown_store as (
    select -1 as store_key, 'Unknown' as name
),

final as (
    select * from known_stores
    union all by name
    select * from unknown_store
)

select * from final
order by store_id nulls first
