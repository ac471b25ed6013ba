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

    /// <summary>
    /// Into a pipe, file descriptor 1 itself: Console.OpenStandardOutput()'s stream drops writes to a pipe whose reader
    /// has gone without a word, so `query ... | head` would run the whole query into nothing. Anywhere else the
    /// console's stream, which keeps the descriptor's offset in step for the next writer of a redirected file
    /// (a FileStream writes at offsets of its own).
    /// </summary>
    private static Stream StandardOutput(bool terminal)
    {
        if (!terminal)
        {
            var descriptor = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            if (!descriptor.CanSeek)
            {
                return descriptor;
            }

            descriptor.Dispose();
        }

        return Console.OpenStandardOutput();
    }

    public static CliConsole ForProcess()
    {
        var terminal = !Console.IsOutputRedirected;

        return new CliConsole(new PipeOutput(StandardOutput(terminal)), Console.Error, terminal, terminal ? Math.Max(Console.WindowWidth, 40) : 4000);
    }
}
