using Lakehouse.Lake;
using Lakehouse.Runs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Lakehouse.Scheduling;

/// <summary>
/// One dataset's scheduled run: the same <see cref="LakehousePipeline.RunAsync"/> as <c>lakehouse run -d</c>. Quartz
/// never starts it twice at once for one dataset (across a cluster too), and a failure is logged and left to the next
/// fire: nothing it throws reaches the scheduler.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class DatasetRunJob(
    LakehousePipeline pipeline, ScheduleShutdown shutdown, ScheduleOptions options, TimeProvider time, ILogger<DatasetRunJob> logger) : IJob
{
    /// <summary>The group every dataset job and trigger lives in, apart from anything else sharing the database.</summary>
    public const string Group = "lakehouse";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dataset = context.JobDetail.Key.Name;
        var fire = new ScheduledFire(context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.Scheduler.SchedulerInstanceId);
        var late = time.GetUtcNow() - fire.ScheduledFor;
        if (late > options.MisfireThreshold)
        {
            // A misfire (the node was down or busy): one catch-up run, however many fires were missed.
            LogCatchingUp(dataset, fire.ScheduledFor, late.TotalSeconds);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.HardStop);
        using var running = shutdown.Track();
        try
        {
            var request = new RunRequest("schedule", new HashSet<string>(), new HashSet<DatasetName> { DatasetName.Parse(dataset) }) { Fire = fire };
            var record = await pipeline.RunAsync(request, stop.Token);
            if (record.Status == RunStatus.Succeeded)
            {
                LogSucceeded(dataset, record.RunId, record.DurationMs);
            }
            else
            {
                var reason = string.Join("; ", record.Datasets.Select(d => d.Message).Where(m => m is not null).Append(record.GoldError).OfType<string>());
                LogFailed(dataset, record.RunId, record.Status, reason);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            LogInterrupted(dataset);
        }
        catch (LakeLeaseLostException e)
        {
            LogLeaseLost(dataset, e.Message);
        }
        catch (LakehouseException e) when (e.IsTransient)
        {
            // Another run holds the dataset, a server is down: the next fire tries again, nothing to retry now.
            LogBusy(dataset, e.Message);
        }
#pragma warning disable CA1031 // A failure of one run must never stop the scheduler; the next fire tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCrashed(e, dataset, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled run {RunId} of {Dataset} succeeded in {DurationMs} ms")]
    private partial void LogSucceeded(string dataset, string runId, long durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled run {RunId} of {Dataset} ended {Status}: {Reason}. The next fire tries again")]
    private partial void LogFailed(string dataset, string runId, RunStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled run of {Dataset} skipped: {Reason}")]
    private partial void LogBusy(string dataset, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled run of {Dataset} failed before it could record itself: {Reason}. The next fire tries again")]
    private partial void LogCrashed(Exception e, string dataset, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled run of {Dataset} interrupted: {Reason}. The next fire tries again")]
    private partial void LogLeaseLost(string dataset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled run of {Dataset} interrupted by shutdown after the grace period")]
    private partial void LogInterrupted(string dataset);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Dataset}: catching up on the fire due at {ScheduledFor} ({LateSeconds:0} s late), once")]
    private partial void LogCatchingUp(string dataset, DateTimeOffset scheduledFor, double lateSeconds);
}

/// <summary>Cancelled when the shutdown grace period is over: running jobs stop then (the lake stays consistent).</summary>
internal sealed class ScheduleShutdown : IDisposable
{
    private readonly CancellationTokenSource hardStop = new();
    private int running;

    public CancellationToken HardStop => hardStop.Token;

    /// <summary>How many jobs are running in this process now.</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>Counts a running job until disposed.</summary>
    public IDisposable Track()
    {
        Interlocked.Increment(ref running);
        return new Tracked(this);
    }

    public void Stop() => hardStop.Cancel();

    public void Dispose() => hardStop.Dispose();

    private sealed class Tracked(ScheduleShutdown owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner.running);
            }
        }
    }
}
