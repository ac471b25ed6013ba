using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>Keeps every log entry in memory, with its structured properties, so tests can read what was logged.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    /// <summary>Everything logged, messages, properties and exceptions, as one text to search.</summary>
    public string AllText => string.Join(Environment.NewLine, Entries.Select(e => e.ToString()));

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), properties.ToDictionary(p => p.Key, p => p.Value), exception));
        }
    }
}

internal sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties, Exception? Exception)
{
    public override string ToString() =>
        $"{Level} {Category}: {Message} {{{string.Join(", ", Properties.Select(p => $"{p.Key}={p.Value}"))}}} {Exception}";
}
