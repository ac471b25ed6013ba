-- One row per store entry of a game, from the game's current observation (the one fact_game holds). The grain is the
-- entry's position; every store key resolves in dim_store, which holds every store seen in a game.
-- incremental: unique_key=game_key with=fact_game
-- test: unique(game_key, store_ordinal)
-- test: not_null(game_key, store_ordinal, store_key)
-- test: relationships(game_key -> fact_game.game_key)
-- test: relationships(store_key -> dim_store.store_key)

with

games as (
    select game_key, game_id, updated, _bronze_key from fact_game
),

store_observations as (
    select * from silver.rawg_game_stores
),

final as (
    select game_key, store_ordinal, surrogate_key(store_id::varchar) as store_key
    from current_game_entries('games', 'store_observations')
)

select * from final
order by game_key, store_ordinal
