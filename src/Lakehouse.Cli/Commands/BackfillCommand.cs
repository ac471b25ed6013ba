using System.CommandLine;
using System.Globalization;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse backfill</c>: land a date range partition by partition, then transform and model it.</summary>
internal static class BackfillCommand
{
    private const string DateFormat = "yyyy-MM-dd";

    public static Command Create(CliConsole console)
    {
        var source = new Option<string>("--source", "-s")
        {
            Description = $"The source to backfill ({string.Join(", ", BuiltInSources.Names)}).",
            HelpName = "SOURCE",
            Required = true,
        };
        var datasets = new Option<string[]>("--dataset", "-d")
        {
            Description = "Only this dataset (neo_feed or nasa.neo_feed); repeat for several. Default: every dataset of the source.",
            HelpName = "DATASET",
        };
        var from = new Option<string?>("--from")
        {
            Description = "The first day, YYYY-MM-DD (UTC). Required for datasets partitioned by date.",
            HelpName = "DATE",
        };
        var to = new Option<string?>("--to")
        {
            Description = "The last day, YYYY-MM-DD (UTC), at most today. Required for datasets partitioned by date.",
            HelpName = "DATE",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Print the partitions, the number of requests and how long the rate limit makes them take; fetch nothing.",
        };
        var force = new Option<bool>("--force")
        {
            Description = "Land partitions again even when they were already landed, and go past the source's quota.",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Partitions fetched at once; the source's rate limit still spaces the requests.",
            DefaultValueFactory = _ => 4,
            HelpName = "N",
        };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--concurrency must be between 1 and 64.");
            }
        });
        var format = RunCommand.SummaryFormatOption();
        var command = new Command(
            "backfill",
            "Land a range of history: plans the datasets' partitions (NeoWs: weeks; APOD, DONKI, RAWG games: months; others: the whole dataset), skips what was already landed, lands the rest inside the rate limit, then transforms and models. Killed half-way, the same command continues where it stopped.")
        {
            source, datasets, from, to, dryRun, force, concurrency, format,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var sourceName = parseResult.GetValue(source)!;
            var names = RunCommand.Request("backfill", [sourceName], parseResult.GetValue(datasets) ?? []).Datasets;
            var request = new BackfillRequest(
                sourceName, names, ParseDate("--from", parseResult.GetValue(from)), ParseDate("--to", parseResult.GetValue(to)), parseResult.GetValue(force));

            using var services = CommandServices.Build(parseResult);
            var backfill = services.GetRequiredService<Backfill>();
            var plan = await backfill.PlanAsync(request, ct);
            var workers = parseResult.GetValue(concurrency);
            await WritePlanAsync(plan, workers, verbose: parseResult.GetValue(dryRun), console, ct);
            if (parseResult.GetValue(dryRun))
            {
                return ExitCodes.Success;
            }

            if (plan.Partitions == 0)
            {
                await console.Error.WriteLineAsync("Nothing to land: every partition of the range was landed before (--force lands them again).");
            }

            var progress = new BackfillProgressView(console.Error, interactive: !Console.IsErrorRedirected);
            var run = await backfill.RunAsync(plan, workers, progress, ct);
            progress.Finish();
            await RunSummaryWriter.WriteAsync(run, parseResult.GetValue(format)!, console, ct);
            return RunSummaryWriter.ExitCode(run);
        });
        return command;
    }

    private static DateOnly? ParseDate(string option, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new UsageException($"{option} '{text}' is not a date: expected YYYY-MM-DD, like 2024-01-31.");
    }

    /// <summary>The plan on stderr (stdout stays for the summary), in full with <c>--dry-run</c>.</summary>
    private static async Task WritePlanAsync(BackfillPlan plan, int concurrency, bool verbose, CliConsole console, CancellationToken ct)
    {
        var error = console.Error;
        var range = plan.From is { } start && plan.To is { } end ? $"{Text(start)}..{Text(end)}" : "the whole datasets";
        await error.WriteLineAsync($"Backfill plan for {plan.Source.Name}, {range} (today is {Text(plan.Today)} UTC):");
        foreach (var dataset in plan.Datasets)
        {
            await error.WriteLineAsync(
                $"  {dataset.Dataset.Name}: {dataset.ToLand.Count} partition(s) to land ({SchemeText(dataset.Dataset.Scheme)}), "
                + $"{dataset.AlreadyLanded.Count} already landed and skipped, {(dataset.Dataset.RequestsPerPartition > 1 || dataset.Dataset.Scheme == PartitionScheme.Whole ? "at least " : "")}{dataset.Requests} request(s)");
            if (verbose)
            {
                foreach (var partition in dataset.ToLand)
                {
                    await error.WriteLineAsync($"    {partition.Name}{Window(partition)}");
                }
            }
        }

        var rate = plan.Rate;
        var duration = rate.Duration(plan.Requests, concurrency, TimeSpan.Zero);
        await error.WriteLineAsync(
            $"Requests: {plan.Requests}; at the rate limit ({RateText(rate)}) that takes about {DurationText(duration)}.");
        if (plan.Quota is { Limit: { } limit, Remaining: { } left } quota)
        {
            var period = quota.Period == Sources.Http.QuotaPeriod.Day ? "day" : "month";
            var resets = quota.ResetsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            await error.WriteLineAsync(
                $"Quota: {limit} requests a {period}; {quota.Used} used, {left} left until {resets} UTC; this plan uses at least {plan.Requests}, leaving {Math.Max(0, left - plan.Requests)}.");
            if (plan.Requests > left)
            {
                var later = plan.Requests - left;
                var periods = (int)Math.Ceiling(later / (double)limit);
                await error.WriteLineAsync(
                    $"It does not fit in one {period}: {left} request(s) now, the other {later} after the quota resets ({periods} more {period}(s) at {limit} a {period}). "
                    + "The backfill stops when the quota is spent; run the same command again then and it continues where it stopped.");
            }
        }

        await error.FlushAsync(ct);
    }

    private static string Window(Partition partition) =>
        partition.Start is { } start && partition.End is { } end ? $"  ({Text(start)}..{Text(end)})" : "";

    private static string SchemeText(PartitionScheme scheme) => scheme switch
    {
        PartitionScheme.Week => "weeks, Monday to Sunday",
        PartitionScheme.Month => "calendar months",
        _ => "the whole dataset",
    };

    private static string RateText(RateLimit rate)
    {
        var perHour = rate.RequestsPerSecond * 3600;
        return perHour < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{perHour:0.#} requests/hour, bursts of {rate.Burst}")
            : string.Create(CultureInfo.InvariantCulture, $"{rate.RequestsPerSecond:0.##} requests/s, bursts of {rate.Burst}");
    }

    internal static string DurationText(TimeSpan duration) =>
        duration.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min")
        : duration.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0} s");

    private static string Text(DateOnly day) => day.ToString(DateFormat, CultureInfo.InvariantCulture);
}

