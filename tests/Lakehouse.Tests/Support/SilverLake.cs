using DuckDB.NET.Data;
using System.Globalization;
using System.Reflection;
using Lakehouse.Sources;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Silver Parquet files for gold tests, written from hand-made rows: the silver tables are created from the
/// sources' <c>schema.sql</c> in an in-memory DuckDB (so every row has silver's exact types), rows go in through
/// <see cref="Landing"/>s, and <see cref="WriteFiles"/> copies each bronze object's rows of each table to a Parquet
/// file of its own, as the silver transform does.
/// </summary>
internal sealed class SilverLake : IDisposable
{
    private readonly TempDirectory folder = new();
    private readonly DuckDBConnection database;
    private int generation;

    public SilverLake()
    {
        database = DuckDbTestConnections.OpenInMemory();
        database.Execute(Ddl);
    }

    /// <summary>Every built-in source's silver DDL, as the pipeline embeds it (the gold build reads every source's tables).</summary>
    public static string Ddl { get; } = BuiltInSources.Catalog.Silver.AllSchemasSql();

    /// <summary>A folder for the test's own files (the gold database, say), deleted with the lake.</summary>
    public TempDirectory Folder => folder;

    /// <summary>Rows landed by run <paramref name="runId"/> in the bronze object <paramref name="bronzeKey"/>.</summary>
    public Landing Land(string runId, string bronzeKey, DateTime landedAt) => new(this, runId, bronzeKey, landedAt);

    /// <summary>Writes every table's rows, one Parquet file per bronze object, into a new folder; tables without rows get no entry.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> WriteFiles()
    {
        var root = folder.Combine("silver", (++generation).ToString(CultureInfo.InvariantCulture));
        var files = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var tables = Strings("SELECT table_name FROM duckdb_tables() ORDER BY table_name");
        foreach (var table in tables)
        {
            var paths = new List<string>();
            var bronzeKeys = Strings($"SELECT DISTINCT _bronze_key FROM {table} ORDER BY _bronze_key");
            foreach (var bronzeKey in bronzeKeys)
            {
                var path = Path.Combine(root, table, $"{paths.Count + 1}.parquet");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                database.Execute(
                    $"COPY (SELECT * FROM {table} WHERE _bronze_key = {Quote(bronzeKey)}) TO {Quote(path)} (FORMAT parquet, COMPRESSION zstd)");
                paths.Add(path);
            }

            if (paths.Count > 0)
            {
                files[table] = paths;
            }
        }

        return files;
    }

    public void Dispose()
    {
        database.Dispose();
        folder.Dispose();
    }

    internal void Insert(string table, object row, Landing landing)
    {
        var columns = new List<(string Name, object? Value)>();
        foreach (var property in row.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            columns.Add((property.Name, property.GetValue(row)));
        }

        columns.Add(("_run_id", landing.RunId));
        columns.Add(("_bronze_key", landing.BronzeKey));
        columns.Add(("_landed_at", landing.LandedAt));
        var select = string.Join(", ", columns.Select((c, i) => $"${i + 1} AS {c.Name}"));
        database.Execute($"INSERT INTO {table} BY NAME SELECT {select}", columns.Select(c => c.Value).ToArray());
    }

    private List<string> Strings(string sql)
    {
        using var command = database.Command(sql);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>
/// The rows of one bronze object: every row added here carries its run id, bronze key and landing time. The
/// helpers fill the columns gold reads; <see cref="Add"/> takes any silver table and an anonymous object of columns.
/// </summary>
internal sealed class Landing(SilverLake lake, string runId, string bronzeKey, DateTime landedAt)
{
    public string RunId { get; } = runId;

    public string BronzeKey { get; } = bronzeKey;

    public DateTime LandedAt { get; } = landedAt;

    public Landing Add(string table, object row)
    {
        lake.Insert(table, row, this);
        return this;
    }

    public Landing Launch(
        string id,
        string name,
        DateTime? dateUtc,
        string? rocket = null,
        string? launchpad = null,
        bool? success = null,
        bool upcoming = false,
        string datePrecision = "hour",
        int? flightNumber = null) =>
        Add("spacex_launches", new
        {
            launch_id = id,
            name,
            flight_number = flightNumber,
            date_utc = dateUtc,
            date_precision = datePrecision,
            rocket_id = rocket,
            launchpad_id = launchpad,
            success,
            upcoming,
        });

    public Landing LaunchCore(
        string launch,
        int ordinal,
        string? core,
        bool? reused = false,
        bool? landingAttempt = false,
        bool? landingSuccess = null,
        string? landingType = null,
        string? landpad = null) =>
        Add("spacex_launch_cores", new
        {
            launch_id = launch,
            core_ordinal = ordinal,
            core_id = core,
            reused,
            landing_attempt = landingAttempt,
            landing_success = landingSuccess,
            landing_type = landingType,
            landpad_id = landpad,
        });

    public Landing LaunchPayload(string launch, int ordinal, string payload) =>
        Add("spacex_launch_payloads", new { launch_id = launch, payload_ordinal = ordinal, payload_id = payload });

    public Landing LaunchCrew(string launch, int ordinal, string? crew, string? role = null) =>
        Add("spacex_launch_crew", new { launch_id = launch, crew_ordinal = ordinal, crew_id = crew, role });

    public Landing LaunchFailure(string launch, int ordinal, string reason) =>
        Add("spacex_launch_failures", new { launch_id = launch, failure_ordinal = ordinal, reason });

    public Landing Rocket(string id, string name) => Add("spacex_rockets", new { rocket_id = id, name });

    public Landing Launchpad(string id, string name) => Add("spacex_launchpads", new { launchpad_id = id, name });

    public Landing Landpad(string id, string name, string type) => Add("spacex_landpads", new { landpad_id = id, name, type });

    public Landing Payload(string id, string name, double? massKg) => Add("spacex_payloads", new { payload_id = id, name, mass_kg = massKg });

    public Landing Core(string id, string serial) => Add("spacex_cores", new { core_id = id, serial });

    public Landing CrewMember(string id, string name) => Add("spacex_crew", new { crew_id = id, name });
}
