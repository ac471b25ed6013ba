using System.Text.Json;
using Spectre.Console;

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

    /// <summary>A Spectre console over <paramref name="writer"/>: colours only on a terminal, never interactive.</summary>
    public IAnsiConsole Ansi(TextWriter writer)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = OutputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = OutputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        ansi.Profile.Width = TerminalWidth;
        return ansi;
    }

    /// <summary>Writes <paramref name="value"/> as one JSON document and a newline to <see cref="Output"/>.</summary>
    public async Task WriteJsonAsync<T>(T value, JsonSerializerOptions options, CancellationToken ct)
    {
        await JsonSerializer.SerializeAsync(Output, value, options, ct);
        await Output.WriteAsync("\n"u8.ToArray(), ct);
        await Output.FlushAsync(ct);
    }

    public static CliConsole ForProcess()
    {
        var terminal = !Console.IsOutputRedirected;
        return new CliConsole(Console.OpenStandardOutput(), Console.Error, terminal, terminal ? Math.Max(Console.WindowWidth, 40) : 4000);
    }
}
