using Lakehouse.Configuration;
using Lakehouse.Sources;

namespace Lakehouse.Tests.Sources;

/// <summary>What the catalog of the registered sources refuses at start, each in one line naming what to fix.</summary>
public sealed class SourceCatalogTests
{
    private const string Schema = """
        CREATE TABLE stars_sightings (id INTEGER NOT NULL, _run_id VARCHAR NOT NULL, _bronze_key VARCHAR NOT NULL, _landed_at TIMESTAMP NOT NULL);
        CREATE TABLE stars_quarantine (dataset VARCHAR NOT NULL, reason VARCHAR NOT NULL, record VARCHAR, _run_id VARCHAR NOT NULL, _bronze_key VARCHAR NOT NULL, _landed_at TIMESTAMP NOT NULL);
        """;

    private const string Script = "-- produces: stars_sightings\nSELECT 1;";

    [Fact]
    public void The_built_in_sources_fit_together()
    {
        var catalog = BuiltInSources.Catalog;

        catalog.Silver.Sources.ShouldBe(["spacex", "nasa", "rawg"]);
        catalog.SilverTables["spacex_launches"].ShouldBe("spacex");
        catalog.Gold.Select(m => m.Folder).Distinct().Order(StringComparer.Ordinal).ShouldBe(["common", "nasa", "rawg", "spacex"]);
    }

    [Fact]
    public void A_source_without_a_quarantine_table_is_refused()
    {
        var error = Should.Throw<ConfigurationException>(() => new SourceCatalog([Source(schema: Schema.Split('\n')[0])]));

        error.Message.ShouldContain("stars_quarantine");
        error.Message.ShouldContain("schema.sql");
    }

    [Fact]
    public void Silver_scripts_without_a_schema_are_refused()
    {
        var error = Should.Throw<ConfigurationException>(() => new SourceCatalog(
            [new SourceSql("stars", new Dictionary<string, string> { ["sightings.sql"] = Script }, new Dictionary<string, string>())]));

        error.Message.ShouldContain("sightings.sql");
        error.Message.ShouldContain("Silver/schema.sql");
    }

    [Fact]
    public void A_script_producing_an_undeclared_table_is_refused_naming_both()
    {
        var error = Should.Throw<ConfigurationException>(() => new SourceCatalog([Source(script: "-- produces: stars_sighting\nSELECT 1;")]));

        error.Message.ShouldContain("stars.sightings");
        error.Message.ShouldContain("stars_sighting,");
    }

    [Fact]
    public void A_silver_table_declared_by_two_sources_is_refused_naming_both()
    {
        var moons = new SourceSql(
            "moons",
            new Dictionary<string, string> { ["schema.sql"] = Schema.Replace("stars_quarantine", "moons_quarantine", StringComparison.Ordinal) },
            new Dictionary<string, string>());

        var error = Should.Throw<ConfigurationException>(() => new SourceCatalog([Source(), moons]));

        error.Message.ShouldContain("stars_sightings");
        error.Message.ShouldContain("stars and moons");
    }

    [Fact]
    public void A_gold_model_reading_silver_of_its_own_source_is_accepted_and_its_date_key_extends_the_calendar()
    {
        var catalog = new SourceCatalog([Source(gold: "-- test: relationships(date_key -> dim_date.date_key)\nselect id, 20240101 as date_key from silver.stars_sightings")]);

        catalog.Gold.Single(m => m.Name == "fact_star").SilverTables.ShouldBe(["stars_sightings"]);
        var dimDate = catalog.Gold.Single(m => m.Name == "dim_date");
        dimDate.DependsOn.ShouldBe(["fact_star"]);
        dimDate.Sql.ShouldContain("select date_key as date_key from fact_star");
    }

    private static SourceSql Source(string schema = Schema, string script = Script, string? gold = null) => new(
        "stars",
        new Dictionary<string, string> { ["schema.sql"] = schema, ["sightings.sql"] = script },
        gold is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["fact_star.sql"] = gold });
}
