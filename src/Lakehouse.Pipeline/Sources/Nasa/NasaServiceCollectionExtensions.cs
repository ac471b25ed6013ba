using Lakehouse.Configuration;
using Lakehouse.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.Nasa;

internal static class NasaServiceCollectionExtensions
{
    /// <summary>
    /// The NASA source: its Refit client (<see cref="INasaApi"/>) and settings under <c>Lakehouse:Sources:Nasa</c>. Where the configuration
    /// sets no limits, the gateway's own apply: with a key 1,000 requests an hour; with <c>DEMO_KEY</c> 30 an hour
    /// and 50 a day.
    /// </summary>
    public static IServiceCollection AddNasa(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(NasaOptions.Section);
        services.AddSourceSecret(NasaSource.ApiKeyVariable);
        services.AddSourceApi<INasaApi>(NasaSource.SourceName, section, sp => [sp.GetRequiredService<LakehouseSecrets>().OfSource(NasaSource.ApiKeyVariable) ?? NasaSource.DemoKey])
            .PostConfigure<LakehouseSecrets>((o, secrets) => ApplyGatewayLimits(o, section, demoKey: secrets.OfSource(NasaSource.ApiKeyVariable) is null));
        services.AddLakehouseOptions<NasaOptions>(section);
        services.AddSingleton<IValidateOptions<NasaOptions>>(new RangeValidator<NasaOptions>(o => new OptionRanges(NasaOptions.Section)
            .Check(nameof(o.InitialDays), o.InitialDays, 0, 36_600)));
        return services.AddSource(NasaSource.Sql, sp => new NasaSource(
            sp.GetRequiredService<INasaApi>(),
            sp.GetRequiredService<IOptions<NasaOptions>>().Value,
            sp.GetRequiredService<LakehouseSecrets>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<NasaSource>>(),
            warnAboutDemoKey: sp.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>().Get(NasaSource.SourceName).BaseUrl?.Host == NasaSource.PublicApi.Host));
    }

    /// <summary>Fills in what the section leaves unset (a configured value always wins).</summary>
    internal static void ApplyGatewayLimits(SourceHttpOptions options, IConfiguration section, bool demoKey)
    {
        // The public gateway is the natural default, so a lake configured only by environment variables still runs.
        options.BaseUrl ??= NasaSource.PublicApi;
        if (section[nameof(SourceHttpOptions.RequestsPerSecond)] is null)
        {
            options.RequestsPerSecond = (demoKey ? 30 : 1000) / 3600.0;
        }

        if (section[nameof(SourceHttpOptions.Burst)] is null)
        {
            // DEMO_KEY's hourly 30 may go at once; a key's 1,000 an hour is smoothed, with a little room for bursts.
            options.Burst = demoKey ? 30 : 10;
        }

        if (demoKey && section[nameof(SourceHttpOptions.QuotaRequests)] is null)
        {
            options.QuotaRequests = 50;
            if (section[nameof(SourceHttpOptions.QuotaPeriod)] is null)
            {
                options.QuotaPeriod = QuotaPeriod.Day;
            }
        }
    }
}
