-- One row per platform RAWG has shown us, from its catalogue (rawg.platforms) and from the platforms nested in games
-- alike: an observed dimension (macros.sql), so the latest observation wins and the unknown platform has key -1.
-- Each platform names its parent platform (PC, PlayStation, ...) from the latest parent platforms list; a platform
-- no list names has none. The lists are read whole even in an incremental build: when one is landed, this model is
-- rebuilt.
-- incremental: unique_key=platform_key newest_by=_landed_at,_bronze_key,observed_in_game_id lookups=rawg_parent_platforms
-- test: unique(platform_key)
-- test: unique(platform_id)
-- test: not_null(platform_key, name)

with

catalogue_observations as (
    select * from silver.rawg_platforms
),

nested_observations as (
    select * from silver.rawg_game_platforms
),

observations as (
    select platform_id as id, name, slug, image, year_start, year_end, games_count, image_background, _landed_at, _bronze_key, -1 as observed_in_game_id
    from catalogue_observations
    union all
    select platform_id, platform_name, platform_slug, platform_image, platform_year_start, platform_year_end, platform_games_count, platform_image_background, _landed_at, _bronze_key, game_id
    from nested_observations
),

parent_platform_observations as (
    select * from silver.rawg_parent_platforms
),

parent_platforms as (
    select *
    from parent_platform_observations
    qualify row_number() over (partition by parent_platform_id order by _landed_at desc, _bronze_key desc) = 1
),

platform_parents as (
    select platform_id, min(parent_platform_id) as parent_platform_id
    from (select parent_platform_id, unnest(platform_ids) as platform_id from parent_platforms)
    group by platform_id
),

platforms as (
    select * from observed_dimension('observations')
),

final as (
    select
        platforms.* rename (key as platform_key, id as platform_id),
        platform_parents.parent_platform_id,
        parent_platforms.name as parent_platform_name,
        parent_platforms.slug as parent_platform_slug
    from platforms
    left join platform_parents on platform_parents.platform_id = platforms.id
    left join parent_platforms using (parent_platform_id)
)

select * from final
order by platform_id nulls first