/// <summary>
/// A one-line progress bar with the time left on a terminal; a log line every tenth of the work otherwise (the
/// scheduler's logs and CI output are files, where carriage returns make a mess).
/// </summary>
internal sealed class BackfillProgressView(TextWriter error, bool interactive) : IProgress<BackfillProgress>
{
    private const int Width = 30;
    private readonly Lock gate = new();
    private int lastTenth = -1;
    private bool drawn;

    public void Report(BackfillProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            var fraction = value.Total == 0 ? 1 : value.Done / (double)value.Total;
            var remaining = value.Remaining is { } left ? BackfillCommand.DurationText(left) : "?";
            var failed = value.Failed > 0 ? $", {value.Failed} failed" : "";
            if (interactive)
            {
                var filled = (int)Math.Round(fraction * Width);
                error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('-', Width - filled)}] {value.Done}/{value.Total} partitions{failed}, {fraction * 100:0}%, about {remaining} left   "));
                drawn = true;
                return;
            }

            var tenth = (int)(fraction * 10);
            if (tenth != lastTenth || value.Done == value.Total)
            {
                lastTenth = tenth;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backfill: {value.Done}/{value.Total} partitions landed{failed} ({fraction * 100:0}%), about {remaining} left"));
            }
        }
    }

    /// <summary>Ends the bar's line, so that what follows starts on its own.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (drawn)
            {
                error.WriteLine();
            }
        }
    }
}
