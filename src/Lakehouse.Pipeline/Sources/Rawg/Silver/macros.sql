-- RAWG's own conversions, for the declarations in RawgSilver.cs.

-- A game detail's developers and publishers: companies {id, name, slug, ...}, each with an integer id; the rest of
-- a company is kept as it converts.
CREATE OR REPLACE TEMP MACRO rawg_companies(j) AS
    list_transform(silver_objects(j), lambda o: {'id': silver_int(o['id']), 'name': silver_string(o['name']), 'slug': silver_string(o['slug'])});
CREATE OR REPLACE TEMP MACRO rawg_companies_ok(j) AS
    silver_ok(j, silver_objects(j))
    AND coalesce(list_bool_and(list_transform(silver_objects(j), lambda o: o IS NOT NULL AND silver_int(o['id']) IS NOT NULL)), true);
CREATE OR REPLACE TEMP MACRO rawg_check_companies(field, j) AS
    coalesce(
        silver_check(field, j, silver_objects(j), 'an array of objects'),
        CASE WHEN NOT rawg_companies_ok(j) THEN 'wrong type: a ' || field || ' entry has no integer id' END);
