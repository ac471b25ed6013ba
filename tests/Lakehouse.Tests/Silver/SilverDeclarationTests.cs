using Lakehouse.Silver.Declarations;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// What the silver declarations write besides the scripts (which the transform tests of every source exercise): the
/// schema each declaration promises, and the declarations refused before any SQL runs.
/// </summary>
public sealed class SilverDeclarationTests
{
    private static readonly SilverDataset Sightings = new(
        "sightings",
        new SilverTable(
            "stars_sightings",
            [
                new("sighting_id", SilverType.Integer, "id") { Required = true },
                new("seen_at", SilverType.Timestamp, "seen.at"),
                new("tags", SilverType.ListOf(SilverType.String)),
                SilverColumn.Computed("seen_on", SilverType.Date, "seen_at::DATE"),
            ],
            "sighting_id"))
    {
        Entries =
        [
            new("observers", new SilverTable(
                "stars_sighting_observers",
                [
                    SilverColumn.Parent("sighting_id", SilverType.Integer),
                    SilverColumn.Ordinal("observer_ordinal"),
                    new("observer_name", SilverType.String, "name") { Required = true, Comment = "as the observer signed" },
                ])),
        ],
    };

    [Fact]
    public void The_schema_holds_every_declared_table_with_its_types_nullability_and_lineage()
    {
        var ddl = SilverSqlWriter.Schema("stars", [Sightings]);

        // Each table: its columns in the declared order and types, NOT NULL where required, a key, or a position.
        Normalise(Between(ddl, "CREATE TABLE stars_sightings (", ");")).ShouldBe(
        [
            "sighting_id INTEGER NOT NULL,", "seen_at TIMESTAMP,", "tags VARCHAR[],", "seen_on DATE,",
            "_run_id VARCHAR NOT NULL,", "_bronze_key VARCHAR NOT NULL,", "_landed_at TIMESTAMP NOT NULL",
        ]);
        Normalise(Between(ddl, "CREATE TABLE stars_sighting_observers (", ");")).ShouldBe(
        [
            "sighting_id INTEGER NOT NULL,", "observer_ordinal INTEGER NOT NULL,", "observer_name VARCHAR NOT NULL, -- as the observer signed",
            "_run_id VARCHAR NOT NULL,", "_bronze_key VARCHAR NOT NULL,", "_landed_at TIMESTAMP NOT NULL",
        ]);
        ddl.ShouldContain("CREATE TABLE stars_quarantine (");
    }

    [Fact]
    public void The_script_names_every_table_it_produces_and_where_its_elements_are()
    {
        var script = SilverSqlWriter.Script(Sightings with { Elements = "results" });

        script.ShouldContain("-- produces: stars_sightings, stars_sighting_observers\n");
        script.ShouldContain("-- elements: results\n");
        script.ShouldContain("CREATE TEMP VIEW stars_sightings_rows AS");
        script.ShouldContain("CREATE TEMP VIEW stars_sighting_observers_rows AS");
    }

    [Fact]
    public void A_key_that_is_not_a_column_is_refused_naming_it()
    {
        var wrong = Sightings with { Table = Sightings.Table with { Key = ["sighting"] } };

        Should.Throw<ArgumentException>(() => SilverSqlWriter.Script(wrong)).Message
            .ShouldContain("The key of the silver table stars_sightings names 'sighting', which is not one of its columns.");
    }

    [Fact]
    public void A_key_that_may_be_null_is_refused()
    {
        var wrong = Sightings with { Table = Sightings.Table with { Key = ["seen_at"] } };

        Should.Throw<ArgumentException>(() => SilverSqlWriter.Script(wrong)).Message
            .ShouldContain("The key column stars_sightings.seen_at must be required (NOT NULL).");
    }

    [Theory]
    [InlineData("position")]
    [InlineData("problem")]
    [InlineData("Seen")]
    public void A_column_the_script_cannot_name_is_refused(string name)
    {
        var wrong = Sightings with { Table = Sightings.Table with { Columns = [.. Sightings.Table.Columns, new(name, SilverType.String)] } };

        Should.Throw<ArgumentException>(() => SilverSqlWriter.Script(wrong)).Message.ShouldContain($"'{name}'");
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        from.ShouldBeGreaterThanOrEqualTo(0, $"'{start}' is missing");
        from += start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static string[] Normalise(string lines) =>
        [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))];
}
