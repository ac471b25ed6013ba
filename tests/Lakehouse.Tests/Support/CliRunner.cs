using System.Text;
using Lakehouse.Cli;

namespace Lakehouse.Tests.Support;

/// <summary>Runs the <c>lakehouse</c> command line in-process, capturing what it prints.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new MemoryStream();
        var error = new StringWriter();
        var exitCode = await LakehouseCli.RunAsync(args, new CliConsole(output, error, outputIsTerminal: false, terminalWidth: 120));
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error);
