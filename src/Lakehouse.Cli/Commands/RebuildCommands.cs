using System.CommandLine;
using System.Globalization;
using Lakehouse.Gold;
using Lakehouse.Runs;
using Lakehouse.Silver;
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
            var pipeline = services.GetRequiredService<LakehousePipeline>();
            var silver = services.GetRequiredService<SilverStage>();
            var leases = services.GetRequiredService<Lake.LakeLeases>();
            var damaged = 0;
            var blocked = 0;
            foreach (var dataset in pipeline.Sources.SelectMany(s => s.Datasets))
            {
                // Never beside a run of the same dataset (a scheduled one) that transforms it too.
                await using var held = await leases.AcquireAsync(dataset.Name.ToString(), "lakehouse transform", leases.Options.DatasetWait, ct);
                SilverResult result;
                try
                {
                    result = await held.GuardAsync(c => silver.TransformAsync(dataset.Name, parseResult.GetValue(rebuild), c), ct);
                }
                catch (SilverContractException e)
                {
                    // That dataset is not published; the others go on.
                    blocked++;
                    await console.Error.WriteLineAsync($"error: {dataset.Name}: {e.Message}");
                    continue;
                }

                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{dataset.Name}: {result.Groups} landing runs transformed, {result.RowsTransformed:N0} rows, {result.RowsQuarantined:N0} quarantined"));
                if (result.Damaged.Count > 0)
                {
                    damaged += result.Damaged.Count;
                    await console.Error.WriteLineAsync($"{dataset.Name}: {LakehousePipeline.DamagedMessage(result.Damaged)} ('lakehouse run').");
                }
            }

            if (blocked > 0)
            {
                await console.Error.WriteLineAsync($"{blocked} dataset{(blocked == 1 ? " was" : "s were")} not published (above); the others are up to date.");
                return ExitCodes.Failure;
            }

            if (damaged > 0)
            {
                await console.Error.WriteLineAsync("Silver is up to date except for the damaged bronze above. Run 'lakehouse run' to fetch it again, then 'lakehouse model'.");
                return ExitCodes.Failure;
            }

            await console.Error.WriteLineAsync("Silver is up to date. Run 'lakehouse model' to rebuild gold from it.");
            return ExitCodes.Success;
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
            var gold = services.GetRequiredService<GoldStage>();
            var leases = services.GetRequiredService<Lake.LakeLeases>();
            GoldBuildResult? built;

            // One gold build at a time, also against a scheduled run's model step.
            await using (var lease = await leases.AcquireAsync(LakehousePipeline.GoldLease, "lakehouse model", leases.Options.GoldWait, ct))
            {
                built = await lease.GuardAsync(c => gold.ModelAsync(parseResult.GetValue(rebuild), c), ct);
            }

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
