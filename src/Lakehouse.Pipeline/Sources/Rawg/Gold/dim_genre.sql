-- One row per genre RAWG has shown us, from its catalogue (rawg.genres) and from the genres nested in games alike: an
-- observed dimension (macros.sql), so the latest observation wins and the unknown genre has key -1.
-- incremental: unique_key=genre_key newest_by=_landed_at,_bronze_key,observed_in_game_id
-- test: unique(genre_key)
-- test: unique(genre_id)
-- test: not_null(genre_key, name)

with

catalogue_observations as (
    select * from silver.rawg_genres
),

nested_observations as (
    select * from silver.rawg_game_genres
),

observations as (
    select genre_id as id, name, slug, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select genre_id, genre_name, genre_slug, genre_games_count, genre_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

final as (
    select * rename (key as genre_key, id as genre_id)
    from observed_dimension('observations')
)

select * from final
order by genre_id nulls first
