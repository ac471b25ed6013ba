using Lakehouse.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Lakehouse.Logging;

/// <summary>
/// Serilog behind Microsoft.Extensions.Logging: readable lines on standard error (standard output belongs to the
/// command's result, e.g. <c>query --format csv</c>), and JSON lines in a rolling file with every property
/// (<c>RunId</c>, <c>Source</c>, <c>Dataset</c>, ...) for machines.
/// </summary>
internal static class LakehouseLog
{
    /// <summary>
    /// One line per event and no <c>{Exception}</c>: the messages already say what failed and what to do, and the stack
    /// trace, which is for whoever debugs it, goes to the JSON file only.
    /// </summary>
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}";

    public static Logger Create(LoggingOptions options, LakehouseSecrets secrets, LogEventLevel? consoleLevel = null) =>
        Configure(options, secrets, console: true, consoleLevel).CreateLogger();

    /// <summary>The JSON file alone, for the CLI's last word on a failed command (its line is already on the console).</summary>
    public static Logger CreateFileOnly(LoggingOptions options, LakehouseSecrets secrets) =>
        Configure(options, secrets, console: false, consoleLevel: null).CreateLogger();

    private static LoggerConfiguration Configure(LoggingOptions options, LakehouseSecrets secrets, bool console, LogEventLevel? consoleLevel)
    {
        var level = Enum.Parse<LogEventLevel>(options.Level, ignoreCase: true);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)

            // Quartz narrates its start-up at Information; its warnings (a failed node, a lost database) still show.
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With(new SecretRedactor(secrets.Values));
        if (console)
        {
            configuration.WriteTo.Console(
                restrictedToMinimumLevel: consoleLevel ?? level,
                outputTemplate: ConsoleTemplate,
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrWhiteSpace(options.File))
        {
            configuration.WriteTo.File(
                new JsonFormatter(renderMessage: true),
                Path.GetFullPath(options.File),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                shared: true);
        }

        return configuration;
    }
}

/// <summary>
/// Replaces any known secret inside a string property with a marker. Message templates are constants, so the
/// properties are where a key could slip in (a request URL, an exception message passed as a property).
/// </summary>
internal sealed class SecretRedactor(IEnumerable<string> secrets) : ILogEventEnricher
{
    public const string Marker = "***";

    private readonly string[] knownSecrets = secrets.Where(s => s.Length >= 4).ToArray();

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (knownSecrets.Length == 0)
        {
            return;
        }

        foreach (var (name, value) in logEvent.Properties.ToArray())
        {
            if (value is ScalarValue { Value: string text } && Redact(text) is { } redacted)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(redacted)));
            }
        }
    }

    private string? Redact(string text)
    {
        string? result = null;
        foreach (var secret in knownSecrets)
        {
            if ((result ?? text).Contains(secret, StringComparison.Ordinal))
            {
                result = (result ?? text).Replace(secret, Marker, StringComparison.Ordinal);
            }
        }

        return result;
    }
}
