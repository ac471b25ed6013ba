-- One row per tag entry of a game, from the game's current observation (the one fact_game holds). The grain is the
-- entry's position; every tag key resolves in dim_tag, which holds every tag seen in a game.
-- incremental: unique_key=game_key with=fact_game
-- test: unique(game_key, tag_ordinal)
-- test: not_null(game_key, tag_ordinal, tag_key)
-- test: relationships(game_key -> fact_game.game_key)
-- test: relationships(tag_key -> dim_tag.tag_key)

with

games as (
    select game_key, game_id, updated, _bronze_key from fact_game
),

tag_observations as (
    select * from silver.rawg_game_tags
),

final as (
    select game_key, tag_ordinal, surrogate_key(tag_id::varchar) as tag_key
    from current_game_entries('games', 'tag_observations')
)

select * from final
order by game_key, tag_ordinal
