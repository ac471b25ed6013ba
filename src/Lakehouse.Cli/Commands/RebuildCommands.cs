using System.CommandLine;
using System.Globalization;
using Lakehouse.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli.Commands;

/// <summary>
/// <c>lakehouse transform</c> and <c>lakehouse model</c>: the later stages alone, from the lake, with no API call.
/// With <c>--rebuild</c> they replay everything, which gives the same rows as the runs that built them.
/// </summary>
internal static class RebuildCommands
{
    public static Command Transform(CliConsole console)
    {
        var rebuild = new Option<bool>("--rebuild") { Description = "Transform every bronze object again (replacing its silver files), not only the pending ones." };
        var command = new Command("transform", "Bronze → silver, from the lake alone (no API calls). Without --rebuild, only bronze not yet transformed.") { rebuild };
        command.SetAction(async (parseResult, ct) =>
        {
            using var services = CommandServices.Build(parseResult);

            // The flow with nothing to land and no gold build: each dataset under its lease, failures as values.
            var replay = await services.GetRequiredService<LakehousePipeline>().ReplaySilverAsync(parseResult.GetValue(rebuild), ct);
            foreach (var dataset in replay.Datasets)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{dataset.Dataset}: {dataset.RowsTransformed:N0} rows, {dataset.RowsQuarantined:N0} quarantined"));
                if (dataset.Status == DatasetStatus.Failed)
                {
                    await console.Error.WriteLineAsync($"error: {dataset.Dataset}: {dataset.Message}");
                }
            }

            var failed = replay.Datasets.Where(d => d.Status == DatasetStatus.Failed).ToList();
            if (failed.Count == 0)
            {
                await console.Error.WriteLineAsync("Silver is up to date. Run 'lakehouse model' to rebuild gold from it.");
                return ExitCodes.Success;
            }

            await console.Error.WriteLineAsync(failed.Any(d => d.DamagedObjects.Count > 0)
                ? "Silver is up to date except for the datasets above. Run 'lakehouse run' to fetch damaged bronze again, then 'lakehouse model'."
                : $"{failed.Count} dataset{(failed.Count == 1 ? " was" : "s were")} not published (above); the others are up to date.");
            return ExitCodes.Failure;
        });
        return command;
    }

    public static Command Model(CliConsole console)
    {
        var rebuild = new Option<bool>("--rebuild") { Description = "Build gold even when silver has not changed since the last build." };
        var command = new Command("model", "Silver → gold: build the star schema in one transaction, run its data tests, and only if they pass publish it to the lake (gold/) and switch the local gold to it. No API calls.") { rebuild };
        command.SetAction(async (parseResult, ct) =>
        {
            using var services = CommandServices.Build(parseResult);
            // The flow's model step itself: one gold build at a time, also against a scheduled run's.
            var built = await services.GetRequiredService<LakehousePipeline>().BuildGoldAsync("lakehouse model", parseResult.GetValue(rebuild), ct);

            if (built is null)
            {
                await console.Error.WriteLineAsync("Gold is current: silver has not changed since it was built (use --rebuild to build it anyway).");
                return ExitCodes.Success;
            }

            foreach (var (table, rows) in built.RowsPerTable.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{table,-24} {rows,12:N0} rows"));
            }

            if (built.Warning is not null)
            {
                await console.Error.WriteLineAsync($"warning: {built.Warning}");
            }

            await console.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"Gold built in {built.Elapsed.TotalSeconds:0.0} s; data tests passed; published to the lake as build {built.BuildId}."));
            return ExitCodes.Success;
        });
        return command;
    }
}
