using Lakehouse.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Lakehouse.Scheduling;

/// <summary>Quartz and the scheduled jobs, added by <c>lakehouse schedule</c> only (other commands never start it).</summary>
internal static class SchedulingServiceCollectionExtensions
{
    public static IServiceCollection AddLakehouseScheduling(this IServiceCollection services, LakehouseConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        services.AddSingleton<ScheduleShutdown>();
        services.AddSingleton<LakehouseScheduler>();
        services.AddTransient<DatasetRunJob>();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "lakehouse";
                // Unique per process on any machine (a container's host name is its id); run records name it as the node.
                scheduler.InstanceId = string.IsNullOrWhiteSpace(options.NodeId)
                    ? $"{Environment.MachineName}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                    : options.NodeId;
                scheduler.IdleWaitTime = options.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(options.MaxConcurrentRuns);
            if (options.Store == ScheduleStore.Memory)
            {
                quartz.UseInMemoryStore(store => store.MisfireThreshold = options.MisfireThreshold);
                return;
            }

            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(options.ConnectionString);
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = options.ClusterCheckinInterval;
                    cluster.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold;
                });

                // Quartz ships the PostgreSQL DDL (tables_postgres.sql) inside Quartz.dll and creates what is missing
                // at start, under its own lock, so several nodes starting on an empty database do not race.
                store.ProvisionSchema();
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(ado =>
                {
                    ado.MisfireThreshold = options.MisfireThreshold;
                    ado.DbRetryInterval = options.DatabaseRetryInterval;
                });
            });
        });
        return services;
    }

    /// <summary>Binds <c>Lakehouse:Scheduling</c>; conversion errors become configuration errors that name the key.</summary>
    public static ScheduleOptions ReadOptions(LakehouseConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.Root.GetSection(ScheduleOptions.Section).Get<ScheduleOptions>() ?? new ScheduleOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(ConfigurationKey.WithEnvironmentVariable($"{e.Message} {e.InnerException?.Message}"), e);
        }
    }
}
