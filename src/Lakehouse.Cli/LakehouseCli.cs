using System.CommandLine;
//USING-WIP
using Lakehouse.Configuration;

namespace Lakehouse.Cli;

/// <summary>The <c>lakehouse</c> command line: the commands, and one place that maps failures to exit codes.</summary>
internal static class LakehouseCli
{
    public static RootCommand CreateRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "Lakehouse keeps public APIs (SpaceX, NASA, RAWG) in a medallion lake: raw JSON in bronze, typed Parquet " +
            "in silver, and a star schema in DuckDB (gold) that you query with plain SQL.");
        root.Options.Add(CommandServices.ConfigOption);
        // QUERY-WIP
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(console);
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = new StreamWriter(console.Output, leaveOpen: true) { AutoFlush = true },
            Error = console.Error,
            // Exceptions are mapped to exit codes and one readable line below, never a stack trace.
            EnableDefaultExceptionHandler = false,
        };

        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var command = string.Join(' ', parseResult.CommandResult.Command is RootCommand ? ["lakehouse"] : new[] { "lakehouse", parseResult.CommandResult.Command.Name });
            await console.Error.WriteLineAsync($"Run '{command} --help' for usage.");
            return ExitCodes.UsageOrConfiguration;
        }

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex) when (ToExitCode(ex) is { } exitCode)
        {
            await console.Error.WriteLineAsync($"error: {ex.Message}");
            return exitCode;
        }
        catch (Exception ex)
        {
            // A bug, not an expected failure: still one readable line, and the type to report it by.
            await console.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>The written error model: expected failures become a message and an exit code; the rest propagate.</summary>
    private static int? ToExitCode(Exception ex) => ex switch
    {
        ConfigurationException or UsageException => ExitCodes.UsageOrConfiguration,
//GDE1
        OperationCanceledException => ExitCodes.Interrupted,
//GDE2
        IOException => ExitCodes.Failure,
        _ => null,
    };
}
