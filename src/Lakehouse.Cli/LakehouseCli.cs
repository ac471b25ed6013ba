using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Lakehouse.Cli.Commands;
using Lakehouse.Configuration;

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
        catch (Exception ex) when (ToExitCode(ex) is { } exitCode)
        {
            await console.Error.WriteLineAsync(exitCode == ExitCodes.Interrupted ? "Interrupted." : $"error: {ex.Message}");
            return exitCode;
        }
        catch (Exception ex)
        {
            // A bug, not an expected failure: still one readable line, and the type to report it by.
            await console.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Failure;
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

    /// <summary>The written error model: expected failures become a message and an exit code; the rest propagate.</summary>
    private static int? ToExitCode(Exception ex) => ex switch
    {
        ConfigurationException or UsageException or Querying.QueryRefusedException or Runs.UnknownDatasetException or Runs.BackfillRefusedException => ExitCodes.UsageOrConfiguration,
        Scheduling.ScheduleRefusedException => ExitCodes.UsageOrConfiguration,
        Lake.LakeLeaseHeldException or Lake.LakeLeaseLostException => ExitCodes.Failure,
        Querying.GoldDatabaseException { IsMissing: true } => ExitCodes.UsageOrConfiguration,
        OperationCanceledException => ExitCodes.Interrupted,
        DuckDB.NET.Data.DuckDBException { ErrorType: DuckDB.NET.Native.DuckDBErrorType.Interrupt } => ExitCodes.Interrupted,
        Querying.GoldDatabaseException or DuckDB.NET.Data.DuckDBException => ExitCodes.Failure,
        Storage.ObjectStoreException or Lake.LakeStateException or Gold.GoldDataTestException or Gold.GoldBuildException or Gold.GoldRestoreException or Sources.Http.SourceRequestException => ExitCodes.Failure,
        IOException => ExitCodes.Failure,
        _ => null,
    };
}
