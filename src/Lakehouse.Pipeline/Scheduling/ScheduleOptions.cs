using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Sources;
using Npgsql;
using Quartz;

namespace Lakehouse.Scheduling;

/// <summary>What <c>lakehouse schedule</c> runs and when. Bound from <c>Lakehouse:Scheduling</c>.</summary>
/// <remarks>
/// Validated by the <c>schedule</c> command only (<see cref="Validate"/>), not at every command's start: a typo in a
/// cron expression must not stop <c>lakehouse query</c>.
/// </remarks>
internal sealed class ScheduleOptions
{
    public const string Section = "Lakehouse:Scheduling";

    /// <summary>The word that turns a dataset's entry off (it is then not scheduled, known or not).</summary>
    public const string Off = "off";

    /// <summary>
    /// Per dataset (<c>spacex.launches</c>), a Quartz cron expression in UTC (seconds first:
    /// <c>0 0 */6 * * ?</c> is every six hours), or <c>off</c>.
    /// </summary>
    public Dictionary<string, string> Jobs { get; set; } = new(StringComparer.Ordinal);

    /// <summary><see cref="ScheduleStore.Memory"/> (one node) or <see cref="ScheduleStore.Postgres"/> (a cluster).</summary>
    public ScheduleStore Store { get; set; } = ScheduleStore.Memory;

    /// <summary>
    /// The PostgreSQL connection string for <see cref="ScheduleStore.Postgres"/>. It may hold a password, so give it
    /// through the environment (<c>Lakehouse__Scheduling__ConnectionString</c>), never in a committed file; it is
    /// never logged.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long running jobs get to finish after SIGTERM or Ctrl-C before they are cancelled.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many datasets may run at once in this process.</summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    /// <summary>
    /// How late a fire may start before it counts as missed (the process was down); a missed fire runs once, at
    /// once, however many were missed.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a cluster node records that it is alive.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a missed check-in the other nodes take over a node's fires.</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the scheduler sleeps when nothing is due before looking at the store again.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait before retrying when PostgreSQL is unreachable while running.</summary>
    public TimeSpan DatabaseRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This node's name (in the cluster, and in run records); empty means <c>{host}-{pid}</c>.</summary>
    public string NodeId { get; set; } = "";

