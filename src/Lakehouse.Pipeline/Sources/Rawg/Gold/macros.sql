-- The macros RAWG's gold models share. Each takes the name of a relation (a CTE of the calling model) and reads it
-- with query_table, so a model keeps what differs (its silver tables, which an incremental build narrows to the new
-- files, its columns and names) and the macro what does not.

-- An observed dimension holds every member RAWG has shown us, from a catalogue (rawg.tags) or nested in games (a
-- game's tags) alike: each sighting is an observation, and a member's latest observation wins (by landing, then
-- bronze key, then the game it was nested in; a catalogue counts as game -1). The unknown member (key -1, name
-- 'Unknown') stands for a missing one. The observations have a column id, the member's attributes, _landed_at,
-- _bronze_key and observed_in_game_id; the result has key, id, then the latest observation's other columns in their
-- order. Few members, many observations: one aggregate per id instead of sorting them all.
create or replace temp macro observed_dimension(observations_relation) as table
    with members as (
        select id, max_by(observation, (_landed_at, _bronze_key, observed_in_game_id)) as latest
        from query_table(observations_relation) as observation
        group by id
    )
    select surrogate_key(id::varchar) as key, id, latest.* exclude (id)
    from members
    union all by name
    select -1 as key, 'Unknown' as name;

-- The entries nested in games (genres, tags, ...) that belong to a game's current observation, the one fact_game
-- holds, each with that game's key. The entries have game_id, updated and _bronze_key (the observation they were
-- nested in), and the games those and game_key; the result is game_key, then every column of the entry.
create or replace temp macro current_game_entries(games_relation, entries_relation) as table
    select game.game_key, entry.*
    from query_table(entries_relation) as entry
    inner join query_table(games_relation) as game
        on game.game_id = entry.game_id
        and game.updated = entry.updated
        and game._bronze_key = entry._bronze_key;
