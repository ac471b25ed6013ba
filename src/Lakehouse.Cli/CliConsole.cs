namespace Lakehouse.Cli;

/// <summary>
/// Where a command writes. Results go to <see cref="Output"/> as bytes (a million CSV rows should not pass
/// through a TextWriter); messages and errors go to <see cref="Error"/>, so redirecting a result stays clean.
/// </summary>
internal sealed class CliConsole(Stream output, TextWriter error, bool outputIsTerminal, int terminalWidth)
{
    public Stream Output { get; } = output;

    public TextWriter Error { get; } = error;

    public bool OutputIsTerminal { get; } = outputIsTerminal;

    public int TerminalWidth { get; } = terminalWidth;

    public static CliConsole ForProcess()
    {
        var terminal = !Console.IsOutputRedirected;
        return new CliConsole(Console.OpenStandardOutput(), Console.Error, terminal, terminal ? Math.Max(Console.WindowWidth, 40) : 4000);
    }
}
