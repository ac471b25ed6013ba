-- One row per platform entry of a game, from the game's current observation (the one fact_game holds). The grain is the
-- entry's position; every platform key resolves in dim_platform, which holds every platform seen in a game.
-- incremental: unique_key=game_key with=fact_game
-- test: unique(game_key, platform_ordinal)
-- test: not_null(game_key, platform_ordinal, platform_key)
-- test: relationships(game_key -> fact_game.game_key)
-- test: relationships(platform_key -> dim_platform.platform_key)

with

games as (
    select game_key, game_id, updated, _bronze_key from fact_game
),

platform_observations as (
    select * from silver.rawg_game_platforms
),

final as (
    select
        game_key,
        platform_ordinal,
        surrogate_key(platform_id::varchar) as platform_key,
        released_at,
        requirements_minimum,
        requirements_recommended
    from current_game_entries('games', 'platform_observations')
)

select * from final
order by game_key, platform_ordinal
