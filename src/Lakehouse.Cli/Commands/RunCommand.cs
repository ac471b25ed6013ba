using System.CommandLine;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse run</c>: one incremental land → transform → model.</summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var sources = new Option<string[]>("--source", "-s")
        {
            Description = "Only this source (spacex); repeat for several. Default: every source.",
            HelpName = "SOURCE",
            AllowMultipleArgumentsPerToken = false,
        };
        var datasets = new Option<string[]>("--dataset", "-d")
        {
            Description = "Only this dataset (spacex.launches, or launches with --source); repeat for several. Default: every dataset of the chosen sources.",
            HelpName = "DATASET",
        };
        var format = SummaryFormatOption();
        var command = new Command("run", "Land what changed at the APIs in bronze, transform it to silver, and rebuild gold when silver changed. Prints a summary per dataset; exits 1 when any dataset failed.")
        {
            sources, datasets, format,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            using var services = CommandServices.Build(parseResult);
            var pipeline = services.GetRequiredService<LakehousePipeline>();
            var request = Request("run", parseResult.GetValue(sources) ?? [], parseResult.GetValue(datasets) ?? []);
            var run = await pipeline.RunAsync(request, ct);
            await RunSummaryWriter.WriteAsync(run, parseResult.GetValue(format)!, console, ct);
            return RunSummaryWriter.ExitCode(run);
        });
        return command;
    }

    public static Option<string> SummaryFormatOption(string json = "the run record")
    {
        var format = new Option<string>("--format")
        {
            Description = $"table (for people) or json ({json}, for machines).",
            DefaultValueFactory = _ => "table",
            HelpName = "table|json",
        };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    /// <summary>Reads <c>--source</c> and <c>--dataset</c>; a bare dataset name needs exactly one source to qualify it.</summary>
    public static RunRequest Request(string trigger, IReadOnlyList<string> sources, IReadOnlyList<string> datasets)
    {
        var names = new HashSet<DatasetName>();
        foreach (var dataset in datasets)
        {
            if (dataset.Contains('.', StringComparison.Ordinal))
            {
                names.Add(Parse(dataset));
            }
            else if (sources.Count == 1)
            {
                names.Add(new DatasetName(sources[0], dataset));
            }
            else
            {
                throw new UsageException($"--dataset {dataset}: name it with its source (e.g. spacex.{dataset}), or give exactly one --source.");
            }
        }

        return new RunRequest(trigger, sources.ToHashSet(StringComparer.Ordinal), names);
    }

    private static DatasetName Parse(string dataset)
    {
        try
        {
            return DatasetName.Parse(dataset);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--dataset {e.Message}");
        }
    }
}
