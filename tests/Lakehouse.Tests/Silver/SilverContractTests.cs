using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// Silver contracts: derived from schema.sql, kept by every file the real transform writes, and broken, with a
/// message naming table, column, declared and found, by files that differ in a realistic way. The bad files are real
/// silver files rewritten by DuckDB (a column renamed, a type widened, a NULL where none is allowed); the footers are
/// read with Parquet.Net and checked against what DuckDB itself reads from the same files.
/// </summary>
public sealed class SilverContractTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly SpaceXBronze bronze;

    public SilverContractTests() => bronze = new SpaceXBronze(work.Combine("bronze"));

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_contracts_are_the_tables_of_schema_sql_with_their_types_and_nullability()
    {
        var contracts = BuiltInSources.Catalog.Contracts;

        // Every table a silver script produces, and each source's quarantine, has a contract
        var produced = BuiltInSources.Catalog.Silver.Datasets.SelectMany(BuiltInSources.Catalog.Silver.TablesOf)
            .Concat(["spacex_quarantine", "nasa_quarantine", "rawg_quarantine"]);
        foreach (var table in produced)
        {
            contracts.For(table).ShouldNotBeNull(table);
        }

        // With the columns as schema.sql writes them (spacex/schema.sql, CREATE TABLE spacex_launches: 30 columns)
        var launches = contracts.For("spacex_launches")!;
        launches.Columns.Count.ShouldBe(30);
        launches.Columns[0].ShouldBe(new SilverColumn("launch_id", "VARCHAR", Nullable: false));
        launches.Columns[1].ShouldBe(new SilverColumn("flight_number", "INTEGER", Nullable: true));
        launches.Columns.Single(c => c.Name == "date_unix").Type.ShouldBe("BIGINT");
        launches.Columns.Single(c => c.Name == "ship_ids").Type.ShouldBe("VARCHAR[]");
        launches.Columns[^1].ShouldBe(new SilverColumn("_landed_at", "TIMESTAMP", Nullable: false));

        // And struct fields unquoted: RawgSilver declares developers STRUCT(id INTEGER, name VARCHAR, slug VARCHAR)[]
        // (DuckDB itself spells the keyword field "name" in quotes)
        contracts.For("rawg_game_details")!.Columns.Single(c => c.Name == "developers").Type
            .ShouldBe("STRUCT(id INTEGER, name VARCHAR, slug VARCHAR)[]");
    }

    [SkippableTheory]
    [MemberData(nameof(EveryDataset))]
    public async Task Every_file_the_transform_writes_keeps_its_contract(string dataset)
    {
        // Given the dataset's recorded responses where there are some (an empty array otherwise: the files are written
        // with the same schema, only without rows)
        var input = Fixtures.TryGetValue(dataset, out var fixture) ? new BronzeInput(fixture, $"bronze/x/{dataset}.json", SpaceXBronze.RunId, SpaceXBronze.LandedAt) : bronze.Body("[]");

        // When it is transformed
        var result = new SilverTransform(BuiltInSources.Catalog.Silver).Run(dataset, [input], work.Combine("silver", dataset), CancellationToken.None);

        // Then every file's footer keeps its table's contract, and tells the rows the transform counted
        foreach (var file in result.Files)
        {
            var footer = await ParquetFooter.ReadAsync(file.LocalPath, CancellationToken.None);
            BuiltInSources.Catalog.Contracts.For(file.Table)!.Mismatches(footer).ShouldBeEmpty(file.Table);
            footer.Rows.ShouldBe(file.Rows, file.Table);
        }

        if (fixture is not null)
        {
            result.Files.Sum(f => f.Rows).ShouldBeGreaterThan(0);
        }
    }

    [SkippableFact]
    public async Task The_footer_tells_the_rows_and_compressed_bytes_that_DuckDB_reads_from_the_same_file()
    {
        // Given real silver: the 205 recorded launches
        var file = Launches();

        // When its footer is read with Parquet.Net
        var footer = await ParquetFooter.ReadAsync(file, CancellationToken.None);

        // Then rows and compressed bytes are DuckDB's own figures for the file, and the columns are its columns
        using var duckdb = DuckDbTestConnections.OpenInMemory();
        footer.Rows.ShouldBe(duckdb.Scalar<long>($"SELECT num_rows FROM parquet_file_metadata('{file}')"));
        footer.Rows.ShouldBe(205);
        footer.CompressedBytes.ShouldBe(duckdb.Scalar<long>($"SELECT coalesce(sum(total_compressed_size), 0)::BIGINT FROM parquet_metadata('{file}')"));
        footer.CompressedBytes.ShouldBeGreaterThan(0);
        footer.Columns.Select(c => c.Name).ShouldBe(BuiltInSources.Catalog.Contracts.For("spacex_launches")!.Columns.Select(c => c.Name));
        footer.Columns.Single(c => c.Name == "success").Nulls.ShouldBe(19, "19 recorded launches have no success (SilverFixtureTests)");
    }

    [SkippableFact]
    public async Task A_renamed_column_is_named_missing_and_its_new_name_undeclared()
    {
        var file = Rewrite(Launches(), "SELECT * RENAME (flight_number AS flight_no)");

        var mismatches = await MismatchesAsync("spacex_launches", file);

        mismatches.ShouldBe(["column flight_number (INTEGER) is missing", "column flight_no (INTEGER) is not declared"]);
    }

    [SkippableFact]
    public async Task A_widened_type_names_the_declared_and_the_found_type()
    {
        var file = Rewrite(Launches(), "SELECT * REPLACE (flight_number::BIGINT AS flight_number)");

        var mismatches = await MismatchesAsync("spacex_launches", file);

        mismatches.ShouldBe(["column flight_number is declared INTEGER, the file has BIGINT"]);
    }

    [SkippableFact]
    public async Task A_changed_element_type_inside_a_list_is_a_type_mismatch()
    {
        var file = Rewrite(Launches(), "SELECT * REPLACE (list_transform(ship_ids, s -> length(s)) AS ship_ids)");

        var mismatches = await MismatchesAsync("spacex_launches", file);

        mismatches.ShouldBe(["column ship_ids is declared VARCHAR[], the file has BIGINT[]"]);
    }

    [SkippableFact]
    public async Task NULLs_in_a_NOT_NULL_column_are_counted_from_the_footer()
    {
        // Given launches whose id is NULL for every launch before flight 11 (ten launches: flight numbers 1..10)
        var file = Rewrite(Launches(), "SELECT * REPLACE (CASE WHEN flight_number <= 10 THEN NULL ELSE launch_id END AS launch_id)");
        using var duckdb = DuckDbTestConnections.OpenInMemory();
        var nulls = duckdb.Scalar<long>($"SELECT count(*) FROM '{file}' WHERE launch_id IS NULL");
        nulls.ShouldBe(10);

        var mismatches = await MismatchesAsync("spacex_launches", file);

        mismatches.ShouldBe([$"column launch_id is declared NOT NULL, the file has {nulls} NULLs"]);
    }

    [SkippableFact]
    public async Task A_NULL_in_a_nullable_column_is_fine()
    {
        var file = Rewrite(Launches(), "SELECT * REPLACE (NULL::INTEGER AS flight_number)");

        (await MismatchesAsync("spacex_launches", file)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task The_same_columns_in_another_order_are_a_mismatch()
    {
        // Gold reads silver files by position, so an order change would put names under flight numbers
        var file = Rewrite(Launches(), "SELECT launch_id, name, flight_number, * EXCLUDE (launch_id, name, flight_number)");

        var mismatches = await MismatchesAsync("spacex_launches", file);

        mismatches.ShouldBe(["column flight_number is declared at position 2, the file has it at 3"]);
    }

    [Fact]
    public async Task A_file_that_is_not_Parquet_cannot_be_read_and_says_so()
    {
        var file = work.Combine("not.parquet");
        await File.WriteAllTextAsync(file, "{\"docs\": []}");

        var error = await Should.ThrowAsync<InvalidDataException>(() => ParquetFooter.ReadAsync(file, CancellationToken.None));

        error.Message.ShouldStartWith("not.parquet is not a readable Parquet file");
    }

    [Fact]
    public void The_message_is_one_line_naming_the_table_the_column_and_both_types()
    {
        var error = new SilverContractException("spacex.launches", "spacex_launches", "silver/spacex/launches/run=r/0001.parquet",
            ["column flight_number is declared INTEGER, the file has BIGINT", "column flight_no (INTEGER) is not declared"]);

        error.Message.ShouldNotContain('\n');
        error.Message.ShouldStartWith("silver table spacex_launches does not match its contract: column flight_number is declared INTEGER, the file has BIGINT (and 1 more: column flight_no (INTEGER) is not declared). spacex.launches was not published");
    }

    public static TheoryData<string> EveryDataset() => [.. BuiltInSources.Catalog.Silver.Datasets];

    /// <summary>Recorded responses per dataset, where the fixtures have some.</summary>
    private static Dictionary<string, string> Fixtures => new(StringComparer.Ordinal)
    {
        ["spacex.launches"] = SpaceXBronze.Fixture("v4-launches.json"),
        ["spacex.payloads"] = SpaceXBronze.Fixture("v4-payloads.json"),
        ["spacex.rockets"] = SpaceXBronze.Fixture("v4-rockets.json"),
        ["spacex.launchpads"] = SpaceXBronze.Fixture("v4-launchpads.json"),
        ["nasa.neo_feed"] = Path.Combine(RepositoryPaths.SharedFixtures, "nasa", "neo-feed-2024-03-09_2024-03-16.json"),
        ["nasa.donki_cme"] = Path.Combine(RepositoryPaths.SharedFixtures, "nasa", "donki-cme-2024-03-01_2024-03-31.json"),
        ["nasa.donki_gst"] = Path.Combine(RepositoryPaths.SharedFixtures, "nasa", "donki-gst-2024-05-01_2024-05-31.json"),
        ["rawg.games"] = Path.Combine(RepositoryPaths.SharedFixtures, "rawg", "games-page1.json"),
        ["rawg.game_details"] = Path.Combine(RepositoryPaths.SharedFixtures, "rawg", "game-3498.json"),
        ["rawg.genres"] = Path.Combine(RepositoryPaths.SharedFixtures, "rawg", "genres.json"),
    };

    /// <summary>The spacex_launches file of the 205 recorded launches, as the transform writes it.</summary>
    private string Launches()
    {
        var result = new SilverTransform(BuiltInSources.Catalog.Silver).Run("spacex.launches", [bronze.Recorded("v4-launches.json")], work.Combine("silver", "launches"), CancellationToken.None);
        return result.Files.Single(f => f.Table == "spacex_launches").LocalPath;
    }

    /// <summary>A copy of <paramref name="file"/> rewritten by DuckDB with <paramref name="select"/> (its FROM added).</summary>
    private string Rewrite(string file, string select)
    {
        var output = work.Combine($"rewritten-{Guid.NewGuid():N}.parquet");
        using var duckdb = DuckDbTestConnections.OpenInMemory();
        duckdb.Execute($"COPY ({select} FROM '{file}') TO '{output}' (FORMAT parquet, COMPRESSION zstd)");
        return output;
    }

    private static async Task<IReadOnlyList<string>> MismatchesAsync(string table, string file) =>
        BuiltInSources.Catalog.Contracts.For(table)!.Mismatches(await ParquetFooter.ReadAsync(file, CancellationToken.None));
}
