using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Lakehouse.Cli.Commands;

namespace Lakehouse.Cli;

/// <summary>The <c>lakehouse</c> command line: the commands, and one place that maps failures to exit codes.</summary>
internal static class LakehouseCli
{
    /// <summary>The product version, e.g. <c>0.1.0</c>, without the build metadata the SDK appends.</summary>
    public static string Version { get; } =
        (typeof(LakehouseCli).Assembly.GetCustomAttributes(typeof(AssemblyInformationalVersionAttribute), false)
            .Cast<AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public static Command CreateRootCommand(CliConsole console)
    {
        // A plain Command named "lakehouse" rather than RootCommand, whose name and version come from the entry
        // assembly: under a test host or `dotnet lakehouse.dll` they would print the host's.
        var root = new Command(
            "lakehouse",
            "Lakehouse keeps public APIs (SpaceX, NASA, RAWG) in a medallion lake: raw JSON in bronze, typed Parquet " +
            "in silver, and a star schema in DuckDB (gold) that you query with plain SQL.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new Option<bool>("--version") { Description = "Show version information", Action = new PrintVersion() });
        root.Options.Add(CommandServices.ConfigOption);
        root.SetAction(parseResult => new HelpAction().Invoke(parseResult));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(BackfillCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        root.Subcommands.Add(RebuildCommands.Transform(console));
        root.Subcommands.Add(RebuildCommands.Model(console));
        root.Subcommands.Add(QueryCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(ScheduleCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
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
            // Signals are handled in Program (ShutdownSignals): the command sees a cancelled token and stops cleanly.
            ProcessTerminationTimeout = null,
        };

        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var command = parseResult.CommandResult.Command == root ? "lakehouse" : $"lakehouse {parseResult.CommandResult.Command.Name}";
            await console.Error.WriteLineAsync($"Run '{command} --help' for usage.");
            return ExitCodes.UsageOrConfiguration;
        }

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (OutputClosedException)
        {
            // The reader of a pipe stopped reading (| head): nothing to say, as for any tool that SIGPIPE ends.
            return ExitCodes.OutputClosed;
        }
        catch (Exception ex)
        {
            var (exitCode, message) = Classify(ex);
            await console.Error.WriteLineAsync(message);
            if (exitCode != ExitCodes.Interrupted)
            {
                // The stack trace belongs in the JSON log; the console gets the one line above.
                CommandServices.LogFailure(parseResult, ex, message);
            }

            return exitCode;
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Success;
        }
    }

    /// <summary>
    /// The written error model (see <see cref="LakehouseException"/>): the exit code comes from the failure's
    /// properties, the line printed is its message. Anything that is not one of ours, nor a third-party failure we
    /// expect, is a bug: still one line, with the type to report it by.
    /// </summary>
    internal static (int ExitCode, string Message) Classify(Exception ex) => ex switch
    {
        // A lost lease is a cancellation inside the pipeline (every stage stops), but the command failed.
        Lake.LakeLeaseLostException lost => (ExitCodes.Failure, $"error: {lost.Message}"),
        OperationCanceledException => (ExitCodes.Interrupted, "Interrupted."),
        DuckDB.NET.Data.DuckDBException { ErrorType: DuckDB.NET.Native.DuckDBErrorType.Interrupt } => (ExitCodes.Interrupted, "Interrupted."),
        _ when LakehouseFailure.Translate(ex) is { } failure =>
            (failure.IsUsageError ? ExitCodes.UsageOrConfiguration : ExitCodes.Failure, $"error: {failure.Message}"),
        _ => (ExitCodes.Failure, $"error: unexpected {ex.GetType().Name}: {ex.Message} (a bug: please report it with the log file's entry)"),
    };
}
