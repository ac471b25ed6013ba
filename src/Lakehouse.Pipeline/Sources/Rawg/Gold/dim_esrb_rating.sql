-- One row per ESRB rating the games carry (RAWG has no catalogue of them): an observed dimension (macros.sql), so the
-- latest observation wins, and the unknown rating (key -1) takes every game whose esrb_rating is null.
-- incremental: unique_key=esrb_rating_key newest_by=_landed_at,_bronze_key,observed_in_game_id
-- test: unique(esrb_rating_key)
-- test: unique(esrb_rating_id)
-- test: not_null(esrb_rating_key, name)

with

game_observations as (
    select * from silver.rawg_games
),

observations as (
    select esrb_rating_id as id, esrb_rating_name as name, esrb_rating_slug as slug, _landed_at, _bronze_key, game_id as observed_in_game_id
    from game_observations
    where esrb_rating_id is not null
),

final as (
    select * rename (key as esrb_rating_key, id as esrb_rating_id)
    from observed_dimension('observations')
)

select * from final
order by esrb_rating_id nulls first
