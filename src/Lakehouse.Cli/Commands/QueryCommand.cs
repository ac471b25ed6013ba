using System.CommandLine;
using Lakehouse.Configuration;
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
            Description = "table (aligned, first --max-rows rows), csv (RFC 4180, all rows, streamed) or json (an array of objects with typed values, streamed).",
            DefaultValueFactory = _ => "table",
            HelpName = "table|csv|json",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var database = new Option<string?>("--db")
        {
            Description = "The DuckDB database to query (default: Lakehouse:Gold:DatabasePath, lake/gold/lakehouse.duckdb). ':memory:' is an empty database, for trying SQL.",
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

        var command = new Command("query", "Run read-only SQL over the gold star schema and print the result. Statements that write, attach, install, load or copy out are refused.")
        {
            sql, file, format, database, maxRows,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = ReadSql(parseResult.GetValue(sql), parseResult.GetValue(file));
            using var services = CommandServices.Build(parseResult);
            var path = parseResult.GetValue(database) ?? services.GetRequiredService<IOptions<GoldOptions>>().Value.DatabasePath;
            var query = new GoldQuery(services.GetRequiredService<TimeProvider>());
            await query.RunAsync(
                path,
                text,
                Enum.Parse<ResultFormat>(parseResult.GetValue(format)!, ignoreCase: true),
                console.Output,
                new QueryOutputOptions(parseResult.GetValue(maxRows), console.TerminalWidth),
                cancellationToken);
            await console.Output.FlushAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
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
