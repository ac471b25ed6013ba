using System.Globalization;
using System.Text.Json;
using Lakehouse.Configuration;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Sources.Comets;

/// <summary>
/// The seam between the core and its sources: a source written entirely in this folder (<see cref="CometsSource"/>)
/// goes through the real pipeline (land → transform → model) against a local HTTP server, and its gold is queried,
/// with no line of src/ naming it. The same folder's SQL, bent, shows what the core refuses at start.
/// </summary>
public sealed class CometsSourceTests : IAsyncLifetime, IDisposable
{
    private static readonly Sighting[] FirstPage =
    [
        new(1, "C/2023 A3 (Tsuchinshan-ATLAS)", "2024-10-12", 2.5),
        new(2, "12P/Pons-Brooks", "2024-04-21", 4.5),
        new(3, "C/2022 E3 (ZTF)", "2023-02-01", 5.0),
    ];

    // Sighting 2 again, measured brighter: the later landing wins. Sighting 5 lacks its date: quarantined.
    private static readonly Sighting[] SecondPage =
    [
        new(2, "12P/Pons-Brooks", "2024-04-21", 4.0),
        new(4, "13P/Olbers", "2024-06-30", 6.5),
        new(5, "C/2024 G3 (ATLAS)", null, 3.0),
    ];

    private readonly TempDirectory folder = new();
    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_source_added_from_the_test_project_alone_is_landed_transformed_and_modelled()
    {
        // Given the comets API on a local server, and a lakehouse that knows only the comets source
        server.Script("/sightings", Page(FirstPage, next: 2), Page(SecondPage, next: null));
        using var services = Build((collection, configuration) => collection.AddComets(configuration));
        services.ValidateLakehouseOptions();

        // When it runs once, as `lakehouse run` does
        var run = await services.GetRequiredService<LakehousePipeline>().RunAsync(RunRequest.All("test"), CancellationToken.None);

        // Then both pages were asked for, landed, transformed (one sighting quarantined) and modelled
        run.Status.ShouldBe(RunStatus.Succeeded, run.GoldError);
        server.Requests.Select(r => r.Query).ShouldBe(["?page=1", "?page=2"]);
        var dataset = run.Datasets.ShouldHaveSingleItem();
        dataset.Dataset.ShouldBe("comets.sightings");
        dataset.ObjectsLanded.ShouldBe(2);
        dataset.RowsQuarantined.ShouldBe(1);

        // And its gold holds one row per valid sighting, the later landing of each, as computed from the pages
        var expected = FirstPage.Concat(SecondPage).Where(s => s.SeenOn is not null)
            .GroupBy(s => s.Id).Select(g => g.Last()).OrderBy(s => s.Id).ToList();
        using var gold = DuckDbTestConnections.OpenFile(services.GetRequiredService<GoldOptions>().DatabasePath, readOnly: true);
        var rows = Rows(gold, "SELECT sighting_id, comet, seen_on::VARCHAR, magnitude, date_key, naked_eye FROM fact_comet_sighting ORDER BY sighting_id");
        rows.ShouldBe(expected.Select(s => $"{s.Id}|{s.Comet}|{s.SeenOn}|{s.Magnitude.ToString(CultureInfo.InvariantCulture)}|{s.SeenOn!.Replace("-", "", StringComparison.Ordinal)}|{s.Magnitude <= 6}"));

        // And the shared calendar learned its years from the source's declared date key alone
        var first = expected.Min(s => DateOnly.Parse(s.SeenOn!, CultureInfo.InvariantCulture)).Year;
        var last = expected.Max(s => DateOnly.Parse(s.SeenOn!, CultureInfo.InvariantCulture)).Year;
        var days = new DateOnly(last, 12, 31).DayNumber - new DateOnly(first, 1, 1).DayNumber + 1;
        Rows(gold, "SELECT count(*), min(date_key) FILTER (WHERE date_key > 0), max(date_key) FROM dim_date")
            .ShouldBe([$"{days + 1}|{first}0101|{last}1231"]);
        Rows(gold, "SELECT count(*) FROM fact_comet_sighting f LEFT JOIN dim_date d USING (date_key) WHERE d.date_key IS NULL").ShouldBe(["0"]);

        // And the built-in sources' gold is not there: the core built what the registered sources declare
        Rows(gold, "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('fact_launch', 'fact_game', 'fact_apod')").ShouldBe(["0"]);
    }

    [Fact]
    public void Two_sources_registering_one_dataset_are_refused_at_start_naming_both()
    {
        // Given a copy of the comets folder whose dataset was not renamed
        using var services = Build((collection, configuration) =>
        {
            collection.AddComets(configuration);
            collection.AddSource(new SourceSql("meteors", new Dictionary<string, string>(), new Dictionary<string, string>()), _ => new MeteorsSource());
        });

        // When the lakehouse starts, then it refuses, naming the dataset and both sources
        var error = Should.Throw<ConfigurationException>(() => services.ValidateLakehouseOptions());
        error.Message.ShouldContain("comets.sightings");
        error.Message.ShouldContain(nameof(CometsSource));
        error.Message.ShouldContain(nameof(MeteorsSource));
        error.Message.ShouldNotContain(Environment.NewLine);
    }

