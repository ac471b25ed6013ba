using System.CommandLine;
using Lakehouse.Configuration;
using Lakehouse.Gold;
using Lakehouse.Querying;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse query</c>: read-only SQL over gold.</summary>
internal static class QueryCommand
{
    public static Command Create(CliConsole console)
    {
        var sql = new Argument<string?>("sql")
        {
            Description = "The SQL to run, e.g. \"SELECT * FROM fact_launch LIMIT 5\". Several statements may be separated by ';' (the last one's result is printed).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<FileInfo?>("--file", "-f")
        {
            Description = "Read the SQL from this file instead of the command line.",
            HelpName = "FILE",
        };
        var format = new Option<string>("--format")
        {
            Description = "table (aligned, first --max-rows rows), csv (RFC 4180, all rows, streamed), json (an array of objects with typed values, streamed), " +
                "arrow (an Arrow IPC stream with DuckDB's types, streamed) or parquet (a Parquet file written by DuckDB; needs --output).",
            DefaultValueFactory = _ => "table",
            HelpName = "table|csv|json|arrow|parquet",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "arrow", "parquet");
        var output = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the result to this file instead of standard output. It appears only once complete; a failed or interrupted query leaves an existing file as it was.",
            HelpName = "FILE",
        };
        var database = new Option<string?>("--db")
        {
            Description = "The DuckDB database to query (default: Lakehouse:Gold:DatabasePath, lake/gold/lakehouse.duckdb, first brought up to the lake's current gold build). ':memory:' is an empty database, for trying SQL.",
            HelpName = "PATH",
        };
        var maxRows = new Option<int>("--max-rows")
        {
            Description = "With --format table, show at most this many rows.",
            DefaultValueFactory = _ => 1000,
            HelpName = "N",
        };
        maxRows.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-rows must be at least 1.");
            }
        });

        var command = new Command("query", "Run read-only SQL over the gold star schema and print the result (or write it to a file). Statements that write, attach, install, load or copy out are refused, and no statement reads or writes files.")
        {
            sql, file, format, output, database, maxRows,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = ReadSql(parseResult.GetValue(sql), parseResult.GetValue(file));
            // Gold alone: the sources' clients are not built.
            using var services = CommandServices.Build(parseResult, sources: false);
            var path = parseResult.GetValue(database);
            if (path is null)
            {
                // The node's own gold: first brought to the lake's current build, when another node published a newer one.
                await services.GetRequiredService<GoldRestorer>().PrepareForReadingAsync(cancellationToken);
                path = services.GetRequiredService<IOptions<GoldOptions>>().Value.DatabasePath;
            }

            var resultFormat = Enum.Parse<ResultFormat>(parseResult.GetValue(format)!, ignoreCase: true);
            var target = OutputFile(parseResult.GetValue(output), resultFormat, console);
            var query = new GoldQuery(services.GetRequiredService<TimeProvider>());
            var options = new QueryOutputOptions(parseResult.GetValue(maxRows), console.TerminalWidth);
            if (target is null)
            {
                await query.RunAsync(path, text, resultFormat, console.Output, options, cancellationToken);
                await console.Output.FlushAsync(cancellationToken);
            }
            else
            {
                var rows = await query.RunToFileAsync(path, text, resultFormat, target.FullName, options, cancellationToken);
                await console.Error.WriteLineAsync($"Wrote {rows} {(rows == 1 ? "row" : "rows")} to {target}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The file to write, checked before the query runs; null for standard output.</summary>
    private static FileInfo? OutputFile(FileInfo? output, ResultFormat format, CliConsole console)
    {
        if (output is null)
        {
            if (format == ResultFormat.Parquet)
            {
                throw new UsageException("--format parquet writes a file: add --output FILE, e.g. --output result.parquet.");
            }

            if (format == ResultFormat.Arrow && console.OutputIsTerminal)
            {
                throw new UsageException("--format arrow writes binary data: redirect it (> result.arrows, | another program) or add --output FILE.");
            }

            return null;
        }

        if (Directory.Exists(output.FullName))
        {
            throw new UsageException($"--output {output}: that is a folder; give a file name, e.g. {Path.Combine(output.ToString(), "result." + format.ToString().ToLowerInvariant())}.");
        }

        if (output.Directory is { Exists: false } folder)
        {
            throw new UsageException($"--output {output}: the folder {folder.FullName} does not exist; create it first or choose another.");
        }

        return output;
    }

    private static string ReadSql(string? sql, FileInfo? file)
    {
        if (sql is not null && file is not null)
        {
            throw new UsageException("Give the SQL either as an argument or with --file, not both.");
        }

        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new UsageException(Directory.Exists(file.FullName) ? $"--file {file} is a folder; give a file of SQL." : $"--file {file}: no such file.");
            }

            sql = File.ReadAllText(file.FullName);
        }

        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new UsageException("No SQL given. Example: lakehouse query \"SELECT * FROM fact_launch LIMIT 5\" (or --file query.sql).");
        }

        return sql;
    }
}
