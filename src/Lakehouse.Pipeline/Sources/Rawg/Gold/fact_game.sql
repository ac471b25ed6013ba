-- One row per game, as its current observation in silver describes it: the newest updated wins, then the newest
-- landing, then the greatest bronze key. The ratings breakdown (exceptional / recommended / meh / skip) comes from
-- the same observation. The lineage columns and updated say which observation that is; the bridges pick the same
-- observation's children with them.
-- incremental: unique_key=game_key newest_by=updated,_landed_at,_bronze_key
-- test: unique(game_key)
-- test: unique(game_id)
-- test: not_null(game_key, game_id, released_date_key, esrb_rating_key, updated)
-- test: relationships(released_date_key -> dim_date.date_key)
-- test: relationships(esrb_rating_key -> dim_esrb_rating.esrb_rating_key)

with

game_observations as (
    select * from silver.rawg_games
),

rating_observations as (
    select * from silver.rawg_game_ratings
),

games as (
    select *
    from game_observations
    qualify row_number() over (partition by game_id order by updated desc, _landed_at desc, _bronze_key desc) = 1
),

rating_breakdown as (
    select
        game_id,
        updated,
        _bronze_key,
        (sum(count) filter (where title = 'exceptional'))::integer as exceptional_count,
        (sum(count) filter (where title = 'recommended'))::integer as recommended_count,
        (sum(count) filter (where title = 'meh'))::integer as meh_count,
        (sum(count) filter (where title = 'skip'))::integer as skip_count
    from rating_observations
    group by game_id, updated, _bronze_key
),

final as (
    select
        surrogate_key(games.game_id::varchar) as game_key,
        games.game_id,
        games.slug,
        games.name,
        date_key(games.released) as released_date_key,
        games.released,
        games.tba,
        surrogate_key(games.esrb_rating_id::varchar) as esrb_rating_key,
        games.rating,
        games.rating_top,
        games.ratings_count,
        games.reviews_count,
        games.reviews_text_count,
        games.metacritic,
        games.playtime,
        games.added,
        games.suggestions_count,
        coalesce(rating_breakdown.exceptional_count, 0) as exceptional_count,
        coalesce(rating_breakdown.recommended_count, 0) as recommended_count,
        coalesce(rating_breakdown.meh_count, 0) as meh_count,
        coalesce(rating_breakdown.skip_count, 0) as skip_count,
        games.updated,
        games._run_id,
        games._bronze_key,
        games._landed_at
    from games
    left join rating_breakdown
        on rating_breakdown.game_id = games.game_id
        and rating_breakdown.updated = games.updated
        and rating_breakdown._bronze_key = games._bronze_key
)

select * from final
order by game_id
