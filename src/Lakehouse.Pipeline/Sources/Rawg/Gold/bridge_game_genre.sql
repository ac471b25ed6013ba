-- One row per genre entry of a game, from the game's current observation (the one fact_game holds). The grain is the
-- entry's position; every genre key resolves in dim_genre, which holds every genre seen in a game.
-- incremental: unique_key=game_key with=fact_game
-- test: unique(game_key, genre_ordinal)
-- test: not_null(game_key, genre_ordinal, genre_key)
-- test: relationships(game_key -> fact_game.game_key)
-- test: relationships(genre_key -> dim_genre.genre_key)

with

games as (
    select game_key, game_id, updated, _bronze_key from fact_game
),

genre_observations as (
    select * from silver.rawg_game_genres
),

final as (
    select game_key, genre_ordinal, surrogate_key(genre_id::varchar) as genre_key
    from current_game_entries('games', 'genre_observations')
)

select * from final
order by game_key, genre_ordinal
