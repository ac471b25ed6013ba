using System.Globalization;
using System.CommandLine;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse status</c>: per dataset, how far it has landed, its last run, and rows per layer.</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var format = RunCommand.SummaryFormatOption("an array with one object per dataset");
        var command = new Command("status", "Show each dataset's cursor, last run, freshness, rows per layer (bronze objects, silver and gold rows) and last error, and per silver table its committed files, rows and bytes. Reads the lake only.") { format };
        command.SetAction(async (parseResult, ct) =>
        {
            using var services = CommandServices.Build(parseResult);
            var rows = await services.GetRequiredService<LakeStatus>().ReadAsync(ct);
            if (parseResult.GetValue(format) == "json")
            {
                await console.WriteJsonAsync(rows, LakeJson.Options, ct);
                return ExitCodes.Success;
            }

            var output = new StreamWriter(console.Output, leaveOpen: true);
            await using (output)
            {
                var ansi = console.Ansi(output);
                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumns("dataset", "last landed", "freshness", "last run", "bronze objects", "silver rows", "quarantined", "gold rows", "last error");
                foreach (var row in rows)
                {
                    table.AddRow(
                        Markup.Escape(row.Dataset),
                        row.LastLandedAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never",
                        Markup.Escape(StatusText.Freshness(row)),
                        Markup.Escape(row.LastRunId is null ? "-" : $"{row.LastRunId} ({row.LastRunStatus})"),
                        row.BronzeObjects.ToString("N0", CultureInfo.InvariantCulture),
                        row.SilverRows.ToString("N0", CultureInfo.InvariantCulture),
                        row.QuarantinedRows.ToString("N0", CultureInfo.InvariantCulture),
                        row.GoldRows?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(row.LastError ?? "-"));
                }

                ansi.Write(table);
                if (rows.Any(r => r.SilverTables.Any(t => t.Files > 0)))
                {
                    ansi.Write(SilverTables(rows));
                }

                if (rows.All(r => r.BronzeObjects == 0))
                {
                    ansi.WriteLine("Nothing landed yet: 'lakehouse run' fetches from the APIs, 'lakehouse demo' tries the whole pipeline offline.");
                }

                await output.FlushAsync(ct);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Per silver table, what its commit markers publish: files, rows and compressed bytes as each file's footer said
    /// when it was committed (no Parquet is read and no query run to show it).
    /// </summary>
    private static Table SilverTables(IReadOnlyList<DatasetStatusRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("committed silver")
            .AddColumns("silver table", "dataset", "files", "rows", "bytes");
        foreach (var row in rows)
        {
            // Tables with nothing committed, and quarantines that hold no row, say nothing a person needs (JSON has them).
            foreach (var silver in row.SilverTables.Where(t => t.Files > 0 && (t.Rows > 0 || !t.Table.EndsWith("_quarantine", StringComparison.Ordinal))))
            {
                table.AddRow(
                    Markup.Escape(silver.Table),
                    Markup.Escape(row.Dataset),
                    silver.Files.ToString("N0", CultureInfo.InvariantCulture),
                    silver.Rows.ToString("N0", CultureInfo.InvariantCulture),
                    silver.CompressedBytes is { } bytes ? StatusText.Bytes(bytes) : "-");
            }
        }

        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }

        return table;
    }
}
