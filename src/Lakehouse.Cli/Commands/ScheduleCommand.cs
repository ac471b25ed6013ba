using System.CommandLine;
using System.Globalization;
using Lakehouse.Scheduling;
using Lakehouse.Configuration;
using Lakehouse.Sources;
using Lakehouse.Web.Monitoring;
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
        var serve = new Option<bool>("--serve")
        {
            Description = "Also serve /healthz (alive), /readyz (lake reachable, gold readable) and /metrics (Prometheus text) " +
                "while the schedule runs, on --host and --port.",
        };
        var port = new Option<int>("--port")
        {
            Description = "The port for --serve.",
            DefaultValueFactory = _ => MonitoringServer.DefaultPort,
            HelpName = "N",
        };
        var host = new Option<string>("--host")
        {
            Description = "The address for --serve: 127.0.0.1 (this machine only), 0.0.0.0 (every interface), or another IP address.",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "H",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError("--port must be between 1 and 65535.");
            }
        });
        var command = new Command(
            "schedule",
            "Run the pipeline on a schedule, one job per dataset on its cron expression (Lakehouse:Scheduling:Jobs, UTC), " +
            "until SIGTERM or Ctrl-C, which lets running jobs finish (exit 0). A missed fire runs once; a failed run waits " +
            "for the next fire. With Lakehouse:Scheduling:Store=Postgres several processes share one schedule.")
        {
            list,
            serve,
            port,
            host,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            if (parseResult.GetValue(serve) && !parseResult.GetValue(list))
            {
                return await ServeAsync(parseResult, MonitoringServer.ParseHost(parseResult.GetValue(host)!), parseResult.GetValue(port), ct);
            }

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

    /// <summary>The schedule with Kestrel beside it, both on one set of services: the metrics are this scheduler's runs.</summary>
    private static async Task<int> ServeAsync(ParseResult parseResult, System.Net.IPAddress address, int port, CancellationToken ct)
    {
        var configuration = LakehouseConfiguration.ForProcess(parseResult.GetValue(CommandServices.ConfigOption));
        await using var app = MonitoringServer.Build(configuration, address, port, services => services.AddLakehouseScheduling(configuration));
        var options = app.Services.GetRequiredService<ScheduleOptions>();
        var plan = options.Validate(app.Services.GetServices<ISource>(), app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        await MonitoringServer.StartAsync(app, address, port, ct);
        try
        {
            await app.Services.GetRequiredService<LakehouseScheduler>().RunAsync(plan, ct);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }

        return ExitCodes.Success;
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
