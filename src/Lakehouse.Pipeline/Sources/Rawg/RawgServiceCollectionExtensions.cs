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
        services.AddSingleton<IValidateOptions<RawgOptions>, RawgOptionsValidator>();
        return services.AddSource(RawgSource.Sql, sp => new RawgSource(
            sp.GetRequiredService<IRawgApi>(),
            sp.GetRequiredService<IOptions<RawgOptions>>().Value,
            sp.GetService<LakehouseSecrets>()?.OfSource(RawgSource.ApiKeyVariable),
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RawgSource>>()));
    }
}

/// <summary>Reports every problem with the RAWG settings at start-up, each naming its key.</summary>
internal sealed class RawgOptionsValidator : IValidateOptions<RawgOptions>
{
    public ValidateOptionsResult Validate(string? name, RawgOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(ConfigurationKey.WithEnvironmentVariable));
    }
}
