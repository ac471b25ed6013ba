using Lakehouse.Sources.Http;
using Lakehouse.Configuration;
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
        services.AddLakehouseOptions<SpaceXOptions>(section);
        services.AddSingleton<IValidateOptions<SpaceXOptions>>(new RangeValidator<SpaceXOptions>(o => new OptionRanges(SpaceXOptions.Section)
            .Check(nameof(o.PageSize), o.PageSize, 1, 10_000)
            .Check(nameof(o.FullRefreshInterval), o.FullRefreshInterval, TimeSpan.Zero, TimeSpan.FromDays(366))
            .Check(nameof(o.LaunchOverlap), o.LaunchOverlap, TimeSpan.Zero, TimeSpan.FromDays(3660))));
        return services.AddSource(SpaceXSource.Sql, sp => new SpaceXSource(
            sp.GetRequiredService<ISpaceXApi>(),
            sp.GetRequiredService<IOptions<SpaceXOptions>>().Value));
    }
}
