-- One row per tag RAWG has shown us, from its catalogue (rawg.tags) and from the tags nested in games alike: the
-- latest observation wins (landing, then bronze key, then the game it was nested in; the catalogue counts as game
-- -1). Plus the unknown tag (key -1).
-- incremental: unique_key=tag_key newest_by=_landed_at,_bronze_key,observed_in_game_id
-- test: unique(tag_key)
-- test: unique(tag_id)
-- test: not_null(tag_key, name)

with

catalogue_observations as (
    select * from silver.rawg_tags
),

nested_observations as (
    select * from silver.rawg_game_tags
),

observations as (
    select tag_id, name, slug, language, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select tag_id, tag_name, tag_slug, tag_language, tag_games_count, tag_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

-- Few tags, many observations: one aggregate per tag id instead of sorting them all.
tags as (
    select
        tag_id,
        max_by(observations, (_landed_at, _bronze_key, observed_in_game_id)) as latest
    from observations
    group by tag_id
),

known_tags as (
    select
        surrogate_key(tag_id::varchar) as tag_key,
        tag_id,
        latest.name,
        latest.slug,
        latest.language,
        latest.games_count,
        latest.image_background,
        latest._landed_at,
        latest._bronze_key,
        latest.observed_in_game_id
    from tags
),

unknown_tag as (
    select -1 as tag_key, 'Unknown' as name
),

final as (
    select * from known_tags
    union all by name
    select * from unknown_tag
)

select * from final
order by tag_id nulls first