    /// <summary>
    /// The entries that are on, checked: every cron parses, every dataset is one a registered source has. Throws a
    /// <see cref="ConfigurationException"/> naming each key that is wrong.
    /// </summary>
    /// <param name="sources">The registered sources, whose datasets may be scheduled.</param>
    /// <param name="now">The time a cron must fire after at least once.</param>
    public IReadOnlyList<ScheduledDataset> Validate(IEnumerable<ISource> sources, DateTimeOffset now)
    {
        var known = sources.SelectMany(s => s.Datasets).Select(d => d.Name.ToString()).ToList();
        var problems = new List<string>();
        var scheduled = new List<ScheduledDataset>();
        var unknown = new List<string>();
        foreach (var (dataset, cron) in Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            var key = $"{Section}:Jobs:{dataset}";
            if (string.Equals(cron.Trim(), Off, StringComparison.OrdinalIgnoreCase) || cron.Trim().Length == 0)
            {
                continue;
            }

            if (!known.Contains(dataset, StringComparer.Ordinal))
            {
                unknown.Add(dataset);
                continue;
            }

            try
            {
                var expression = CronExpression.Parse(cron.Trim()).WithTimeZone(TimeZoneInfo.Utc);
                if (expression.GetNextValidTimeAfter(now) is null)
                {
                    problems.Add($"{ConfigurationKey.Describe(key)}: '{cron}' never fires (no date matches it, like 30 February). " +
                                 "Give a cron that fires, e.g. '0 0 8 * * ?' daily at 08:00 UTC, or \"off\".");
                    continue;
                }

                scheduled.Add(new ScheduledDataset(DatasetName.Parse(dataset), cron.Trim(), expression));
            }
            catch (FormatException e)
            {
                problems.Add($"{ConfigurationKey.Describe(key)}: '{cron}' is not a valid cron expression ({e.Message}). " +
                             "Quartz cron has six or seven fields, seconds first: '0 0 */6 * * ?' is every six hours, '0 0 8 * * ?' daily at 08:00 UTC.");
            }
        }

        if (unknown.Count > 0)
        {
            problems.Insert(0,
                $"{Section}:Jobs schedules {(unknown.Count == 1 ? "a dataset" : "datasets")} that no source has: " +
                $"{string.Join(", ", unknown.Select(u => $"{u} (did you mean {ConfigurationSchema.Nearest(u, known)}?)"))}. " +
                $"Known datasets: {string.Join(", ", known)}. Fix the name, or set the entry to \"{Off}\" " +
                $"(e.g. {ConfigurationKey.EnvironmentVariable($"{Section}:Jobs:{unknown[0]}")}={Off}, or in a --config file).");
        }

        if (Store == ScheduleStore.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"{ConfigurationKey.Describe($"{Section}:ConnectionString")} is empty, but {Section}:Store is Postgres: give a connection string such as Host=db;Database=lakehouse;Username=lakehouse;Password=... through the environment.");
        }
        else if (Store == ScheduleStore.Postgres)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException e)
            {
                // The builder's message quotes the bad keyword, never the value: safe to show.
                problems.Add($"{ConfigurationKey.Describe($"{Section}:ConnectionString")} is not a PostgreSQL connection string: {e.Message}");
            }
        }

        var day = TimeSpan.FromDays(1);
        var ranges = new OptionRanges(Section)
            .Check(nameof(ShutdownGracePeriod), ShutdownGracePeriod, OptionRanges.Positive, day)
            .Check(nameof(MisfireThreshold), MisfireThreshold, OptionRanges.Positive, day)
            .Check(nameof(ClusterCheckinInterval), ClusterCheckinInterval, OptionRanges.Positive, day)
            .Check(nameof(ClusterCheckinMisfireThreshold), ClusterCheckinMisfireThreshold, OptionRanges.Positive, day)
            .Check(nameof(DatabaseRetryInterval), DatabaseRetryInterval, OptionRanges.Positive, day)
            .Check(nameof(IdleWaitTime), IdleWaitTime, TimeSpan.FromSeconds(1), day, "Quartz's minimum is a second")
            .Check(nameof(MaxConcurrentRuns), MaxConcurrentRuns, 1, 64);
        problems.AddRange(ranges.Problems.Select(ConfigurationKey.WithEnvironmentVariable));

        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, problems));
        }

        return scheduled;
    }

    /// <summary>The connection string without its password, for messages.</summary>
    public string DescribeDatabase()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (connection string not readable)";
        }
    }
}

internal enum ScheduleStore
{
    /// <summary>In memory: one scheduler process per lake (a lease on the lake makes sure of it).</summary>
    Memory,

    /// <summary>Quartz's clustered ADO job store on PostgreSQL: any number of nodes share one schedule.</summary>
    Postgres,
}

/// <summary>A dataset and its cron schedule (UTC).</summary>
internal sealed record ScheduledDataset(DatasetName Dataset, string Cron, CronExpression Expression)
{
    /// <summary>The next <paramref name="count"/> fire times after <paramref name="after"/>.</summary>
    public IReadOnlyList<DateTimeOffset> NextFires(DateTimeOffset after, int count)
    {
        var fires = new List<DateTimeOffset>(count);
        var at = after;
        while (fires.Count < count && Expression.GetNextValidTimeAfter(at) is { } next)
        {
            fires.Add(next);
            at = next;
        }

        return fires;
    }

    /// <summary>The usual gap between fires (the smallest of the next few), for freshness.</summary>
    public TimeSpan Interval(DateTimeOffset now)
    {
        var fires = NextFires(now, 6);
        return fires.Count < 2 ? TimeSpan.MaxValue : fires.Zip(fires.Skip(1), (a, b) => b - a).Min();
    }
}
