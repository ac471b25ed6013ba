using Lakehouse.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.SpaceX;

internal static class SpaceXServiceCollectionExtensions
{
    /// <summary>
    /// The SpaceX source: its Refit client (<see cref="ISpaceXApi"/>) and its settings, both under
    /// <c>Lakehouse:Sources:SpaceX</c>, and its silver and gold SQL (this folder's <c>Silver/</c> and <c>Gold/</c>).
    /// </summary>
    public static IServiceCollection AddSpaceX(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SpaceXOptions.Section);
        // The public API is the natural default, so a lake configured only by environment variables still runs.
        services.AddSourceApi<ISpaceXApi>(SpaceXSource.SourceName, section).PostConfigure(o => o.BaseUrl ??= SpaceXSource.PublicApi);
        services.AddOptions<SpaceXOptions>().Bind(section).Validate(
            o => o.PageSize is >= 1 and <= 10_000 && o.FullRefreshInterval >= TimeSpan.Zero && o.LaunchOverlap >= TimeSpan.Zero,
            $"{SpaceXOptions.Section}:PageSize must be between 1 and 10000, and {SpaceXOptions.Section}:FullRefreshInterval and {SpaceXOptions.Section}:LaunchOverlap must not be negative.").ValidateOnStart();
        return services.AddSource(SpaceXSource.Sql, sp => new SpaceXSource(
            sp.GetRequiredService<ISpaceXApi>(),
            sp.GetRequiredService<IOptions<SpaceXOptions>>().Value));
    }
}
