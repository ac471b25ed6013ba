using DuckDB.NET.Data;
using Lakehouse.Configuration;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The real composition root (<c>AddLakehouse</c>) over a temp lake, with the SpaceX source pointed at a local server
/// and retries shortened, so end-to-end tests run the same pipeline as <c>lakehouse run</c>.
/// </summary>
internal sealed class PipelineHost : IDisposable
{
    private PipelineHost(ServiceProvider services, string goldPath)
    {
        Services = services;
        GoldPath = goldPath;
    }

    /// <summary>
    /// A run of the SpaceX source alone: the composition root registers every source, and these tests are about SpaceX
    /// (the other sources would call their real APIs).
    /// </summary>
    public static RunRequest SpaceXRun { get; } = new("test", new HashSet<string> { "spacex" }, new HashSet<Lakehouse.Lake.DatasetName>());

    public ServiceProvider Services { get; }

    public string GoldPath { get; }

    public LakehousePipeline Pipeline => Services.GetRequiredService<LakehousePipeline>();

    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();

    /// <summary>Settings for a temp lake under <paramref name="root"/> and a source at <paramref name="api"/>.</summary>
    public static Dictionary<string, string?> Settings(string root, Uri api) => new()
    {
        ["Lakehouse:Storage:Kind"] = "FileSystem",
        ["Lakehouse:Storage:Root"] = Path.Combine(root, "lake"),
        ["Lakehouse:Gold:DatabasePath"] = Path.Combine(root, "lake", "gold", "lakehouse.duckdb"),
        ["Lakehouse:Logging:File"] = Path.Combine(root, "logs", "lakehouse-.jsonl"),
        ["Lakehouse:Logging:Level"] = "Warning",
        ["Lakehouse:Pipeline:WorkDirectory"] = Path.Combine(root, "work"),
        ["Lakehouse:Sources:SpaceX:BaseUrl"] = api.ToString(),
        ["Lakehouse:Sources:SpaceX:RetryBaseDelay"] = "00:00:00.010",
        ["Lakehouse:Sources:SpaceX:RetryMaxDelay"] = "00:00:01",
        ["Lakehouse:Sources:SpaceX:RequestTimeout"] = "00:00:02",
        ["Lakehouse:Sources:SpaceX:MaxAttempts"] = "3",
        ["Lakehouse:Sources:SpaceX:RequestsPerSecond"] = "1000",
        ["Lakehouse:Sources:SpaceX:Burst"] = "100",
    };

    /// <param name="settings">The configuration.</param>
    /// <param name="environment">Environment variables the configuration sees (credentials).</param>
    /// <param name="replace">Registers real services in place of the composition root's (a silver contract that differs from schema.sql).</param>
    public static PipelineHost Create(
        IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? replace = null)
    {
        var root = Path.GetDirectoryName(settings["Lakehouse:Storage:Root"]!)!;
        var configuration = LakehouseConfiguration.Build(root, AppContext.BaseDirectory, environment ?? new Dictionary<string, string>(), null, settings);
        var collection = new ServiceCollection().AddLakehouse(configuration);
        replace?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        services.ValidateLakehouseOptions();
        return new PipelineHost(services, settings["Lakehouse:Gold:DatabasePath"]!);
    }

    /// <summary>Opens gold read-only, as <c>lakehouse query</c> does.</summary>
    public DuckDBConnection OpenGold()
    {
        return DuckDbTestConnections.OpenFile(GoldPath, readOnly: true);
    }

    public T Scalar<T>(string sql)
    {
        using var connection = OpenGold();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar()!;

        // sum() of BIGINT is a HUGEINT, which arrives as a 128-bit integer that is not IConvertible.
        return (T)Convert.ChangeType(value is IConvertible ? value : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Services.Dispose();
}
