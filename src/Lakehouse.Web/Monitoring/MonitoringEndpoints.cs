using System.Text.Json;
using Lakehouse.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>, for <c>lakehouse serve</c> and <c>lakehouse schedule --serve</c>
/// alike: <see cref="AddLakehouseMonitoring"/> on the services (next to the pipeline's), then
/// <see cref="MapLakehouseMonitoring"/> on the app.
/// </summary>
internal static class MonitoringEndpoints
{
    /// <summary>Health checks tagged with it decide <c>/readyz</c>; <c>/healthz</c> runs none.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddLakehouseMonitoring(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<LakeHealthCheck>("lake", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(10))
            .AddCheck<GoldHealthCheck>("gold", HealthStatus.Degraded, [ReadyTag], TimeSpan.FromSeconds(10));
        services.AddSingleton<PrometheusExport>();
        return services;
    }

    /// <summary>
    /// <c>/healthz</c>: 200 while the process serves requests (no check runs: a lake that is down is not a reason to
    /// restart the process). <c>/readyz</c>: 200 when the lake's store answers and gold is readable or not built yet,
    /// 503 otherwise, with each check's words as JSON. <c>/metrics</c>: the "Lakehouse" meter in the Prometheus text
    /// format, with each dataset's age read from the lake just before.
    /// </summary>
    public static IEndpointRouteBuilder MapLakehouseMonitoring(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });

        var export = endpoints.ServiceProvider.GetRequiredService<PrometheusExport>();
        var ages = endpoints.ServiceProvider.GetRequiredService<DatasetAges>();
        var metrics = endpoints.CreateApplicationBuilder()
            .Use(async (context, next) =>
            {
                // The age gauge reports what was last read; read it now (one small object per dataset). A store that
                // is down leaves the last ages in place: /readyz says it is down.
                try
                {
                    await ages.RefreshAsync(context.RequestAborted);
                }
                catch (Exception e) when (e is Storage.ObjectStoreException or Lake.LakeStateException)
                {
                    // Scraped all the same: the other metrics do not depend on the store.
                }

                await next(context);
            })
            .UseMiddleware<MetricServerMiddleware>(new MetricServerMiddleware.Settings { Registry = export.Registry })
            .Build();
        endpoints.Map("/metrics", metrics);
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
