-- One row per genre RAWG has shown us, from its catalogue (rawg.genres) and from the genres nested in games alike: the
-- latest observation wins (landing, then bronze key, then the game it was nested in; the catalogue counts as game
-- -1). Plus the unknown genre (key -1).
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
    select genre_id, name, slug, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select genre_id, genre_name, genre_slug, genre_games_count, genre_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

-- Few genres, many observations: one aggregate per genre id instead of sorting them all.
genres as (
    select
        genre_id,
        max_by(observations, (_landed_at, _bronze_key, observed_in_game_id)) as latest
    from observations
    group by genre_id
),

known_genres as (
    select
        surrogate_key(genre_id::varchar) as genre_key,
        genre_id,
        latest.name,
        latest.slug,
        latest.games_count,
        latest.image_background,
        latest._landed_at,
        latest._bronze_key,
        latest.observed_in_game_id
    from genres
),

unknown_genre as (
    select -1 as genre_key, 'Unknown' as name
),

final as (
    select * from known_genres
    union all by name
    select * from unknown_genre
)

select * from final
order by genre_id nulls first
