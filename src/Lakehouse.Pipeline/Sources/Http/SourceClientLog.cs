using Microsoft.Extensions.Logging;

namespace Lakehouse.Sources.Http;

/// <summary>The client's log lines. Requests are written with secrets redacted (<see cref="SourceRequest.Describe"/>).</summary>
internal static partial class SourceClientLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "{Source}: {Request} attempt {Attempt} got HTTP {StatusCode} {Reason}; retrying in {DelayMs} ms")]
    public static partial void RetryingAfterStatus(ILogger logger, string source, string request, int attempt, int statusCode, string reason, long delayMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "{Source}: {Request} attempt {Attempt} failed: {Error}; retrying in {DelayMs} ms")]
    public static partial void RetryingAfterError(ILogger logger, string source, string request, int attempt, string error, long delayMs);
}
