namespace Lakehouse.Cli;

/// <summary>The exit codes every command uses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed (a SQL error, a dataset that failed); the message says which.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration is wrong; nothing was done.</summary>
    public const int UsageOrConfiguration = 2;

    /// <summary>Interrupted by Ctrl-C or SIGTERM.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Whoever read the output went away (<c>lakehouse query ... | head</c>): the status a shell shows for a program
    /// that SIGPIPE ended, which is what .NET, ignoring SIGPIPE, would otherwise not give.
    /// </summary>
    public const int OutputClosed = 141;
}