    [Fact]
    public void Two_sources_by_one_name_are_refused_at_start_naming_both()
    {
        // Given a second source folder that also calls itself "comets"
        using var services = Build((collection, configuration) =>
        {
            collection.AddComets(configuration);
            collection.AddSource(CometsSource.Sql with { Origin = "Lakehouse.Sources.CometsCopy" }, _ => new MeteorsSource());
        });

        var error = Should.Throw<ConfigurationException>(() => services.ValidateLakehouseOptions());
        error.Message.ShouldContain("'comets'");
        error.Message.ShouldContain(typeof(CometsSource).Namespace!);
        error.Message.ShouldContain("Lakehouse.Sources.CometsCopy");
    }

    [Fact]
    public void A_gold_model_reading_a_silver_table_nobody_declares_is_refused_at_start_naming_both()
    {
        // Given the comets source whose gold model misspells its silver table
        var model = CometsSource.Sql.Gold["fact_comet_sighting.sql"];
        var misspelt = CometsSource.Sql with
        {
            Gold = new Dictionary<string, string> { ["fact_comet_sighting.sql"] = model.Replace("silver.comets_sightings", "silver.comets_sighting", StringComparison.Ordinal) },
        };
        using var services = Build((collection, configuration) =>
        {
            collection.AddSourceApi<ICometsApi>(CometsSource.SourceName, configuration.GetSection("Lakehouse:Sources:Comets"));
            collection.AddSource(misspelt, sp => new CometsSource(sp.GetRequiredService<ICometsApi>()));
        });

        // When the lakehouse starts, then it refuses before any work, naming the model and the table
        var error = Should.Throw<ConfigurationException>(() => services.ValidateLakehouseOptions());
        error.Message.ShouldContain("fact_comet_sighting");
        error.Message.ShouldContain("silver.comets_sighting,");
        server.Requests.ShouldBeEmpty();
    }

    private ServiceProvider Build(Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration> sources)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lakehouse:Storage:Kind"] = "FileSystem",
            ["Lakehouse:Storage:Root"] = folder.Combine("lake"),
            ["Lakehouse:Gold:DatabasePath"] = folder.Combine("lake", "gold", "lakehouse.duckdb"),
            ["Lakehouse:Logging:File"] = folder.Combine("logs", "lakehouse-.jsonl"),
            ["Lakehouse:Logging:Level"] = "Warning",
            ["Lakehouse:Pipeline:WorkDirectory"] = folder.Combine("work"),
            ["Lakehouse:Sources:Comets:BaseUrl"] = server.BaseUrl.ToString(),
            ["Lakehouse:Sources:Comets:RequestsPerSecond"] = "1000",
            ["Lakehouse:Sources:Comets:Burst"] = "100",
        };
        // No shipped defaults file (folder has no config/): it configures the built-in sources, which this host has
        // not registered, and strict configuration would rightly name their keys as unknown.
        var configuration = LakehouseConfiguration.Build(folder.Path, folder.Path, new Dictionary<string, string>(), null, settings);
        return new ServiceCollection().AddLakehouse(configuration, sources).BuildServiceProvider();
    }

    private static ScriptedResponse Page(IEnumerable<Sighting> sightings, int? next) =>
        ScriptedResponse.Json(JsonSerializer.Serialize(new
        {
            results = sightings.Select(s => s.SeenOn is null
                ? (object)new { id = s.Id, comet = s.Comet, magnitude = s.Magnitude }
                : new { id = s.Id, comet = s.Comet, seen_on = s.SeenOn, magnitude = s.Magnitude }),
            next,
        }));

    private static List<string> Rows(DuckDB.NET.Data.DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private sealed record Sighting(int Id, string Comet, string? SeenOn, double Magnitude);

    /// <summary>A source copied from the comets folder that still declares the comets' dataset.</summary>
    private sealed class MeteorsSource : ISource
    {
        public string Name => "meteors";

        public TimeSpan FullRefreshInterval => TimeSpan.Zero;

        public string? Unavailable => null;

        public IReadOnlyList<SourceDataset> Datasets { get; } = [new(new Lakehouse.Lake.DatasetName(CometsSource.SourceName, "sightings"), null)];

        public Task<SourceProbe> ProbeAsync(Lakehouse.Lake.SourceState state, CancellationToken ct) => Task.FromResult(SourceProbe.NotSupported);

        public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh) => [Partition.Whole];

        public IAsyncEnumerable<Lakehouse.Bronze.SourceExchange> FetchAsync(SourceDataset dataset, Partition partition, CancellationToken ct) =>
            throw new NotSupportedException("never run: the lakehouse refuses it at start");
    }
}
