using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Logging;
using Lakehouse.Monitoring;
using Lakehouse.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog.Extensions.Logging;

namespace Lakehouse;

/// <summary>The composition root: everything the commands and the scheduled jobs use.</summary>
internal static class LakehouseServiceCollectionExtensions
{
    /// <param name="services">The services to add to.</param>
    /// <param name="configuration">The process's configuration.</param>
    /// <param name="sources">
    /// Registers the sources (each with <see cref="SourceServiceCollectionExtensions.AddSource{TSource}"/>), given the
    /// configuration's root; the built-in ones (<see cref="BuiltInSources"/>) when null.
    /// </param>
    public static IServiceCollection AddLakehouse(
        this IServiceCollection services, LakehouseConfiguration configuration, Action<IServiceCollection, IConfiguration>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(configuration);

        // The sources' secrets (API keys) are the variables they declare (AddSourceSecret), all redacted in the logs.
        services.AddSingleton(sp => configuration.Secrets.Declaring(sp.GetServices<SourceSecret>().Select(s => s.Variable)));
        services.AddSingleton(TimeProvider.System);

        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration.Root, StorageOptions.Section);

        // S3 credentials come from the environment only; set before validation, so a missing one is named at start.
        services.PostConfigure<StorageOptions>(storage =>
        {
            storage.S3.AccessKey ??= configuration.Secrets.S3AccessKey;
            storage.S3.SecretKey ??= configuration.Secrets.S3SecretKey;
        });
        services.AddValidatedOptions<GoldOptions, GoldOptionsValidator>(configuration.Root, GoldOptions.Section);
        services.AddValidatedOptions<LoggingOptions, LoggingOptionsValidator>(configuration.Root, LoggingOptions.Section);

        services.AddSingleton(sp => LakehouseLog.Create(sp.GetRequiredService<IOptions<LoggingOptions>>().Value, sp.GetRequiredService<LakehouseSecrets>()));
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<ILoggerProvider>(sp => new SerilogLoggerProvider(sp.GetRequiredService<Serilog.Core.Logger>(), dispose: true));

        services.AddSingleton(sp => CreateObjectStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp));

        // The flow: sources → bronze → silver → gold, and the run that strings them together.
        services.AddValidatedOptions<PipelineOptions, PipelineOptionsValidator>(configuration.Root, PipelineOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PipelineOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GoldOptions>>().Value);
        // Read by `schedule` alone, but its keys are known to every command.
        services.AddBoundSection<Scheduling.ScheduleOptions>(Scheduling.ScheduleOptions.Section);
        // Read by `serve` alone, likewise.
        services.AddValidatedOptions<ServeOptions, ServeOptionsValidator>(configuration.Root, ServeOptions.Section);
        (sources ?? BuiltInSources.Add)(services, configuration.Root);
        services.AddSingleton(sp => new SourceCatalog(sp.GetServices<SourceSql>()));
        services.AddSingleton(sp => sp.GetRequiredService<SourceCatalog>().Silver);
        services.AddSingleton<BronzeVerifier>();
        services.AddSingleton<BronzeLander>();
        services.AddSingleton<SilverTransform>();
        services.AddSingleton(sp => sp.GetRequiredService<SourceCatalog>().Contracts);
        services.AddSingleton<SilverStage>();
        services.AddSingleton<StarSchemaBuilder>();
        services.AddSingleton<GoldPublisher>();
        services.AddSingleton<GoldRestorer>();
        services.AddSingleton<GoldStage>();
        services.AddValidatedOptions<LeaseOptions, LeaseOptionsValidator>(configuration.Root, LeaseOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<LeaseOptions>>().Value);
        services.AddSingleton<LakeLeases>();
        services.AddSingleton<LakehousePipeline>();
        services.AddSingleton<Backfill>();
        services.AddSingleton<LakeStatus>();

        // Metrics, and the settings of the alerts that `schedule` raises.
        services.AddPipelineMonitoring(configuration.Root);

        return services;
    }

    /// <summary>
    /// Binds and validates every option now, turning the first problem into a <see cref="ConfigurationException"/>
    /// whose message names the key, then checks that the registered sources fit together (<see cref="SourceCatalog"/>):
    /// the CLI calls it before any work starts.
    /// </summary>
    /// <param name="provider">The built composition root.</param>
    /// <param name="sources">
    /// Whether to build the sources and check their datasets and SQL too: every command that runs them does; <c>query</c>,
    /// which reads gold alone, skips the cost of building their clients.
    /// </param>
    public static void ValidateLakehouseOptions(this IServiceProvider provider, bool sources = true)
    {
        var configuration = provider.GetRequiredService<LakehouseConfiguration>();
        var unknown = configuration.UnknownKeys(new ConfigurationSchema(provider.GetServices<BoundSection>()));
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, unknown));
        }

        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            if (sources)
            {
                provider.GetRequiredService<SourceCatalog>();
                SourceCatalog.CheckDatasets(provider.GetServices<ISource>());
            }
        }
        catch (OptionsValidationException ex)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, ex.Failures), ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException or InvalidOperationException))
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, ex.InnerExceptions.Select(Explain)), ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException(Explain(ex), ex);
        }
    }

    /// <summary>The lake's store: the seam between the embedded folder and an S3-protocol bucket.</summary>
    private static IObjectStore CreateObjectStore(StorageOptions options, IServiceProvider services)
    {
        if (options.Kind == StorageKind.FileSystem)
        {
            return new FileSystemObjectStore(Path.GetFullPath(options.Root));
        }

        return new S3ObjectStore(options.S3, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<S3ObjectStore>>());
    }

    private static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddLakehouseOptions<TOptions>(configuration.GetSection(section));
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }

    /// <summary>The binder says "Failed to convert configuration value at 'X' to type 'Y'": add how to fix it.</summary>
    private static string Explain(Exception ex) => ex switch
    {
        OptionsValidationException validation => string.Join(Environment.NewLine, validation.Failures),
        InvalidOperationException { InnerException: { } inner } when ex.Message.StartsWith("Failed to convert", StringComparison.Ordinal) =>
            ConfigurationKey.WithEnvironmentVariable($"{ex.Message} {inner.Message} Fix the value in config/lakehouse.json, --config FILE or the environment."),
        _ => ex.Message,
    };
}
