using DuckDB.NET.Data;
using Lakehouse.Configuration;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The real composition root (<c>AddLakehouse</c>) over a temp lake, built by <see cref="PipelineHostBuilder"/>: the
/// one way tests get the pipeline, a source's client or the lander, wired exactly as <c>lakehouse run</c> wires them.
/// </summary>
internal sealed class PipelineHost : IDisposable, IAsyncDisposable
{
    internal PipelineHost(ServiceProvider services, string goldPath, string lakePath)
    {
        Services = services;
        GoldPath = goldPath;
        LakePath = lakePath;
    }

    /// <summary>
    /// A run of the SpaceX source alone: the composition root registers every source, and these tests are about SpaceX
    /// (the other sources would call their real APIs).
    /// </summary>
    public static RunRequest SpaceXRun { get; } = new("test", new HashSet<string> { "spacex" }, new HashSet<Lakehouse.Lake.DatasetName>());

    public ServiceProvider Services { get; }

    public string GoldPath { get; }

    /// <summary>The lake's folder (<c>Lakehouse:Storage:Root</c>) when the store is the folder store.</summary>
    public string LakePath { get; }

    public LakehousePipeline Pipeline => Services.GetRequiredService<LakehousePipeline>();

    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();

    /// <summary>Settings for a temp lake under <paramref name="root"/> and a SpaceX source at <paramref name="api"/>.</summary>
    public static Dictionary<string, string?> Settings(string root, Uri api)
    {
        var settings = PipelineHostBuilder.LakeSettings(root);
        foreach (var (key, value) in PipelineHostBuilder.SourceSettings("SpaceX", api))
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The host for <paramref name="settings"/>; see <see cref="PipelineHostBuilder"/> for more options.</summary>
    /// <param name="settings">The configuration.</param>
    /// <param name="environment">Environment variables the configuration sees (credentials).</param>
    /// <param name="replace">Registers real services in place of the composition root's (a silver contract that differs from schema.sql).</param>
    public static PipelineHost Create(
        IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? replace = null)
    {
        var builder = new PipelineHostBuilder(settings);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            builder.Environment(name, value);
        }

        return (replace is null ? builder : builder.Replace(replace)).Build();
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A source as the composition root registers it (as one of the <see cref="ISource"/>s).</summary>
    public T Source<T>()
        where T : ISource => Services.GetServices<ISource>().OfType<T>().Single();

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

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>
/// Builds a <see cref="PipelineHost"/>: the configuration of a temp lake, the sources a test points at local servers
/// (with retries shortened and rate limits out of the way), the secrets it passes as environment variables, and the
/// few services a test may swap: the clock, a log collector, any other real service.
/// </summary>
internal sealed class PipelineHostBuilder
{
    private readonly Dictionary<string, string?> settings;
    private readonly Dictionary<string, string> environment = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> replacements = [];

    /// <summary>A temp lake under <paramref name="root"/> (<c>lake/</c>, <c>work/</c>, <c>logs/</c>), no source pointed anywhere.</summary>
    public PipelineHostBuilder(string root)
        : this(LakeSettings(root))
    {
    }

    /// <summary>Exactly <paramref name="settings"/>, which name the lake (<see cref="PipelineHost.Settings"/>).</summary>
    public PipelineHostBuilder(IReadOnlyDictionary<string, string?> settings) => this.settings = new(settings);

    /// <summary>The lake's settings under <paramref name="root"/>.</summary>
    public static Dictionary<string, string?> LakeSettings(string root) => new()
    {
        ["Lakehouse:Storage:Kind"] = "FileSystem",
        ["Lakehouse:Storage:Root"] = Path.Combine(root, "lake"),
        ["Lakehouse:Gold:DatabasePath"] = Path.Combine(root, "lake", "gold", "lakehouse.duckdb"),
        ["Lakehouse:Logging:File"] = Path.Combine(root, "logs", "lakehouse-.jsonl"),
        ["Lakehouse:Logging:Level"] = "Warning",
        ["Lakehouse:Pipeline:WorkDirectory"] = Path.Combine(root, "work"),
    };

    /// <summary>A source (<c>SpaceX</c>, <c>Nasa</c>, <c>Rawg</c>) at <paramref name="api"/>, retrying within milliseconds.</summary>
    public static Dictionary<string, string?> SourceSettings(string source, Uri api) => new()
    {
        [$"Lakehouse:Sources:{source}:BaseUrl"] = api.ToString(),
        [$"Lakehouse:Sources:{source}:RetryBaseDelay"] = "00:00:00.010",
        [$"Lakehouse:Sources:{source}:RetryMaxDelay"] = "00:00:01",
        [$"Lakehouse:Sources:{source}:RequestTimeout"] = "00:00:02",
        [$"Lakehouse:Sources:{source}:MaxAttempts"] = "3",
        [$"Lakehouse:Sources:{source}:RequestsPerSecond"] = "1000",
        [$"Lakehouse:Sources:{source}:Burst"] = "100",
    };

    /// <summary>Points <paramref name="source"/> at <paramref name="api"/> (<see cref="SourceSettings"/>).</summary>
    public PipelineHostBuilder Source(string source, Uri api)
    {
        foreach (var (key, value) in SourceSettings(source, api))
        {
            settings[key] = value;
        }

        return this;
    }

    /// <summary>One setting, by its full key (<c>Lakehouse:Sources:Nasa:QuotaRequests</c>); null removes it.</summary>
    public PipelineHostBuilder Set(string key, string? value)
    {
        if (value is null)
        {
            settings.Remove(key);
        }
        else
        {
            settings[key] = value;
        }

        return this;
    }

    /// <summary>An environment variable the configuration sees (secrets: <c>NASA_API_KEY</c>, <c>AWS_ACCESS_KEY_ID</c>).</summary>
    public PipelineHostBuilder Environment(string name, string? value)
    {
        if (value is null)
        {
            environment.Remove(name);
        }
        else
        {
            environment[name] = value;
        }

        return this;
    }

    /// <summary>The clock every service reads.</summary>
    public PipelineHostBuilder Time(TimeProvider time) => Replace(services => services.AddSingleton(time));

    /// <summary>Collects every log entry (besides the JSON log file), at every level.</summary>
    public PipelineHostBuilder Logs(ILoggerProvider logs) => Replace(services => services.AddSingleton(logs));

    /// <summary>Registers real services after the composition root's, which they replace.</summary>
    public PipelineHostBuilder Replace(Action<IServiceCollection> replace)
    {
        replacements.Add(replace);
        return this;
    }

    public PipelineHost Build()
    {
        var lake = settings["Lakehouse:Storage:Root"]!;
        var configuration = LakehouseConfiguration.Build(Path.GetDirectoryName(lake)!, AppContext.BaseDirectory, environment, null, settings);
        var collection = new ServiceCollection().AddLakehouse(configuration);
        foreach (var replace in replacements)
        {
            replace(collection);
        }

        var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            services.ValidateLakehouseOptions();
        }
        catch
        {
            services.Dispose();
            throw;
        }

        return new PipelineHost(services, settings["Lakehouse:Gold:DatabasePath"]!, lake);
    }
}
