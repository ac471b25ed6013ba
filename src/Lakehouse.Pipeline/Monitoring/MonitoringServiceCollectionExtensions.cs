using Lakehouse.Alerts;
using Lakehouse.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lakehouse.Monitoring;

internal static class MonitoringServiceCollectionExtensions
{
    /// <summary>
    /// The pipeline's telemetry (the "Lakehouse" meter and its events) and the alerts' settings, for every command; the
    /// alerts themselves (<see cref="AlertMonitor"/>, <see cref="AlertWebhook"/>) are built only by the scheduler,
    /// which asks for them.
    /// </summary>
    public static IServiceCollection AddPipelineMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.AddSingleton<DatasetAges>();
        services.TryAddSingleton<PipelineTelemetry>();
        services.AddLakehouseOptions<AlertOptions>(configuration.GetSection(AlertOptions.Section));
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AlertOptions>>().Value);
        services.AddSingleton<AlertWebhook>();
        services.AddSingleton<AlertMonitor>();
        return services;
    }
}
