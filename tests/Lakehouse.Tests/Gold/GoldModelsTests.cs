using Lakehouse.Gold;
using Lakehouse.Sources;
using Lakehouse.Sources.Rawg;

namespace Lakehouse.Tests.Gold;

public sealed class GoldModelsTests
{
    [Fact]
    public void The_embedded_models_are_the_spacex_nasa_and_rawg_stars_and_the_shared_tables()
    {
        BuiltInSources.Catalog.Gold.Where(m => m.Folder is "spacex" or "common").Select(m => m.Name).Order(StringComparer.Ordinal).ShouldBe(
        [
            "agg_launch_snapshot", "bridge_launch_core", "bridge_launch_crew", "bridge_launch_payload", "dim_core", "dim_crew",
            "dim_date", "dim_landpad", "dim_launchpad", "dim_payload", "dim_rocket", "fact_launch", "meta_build", "meta_run",
            "meta_silver_file",
        ]);
        BuiltInSources.Catalog.Gold.Where(m => m.Folder == "rawg").Select(m => m.Name).Order(StringComparer.Ordinal).ShouldBe(
        [
            "bridge_game_genre", "bridge_game_platform", "bridge_game_store", "bridge_game_tag", "dim_esrb_rating", "dim_genre",
            "dim_platform", "dim_store", "dim_tag", "fact_game",
        ]);
        BuiltInSources.Catalog.Gold.Where(m => m.Folder == "nasa").Select(m => m.Name).Order(StringComparer.Ordinal).ShouldBe(
        [
            "bridge_event_link", "dim_asteroid", "dim_media_type", "fact_apod", "fact_close_approach", "fact_space_weather_event",
        ]);
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "fact_game").Folder.ShouldBe("rawg");
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "fact_launch").Folder.ShouldBe("spacex");
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "dim_date").Folder.ShouldBe("common");
    }

    [Fact]
    public void Each_model_is_built_after_the_models_its_sql_reads()
    {
        var order = BuiltInSources.Catalog.Gold.Select(m => m.Name).ToList();

        // Dependencies come from the SQL: the fact reads three dimensions, the calendar reads the fact's dates
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "fact_launch").DependsOn.ShouldBe(["dim_launchpad", "dim_payload", "dim_rocket"]);
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "dim_date").DependsOn.Order(StringComparer.Ordinal).ShouldBe(
            ["fact_apod", "fact_close_approach", "fact_game", "fact_launch", "fact_space_weather_event"]);
        BuiltInSources.Catalog.Gold.Single(m => m.Name == "agg_launch_snapshot").DependsOn.ShouldBe(["meta_run"]);

        foreach (var model in BuiltInSources.Catalog.Gold)
        {
            model.DependsOn.ShouldAllBe(d => order.IndexOf(d) < order.IndexOf(model.Name));
        }
    }

    [Fact]
    public void Every_model_declares_its_grain_and_fact_launch_its_foreign_keys_and_date_precisions()
    {
        BuiltInSources.Catalog.Gold.Where(m => m.Name != "meta_build")
            .ShouldAllBe(m => m.Tests.OfType<UniqueTest>().Any());

        var factTests = BuiltInSources.Catalog.Gold.Single(m => m.Name == "fact_launch").Tests;
        factTests.OfType<RelationshipsTest>().Select(t => $"{t.Column}->{t.TargetModel}.{t.TargetColumn}").ShouldBe(
            ["date_key->dim_date.date_key", "rocket_key->dim_rocket.rocket_key", "launchpad_key->dim_launchpad.launchpad_key"]);
        factTests.OfType<AcceptedValuesTest>().Single().Values.ShouldBe(["'half'", "'quarter'", "'year'", "'month'", "'day'", "'hour'"]);
    }

    [Fact]
    public void Names_in_comments_strings_and_qualified_names_are_not_dependencies()
    {
        var models = GoldModels.FromSources(
        [
            KeyValuePair.Create("x/first.sql", "-- reads second? no\nselect 'second' as s, other.second from silver.second /* second */"),
            KeyValuePair.Create("x/second.sql", "select 1 as one"),
        ]);

        models.Single(m => m.Name == "first").DependsOn.ShouldBeEmpty();
    }

    [Fact]
    public void Models_that_read_each_other_in_a_cycle_are_refused()
    {
        var error = Should.Throw<GoldBuildException>(() => GoldModels.FromSources(
        [
            KeyValuePair.Create("a/one.sql", "select * from two"),
            KeyValuePair.Create("a/two.sql", "select * from one"),
            KeyValuePair.Create("a/three.sql", "select * from one"),
        ]));

        error.Message.ShouldContain("one, three, two depend on each other in a cycle");
    }

    [Fact]
    public void The_test_declarations_parse_into_tests_with_their_columns()
    {
        var tests = DataTestParser.Parse("fact_x", """
            -- A model.
            -- test: unique(launch_key, core_ordinal)
            --test:not_null(a,b)
            -- test: relationships(rocket_key -> dim_rocket.rocket_key)
            -- test: accepted_values(kind: 'it''s', 3, true)
            select 1
            """);

        tests.Count.ShouldBe(4);
        tests[0].ShouldBeOfType<UniqueTest>().Columns.ShouldBe(["launch_key", "core_ordinal"]);
        tests[1].ShouldBeOfType<NotNullTest>().Columns.ShouldBe(["a", "b"]);
        var relationship = tests[2].ShouldBeOfType<RelationshipsTest>();
        (relationship.Column, relationship.TargetModel, relationship.TargetColumn).ShouldBe(("rocket_key", "dim_rocket", "rocket_key"));
        tests[3].ShouldBeOfType<AcceptedValuesTest>().Values.ShouldBe(["'it''s'", "3", "true"]);
        tests.ShouldAllBe(t => t.Model == "fact_x");
    }

    [Theory]
    [InlineData("-- test: uniq(a)")]
    [InlineData("-- test: unique(a b)")]
    [InlineData("-- test: relationships(a -> b)")]
    [InlineData("-- test: accepted_values(a: half)")]
    [InlineData("-- test: not_null()")]
    public void A_malformed_test_declaration_fails_naming_the_model_and_line(string declaration)
    {
        var error = Should.Throw<GoldBuildException>(() => DataTestParser.Parse("dim_x", "-- A model.\n" + declaration + "\nselect 1"));

        error.Model.ShouldBe("dim_x");
        error.Message.ShouldContain("Gold model dim_x, line 2: cannot read the data test");
    }

    [Fact]
    public void A_relationship_to_a_model_that_does_not_exist_is_refused()
    {
        var error = Should.Throw<GoldBuildException>(() => GoldModels.FromSources(
            [KeyValuePair.Create("a/fact.sql", "-- test: relationships(k -> dim_missing.k)\nselect 1 as k")]));

        error.Message.ShouldContain("names dim_missing, which is no gold model");
    }

    [Fact]
    public void A_sources_gold_macros_file_is_no_model_and_runs_before_the_models()
    {
        // Given RAWG's gold folder, which holds macros.sql beside its models
        RawgSource.Sql.Gold.Keys.ShouldContain("macros.sql");

        // Then no model is named macros, and the catalogue hands RAWG's macros to the build
        BuiltInSources.Catalog.Gold.ShouldNotContain(m => m.Name == "macros");
        BuiltInSources.Catalog.GoldMacros.Select(m => m.Key).ShouldBe(["rawg"]);
        BuiltInSources.Catalog.GoldMacros.Single().Value.ShouldContain("macro observed_dimension");
    }

    [Theory]
    [InlineData("create macro twice(x) as x * 2", "The gold macro twice in stars/macros.sql is not TEMP")]
    [InlineData("CREATE OR REPLACE TEMP MACRO surrogate_key(x) AS x", "The gold macro surrogate_key is defined by the core and by stars/macros.sql")]
    public void A_gold_macro_that_would_outlive_the_build_or_replace_another_is_refused(string macros, string message)
    {
        var error = Should.Throw<GoldBuildException>(() => GoldModels.MacrosOf([Gold("stars", macros)]));

        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Two_sources_defining_one_gold_macro_are_refused_naming_both()
    {
        var error = Should.Throw<GoldBuildException>(() => GoldModels.MacrosOf(
            [Gold("stars", "create temp macro twice(x) as x * 2"), Gold("moons", "create or replace temp macro TWICE(x) as 2 * x")]));

        error.Message.ShouldContain("The gold macro twice is defined by stars and by moons/macros.sql");
    }

    private static SourceSql Gold(string source, string macros) =>
        new(source, new Dictionary<string, string>(), new Dictionary<string, string> { ["macros.sql"] = macros });
}
