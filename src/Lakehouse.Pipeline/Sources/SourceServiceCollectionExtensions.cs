using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Sources;

internal static class SourceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a source with the pipeline: its SQL (silver scripts and gold models, gathered at start-up into the
    /// <see cref="SourceCatalog"/>) and the source itself, which land, run, backfill and status find among the
    /// <see cref="ISource"/> services. Its client and options are the source's own registration's business
    /// (<see cref="Http.SourceApiServiceCollectionExtensions.AddSourceApi{TApi}"/> for a polite Refit client).
    /// </summary>
    /// <param name="services">The composition root's services.</param>
    /// <param name="sql">The source's SQL, usually <see cref="SourceSql.Beside{TSource}"/>.</param>
    /// <param name="create">Makes the source from the services.</param>
    public static IServiceCollection AddSource<TSource>(this IServiceCollection services, SourceSql sql, Func<IServiceProvider, TSource> create)
        where TSource : class, ISource
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(create);
        services.AddSingleton(sql);
        services.AddSingleton(create);
        services.AddSingleton<ISource>(provider => provider.GetRequiredService<TSource>());
        return services;
    }

    /// <summary>
    /// Declares an environment variable that holds one of the source's secrets (<c>NASA_API_KEY</c>): its value is
    /// read from the environment or the .env file only (never from a JSON file), is redacted wherever the pipeline
    /// logs, and reaches the source through <see cref="Configuration.LakehouseSecrets.OfSource"/>.
    /// </summary>
    public static IServiceCollection AddSourceSecret(this IServiceCollection services, string variable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        return services.AddSingleton(new SourceSecret(variable));
    }
}

/// <summary>An environment variable a source declared as a secret (<see cref="SourceServiceCollectionExtensions.AddSourceSecret"/>).</summary>
/// <param name="Variable">E.g. <c>NASA_API_KEY</c>.</param>
internal sealed record SourceSecret(string Variable);
