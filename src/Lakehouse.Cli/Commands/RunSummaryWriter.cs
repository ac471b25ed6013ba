using System.Globalization;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Spectre.Console;

namespace Lakehouse.Cli.Commands;

/// <summary>Prints a run's summary: a table for people, or the run record as JSON for machines.</summary>
internal static class RunSummaryWriter
{
    public static async Task WriteAsync(RunRecord run, string format, CliConsole console, CancellationToken ct)
    {
        if (format == "json")
        {
            await console.WriteJsonAsync(run, LakeJson.Options, ct);
            return;
        }

        var output = new StreamWriter(console.Output, leaveOpen: true);
        await using (output)
        {
            var ansi = console.Ansi(output);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"Run {run.RunId} ({run.Trigger}): {Markup.Escape(Describe(run))}")
                .AddColumns("dataset", "status", "API calls", "landed", "unchanged", "rows", "quarantined", "gold rows", "duration");
            foreach (var column in table.Columns.Skip(2))
            {
                column.RightAligned();
            }

            foreach (var dataset in run.Datasets)
            {
                table.AddRow(
                    Markup.Escape(dataset.Dataset),
                    Markup.Escape(dataset.Status.ToString().ToLowerInvariant()),
                    Number(dataset.ApiCalls),
                    Number(dataset.ObjectsLanded),
                    Number(dataset.ObjectsUnchanged),
                    Number(dataset.RowsTransformed),
                    Number(dataset.RowsQuarantined),
                    GoldRows(run, dataset),
                    Seconds(dataset.DurationMs));
            }

            ansi.Write(table);
            ansi.WriteLine();
            var notes = new List<string>();
            if (run.ProbeCalls > 0)
            {
                notes.Add(run.EarlyExit
                    ? $"Early exit: the change probe ({Number(run.ProbeCalls)} call) answered as last time, so nothing was fetched."
                    : $"Change probe: {Number(run.ProbeCalls)} call; something changed (or a full refresh was due), so everything was read.");
            }

            foreach (var dataset in run.Datasets.Where(d => d.Message is not null && d.Status == DatasetStatus.Failed))
            {
                notes.Add($"{dataset.Dataset} failed: {dataset.Message}");
            }

            foreach (var dataset in run.Datasets.Where(d => d.Message is not null && d.Status == DatasetStatus.Skipped))
            {
                notes.Add($"{dataset.Dataset} skipped: {dataset.Message}");
            }

            foreach (var dataset in run.Datasets.Where(d => d.SchemaDrift.Count > 0))
            {
                notes.Add($"Schema drift in {dataset.Dataset}: new fields {string.Join(", ", dataset.SchemaDrift)}. They are kept in bronze; the transform does not read them yet.");
            }

            if (run.GoldError is not null)
            {
                notes.Add($"Gold was not published (the previous gold is unchanged): {run.GoldError}");
            }
            else if (run.GoldRows.Count == 0)
            {
                notes.Add("Gold unchanged: no new silver since it was last built.");
            }

            notes.Add($"Total: {Number(run.ApiCalls)} API calls in {Seconds(run.DurationMs)}.");
            foreach (var note in notes)
            {
                ansi.WriteLine(note);
            }

            await output.FlushAsync(ct);
        }
    }

    /// <summary>Exit code of a finished run: any failed dataset or an unpublished gold makes the run a failure.</summary>
    public static int ExitCode(RunRecord run) => run.Status == RunStatus.Succeeded ? ExitCodes.Success : ExitCodes.Failure;

    private static string Describe(RunRecord run) => run.Status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Partial => $"partly failed ({run.Datasets.Count(d => d.Status == DatasetStatus.Failed)} of {run.Datasets.Count} datasets)",
        _ => "failed",
    };

    private static string GoldRows(RunRecord run, DatasetRun dataset) =>
        dataset.GoldTable is { } table && run.GoldRows.TryGetValue(table, out var rows) ? Number(rows) : "-";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.0 's'", CultureInfo.InvariantCulture);
}
