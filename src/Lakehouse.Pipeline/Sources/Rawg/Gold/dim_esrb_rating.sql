-- One row per ESRB rating the games carry (RAWG has no catalogue of them): the latest observation wins. Plus the
-- unknown rating (key -1), which takes every game whose esrb_rating is null.
-- incremental: unique_key=esrb_rating_key newest_by=_landed_at,_bronze_key,observed_in_game_id
-- test: unique(esrb_rating_key)
-- test: unique(esrb_rating_id)
-- test: not_null(esrb_rating_key, name)

with

game_observations as (
    select * from silver.rawg_games
),

ratings as (
    select
        esrb_rating_id,
        max_by(
            {'name': esrb_rating_name, 'slug': esrb_rating_slug, '_landed_at': _landed_at, '_bronze_key': _bronze_key, 'observed_in_game_id': game_id},
            (_landed_at, _bronze_key, game_id)) as latest
    from game_observations
    where esrb_rating_id is not null
    group by esrb_rating_id
),

known_ratings as (
    select
        surrogate_key(esrb_rating_id::varchar) as esrb_rating_key,
        esrb_rating_id,
        latest.name,
        latest.slug,
        latest._landed_at,
        latest._bronze_key,
        latest.observed_in_game_id
    from ratings
),

unknown_rating as (
    select -1 as esrb_rating_key, 'Unknown' as name
),

final as (
    select * from known_ratings
    union all by name
    select * from unknown_rating
)

select * from final
order by esrb_rating_id nulls first
