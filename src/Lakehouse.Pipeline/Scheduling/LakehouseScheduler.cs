using System.Diagnostics;
using Lakehouse.Alerts;
using Lakehouse.Lake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Lakehouse.Scheduling;

/// <summary>
/// <c>lakehouse schedule</c>: Quartz with one cron trigger per scheduled dataset, until SIGTERM or Ctrl-C. In memory
/// it holds the lake's scheduler lease, so a second scheduler on the same lake refuses to start; on PostgreSQL the
/// nodes share Quartz's clustered store instead, and each fire runs on one of them.
/// </summary>
internal sealed partial class LakehouseScheduler(
    IServiceProvider services,
    ScheduleOptions options,
    ScheduleShutdown shutdown,
    LakeLeases leases,
    ILogger<LakehouseScheduler> logger)
{
    /// <summary>The lease that keeps a lake to one non-clustered scheduler.</summary>
    public const string SchedulerLease = "_scheduler";

    /// <summary>Runs the schedule until <paramref name="stopping"/> is cancelled, then shuts down within the grace period.</summary>
    /// <exception cref="ScheduleRefusedException">Another scheduler holds the lake, or PostgreSQL is unreachable.</exception>
    public async Task RunAsync(IReadOnlyList<ScheduledDataset> plan, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await using var lease = await TakeLakeAsync(stopping);
        if (options.Store == ScheduleStore.Postgres)
        {
            await CheckDatabaseAsync(stopping);
        }

        // A scheduler whose lease on the lake was lost (it stalled, and another one took over) stops firing.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease?.Lost ?? CancellationToken.None);
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(stopping);

        // Listening before the first fire, so that every run's outcome is seen.
        var alerts = services.GetRequiredService<AlertMonitor>();
        await ScheduleAsync(scheduler, plan, stopping);
        await scheduler.Start(stopping);
        LogStarted(plan.Count, options.Store == ScheduleStore.Postgres ? $"clustered on {options.DescribeDatabase()}" : "in memory", scheduler.SchedulerInstanceId);
        var watching = alerts.WatchAsync(plan, running.Token);

        try
        {
            if (options.Store == ScheduleStore.Postgres)
            {
                await WatchDatabaseAsync(running.Token);
            }
            else
            {
                await Task.Delay(Timeout.Infinite, running.Token);
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            // SIGTERM or Ctrl-C: the normal way out (or the lease was lost: below).
        }

        await StopAsync(scheduler);
        await watching;
        if (lease is { IsLost: true } && !stopping.IsCancellationRequested)
        {
            throw lease.LostException();
        }
    }

    /// <summary>Adds or updates each dataset's job and trigger; removes those whose entry was turned off.</summary>
    private async Task ScheduleAsync(IScheduler scheduler, IReadOnlyList<ScheduledDataset> plan, CancellationToken ct)
    {
        var wanted = plan.Select(p => p.Dataset.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var off in options.Jobs.Keys.Where(k => !wanted.Contains(k)))
        {
            // Turned off since the last start: a clustered store still holds its trigger.
            await scheduler.DeleteJob(new JobKey(off, DatasetRunJob.Group), ct);
        }

        foreach (var entry in plan)
        {
            var name = entry.Dataset.ToString();
            var triggerKey = new TriggerKey(name, DatasetRunJob.Group);

            var job = JobBuilder.Create<DatasetRunJob>().WithIdentity(name, DatasetRunJob.Group)
                .WithDescription($"lakehouse run --dataset {name}").Build();
            var trigger = TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(job)
                .WithCronSchedule(entry.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .WithMisfireThreshold(TimeSpan.FromMilliseconds(Math.Round(options.MisfireThreshold.TotalMilliseconds)))
                .Build();

            // In a cluster the trigger is shared, and never replaced when it is unchanged: a replacement starts its
            // fire times anew and would fire again a slot another node has already run.
            if (await scheduler.GetTrigger(triggerKey, ct) is ICronTrigger existing)
            {
                if (existing.CronExpressionString != entry.Cron)
                {
                    await scheduler.RescheduleJob(triggerKey, trigger, ct);
                }

                continue;
            }

            try
            {
                await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = false }, ct);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another node scheduled it at the same moment: the outcome asked for, and its trigger stays.
            }
        }
    }

    /// <summary>No new fires; running jobs get the grace period, then are cancelled and end their records as interrupted.</summary>
    private async Task StopAsync(IScheduler scheduler)
    {
        await scheduler.Standby(CancellationToken.None);
        if (shutdown.Running > 0)
        {
            LogDraining(shutdown.Running, options.ShutdownGracePeriod.TotalSeconds);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < options.ShutdownGracePeriod && shutdown.Running > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            if (shutdown.Running > 0)
            {
                LogCancelling(options.ShutdownGracePeriod.TotalSeconds);
                shutdown.Stop();
            }
        }

        await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None);
        LogStopped();
    }

    private async Task<LakeLease?> TakeLakeAsync(CancellationToken ct)
    {
        if (options.Store != ScheduleStore.Memory)
        {
            // A clustered node must not join a lake that a stand-alone scheduler already drives: both would fire.
            if (await leases.ReadHolderAsync(SchedulerLease, ct) is { } standalone)
            {
                throw new ScheduleRefusedException(
                    $"A scheduler without clustering already runs on this lake: {standalone.Holder}. Stop it, or start it " +
                    $"with {ScheduleOptions.Section}:Store=Postgres too, so that it joins this cluster.");
            }

            return null;
        }

        try
        {
            return await leases.AcquireAsync(SchedulerLease, "lakehouse schedule", TimeSpan.Zero, ct);
        }
        catch (LakeLeaseHeldException e)
        {
            throw new ScheduleRefusedException(
                $"Another scheduler already runs on this lake: {e.Holder.Holder}, since {e.Holder.AcquiredAt:yyyy-MM-dd HH:mm:ss} UTC. " +
                $"Without clustering one scheduler per lake: stop that one, or let several share one schedule with " +
                $"{ScheduleOptions.Section}:Store=Postgres and a connection string. (A scheduler that was killed frees the lake " +
                $"when its lease runs out, at {e.Holder.ExpiresAt:HH:mm:ss} UTC.)", e);
        }
    }

    private async Task CheckDatabaseAsync(CancellationToken ct)
    {
        try
        {
            await PingAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new ScheduleRefusedException(
                $"{options.DescribeDatabase()} is not reachable, so the clustered schedule cannot start: {e.Message} " +
                $"Check that PostgreSQL runs and {ScheduleOptions.Section}:ConnectionString points at it.", e);
        }
    }

    /// <summary>Quartz retries a lost database by itself; this says so in the log, once per outage and once when it is back.</summary>
    private async Task WatchDatabaseAsync(CancellationToken ct)
    {
        var down = false;
        var database = options.DescribeDatabase();
        using var timer = new PeriodicTimer(options.DatabaseRetryInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await PingAsync(ct);
                if (down)
                {
                    LogDatabaseBack(database);
                    down = false;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                if (!down)
                {
                    LogDatabaseDown(database, e.Message, options.DatabaseRetryInterval.TotalSeconds);
                    down = true;
                }
            }
        }
    }

    private async Task PingAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Timeout = 5, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler {Node} started ({Store}): {Jobs} dataset jobs")]
    private partial void LogStarted(int jobs, string store, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Running} running jobs get up to {GraceSeconds} s to finish")]
    private partial void LogDraining(int running, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grace period of {GraceSeconds} s over: cancelling the running jobs")]
    private partial void LogCancelling(double graceSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler stopped")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Error, Message = "{Database} is unreachable ({Reason}): no fires until it is back; retrying every {RetrySeconds} s")]
    private partial void LogDatabaseDown(string database, string reason, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database} is reachable again: the schedule resumes")]
    private partial void LogDatabaseBack(string database);
}

/// <summary>The scheduler cannot start here (another one holds the lake, PostgreSQL is down): exit code 2.</summary>
internal sealed class ScheduleRefusedException(string message, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.Schedule;

    public override bool IsUsageError => true;
}
