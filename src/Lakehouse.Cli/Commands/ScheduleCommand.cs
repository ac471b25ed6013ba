using System.CommandLine;
using System.Globalization;
using Lakehouse.Scheduling;
using Lakehouse.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse schedule</c>: the pipeline on a cron schedule, one job per dataset, until stopped.</summary>
internal static class ScheduleCommand
{
    private const int FiresListed = 3;

    public static Command Create(CliConsole console)
    {
        var list = new Option<bool>("--list")
        {
            Description = $"Print every dataset's cron expression and its next {FiresListed} fire times (UTC), then exit.",
        };
        var command = new Command(
            "schedule",
            "Run the pipeline on a schedule, one job per dataset on its cron expression (Lakehouse:Scheduling:Jobs, UTC), " +
            "until SIGTERM or Ctrl-C, which lets running jobs finish (exit 0). A missed fire runs once; a failed run waits " +
            "for the next fire. With Lakehouse:Scheduling:Store=Postgres several processes share one schedule.")
        {
            list,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            using var services = CommandServices.Build(parseResult, more: (collection, configuration) => collection.AddLakehouseScheduling(configuration));
            var options = services.GetRequiredService<ScheduleOptions>();
            var sources = services.GetServices<ISource>().ToList();
            var plan = options.Validate(sources, services.GetRequiredService<TimeProvider>().GetUtcNow());
            if (parseResult.GetValue(list))
            {
                await WriteListAsync(plan, sources, services.GetRequiredService<TimeProvider>().GetUtcNow(), console, ct);
                return ExitCodes.Success;
            }

            await services.GetRequiredService<LakehouseScheduler>().RunAsync(plan, ct);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteListAsync(
        IReadOnlyList<ScheduledDataset> plan, IReadOnlyList<ISource> sources, DateTimeOffset now, CliConsole console, CancellationToken ct)
    {
        var rows = new List<string[]> { new[] { "dataset", "cron (UTC)", $"next {FiresListed} fires (UTC)" } };
        foreach (var dataset in sources.SelectMany(s => s.Datasets))
        {
            var entry = plan.FirstOrDefault(p => p.Dataset == dataset.Name);
            rows.Add(entry is null
                ? [dataset.Name.ToString(), ScheduleOptions.Off, "not scheduled"]
                : [dataset.Name.ToString(), entry.Cron, string.Join(", ", entry.NextFires(now, FiresListed).Select(f => f.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)))]);
        }

        var widths = Enumerable.Range(0, 3).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var output = new StreamWriter(console.Output, leaveOpen: true);
        await using (output)
        {
            foreach (var row in rows)
            {
                await output.WriteLineAsync($"{row[0].PadRight(widths[0])}  {row[1].PadRight(widths[1])}  {row[2]}".TrimEnd());
            }

            await output.FlushAsync(ct);
        }
    }
}
