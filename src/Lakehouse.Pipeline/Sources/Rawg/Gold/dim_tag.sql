-- One row per tag RAWG has shown us, from its catalogue (rawg.tags) and from the tags nested in games alike: an
-- observed dimension (macros.sql), so the latest observation wins and the unknown tag has key -1.
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
    select tag_id as id, name, slug, language, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select tag_id, tag_name, tag_slug, tag_language, tag_games_count, tag_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

final as (
    select * rename (key as tag_key, id as tag_id)
    from observed_dimension('observations')
)

select * from final
order by tag_id nulls first
