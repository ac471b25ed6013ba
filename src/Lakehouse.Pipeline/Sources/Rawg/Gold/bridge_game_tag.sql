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
    select
        games.game_key,
        tag_observations.tag_ordinal,
        surrogate_key(tag_observations.tag_id::varchar) as tag_key
    from tag_observations
    inner join games
        on games.game_id = tag_observations.game_id
        and games.updated = tag_observations.updated
        and games._bronze_key = tag_observations._bronze_key
)

select * from final
order by game_key, tag_ordinal
