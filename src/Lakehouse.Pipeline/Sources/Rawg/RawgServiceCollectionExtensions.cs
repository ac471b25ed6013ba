using Lakehouse.Configuration;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.Rawg;

internal static class RawgServiceCollectionExtensions
{
    /// <summary>
    /// The RAWG source: its Refit client (<see cref="IRawgApi"/>) (with the free plan's 20,000 requests a month as the quota unless configured)
    /// and its settings, both under <c>Lakehouse:Sources:Rawg</c>; the key comes from <c>RAWG_API_KEY</c>.
    /// </summary>
    public static IServiceCollection AddRawg(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RawgOptions.Section);
        services.AddSourceSecret(RawgSource.ApiKeyVariable);
        services.AddSourceApi<IRawgApi>(RawgSource.SourceName, section, sp => [sp.GetService<LakehouseSecrets>()?.OfSource(RawgSource.ApiKeyVariable)]).PostConfigure(o =>
        {
            o.BaseUrl ??= RawgSource.PublicApi;
            o.QuotaRequests ??= RawgOptions.FreePlanRequestsPerMonth;
        });
        services.AddLakehouseOptions<RawgOptions>(section);
        services.AddSingleton<IValidateOptions<RawgOptions>>(new RangeValidator<RawgOptions>(o => new OptionRanges(RawgOptions.Section)
            .Check(nameof(o.PageSize), o.PageSize, 1, 40, "RAWG serves at most 40 a page")
            .Check(nameof(o.StartYear), o.StartYear, 1950, 2100, "a release year")
            .Check(nameof(o.OverlapDays), o.OverlapDays, 0, 31)
            .Check(nameof(o.CatalogueRefreshInterval), o.CatalogueRefreshInterval, TimeSpan.Zero, TimeSpan.FromDays(366), "e.g. 7.00:00:00")));
        return services.AddSource(RawgSource.Sql, sp => new RawgSource(
            sp.GetRequiredService<IRawgApi>(),
            sp.GetRequiredService<IOptions<RawgOptions>>().Value,
            sp.GetService<LakehouseSecrets>()?.OfSource(RawgSource.ApiKeyVariable),
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RawgSource>>()));
    }
}
