using System.Data.Common;

namespace Lakehouse.DuckDb;

/// <summary>
/// A failure reported by DuckDB (open, parse, prepare, execute or fetch), carrying DuckDB's own message so the
/// reader sees exactly what DuckDB said.
/// </summary>
public sealed class DuckDbException : DbException
{
    public DuckDbException()
    {
    }

    public DuckDbException(string message)
        : base(message)
    {
    }

    public DuckDbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DuckDbException(string message, DuckDbErrorType errorType)
        : base(message)
    {
        ErrorType = errorType;
    }

    /// <summary>
    /// DuckDB's category for the error: the one it reported, or else the one its message starts with
    /// ("INTERRUPT Error: …", "Binder Error: …"), since prepare and pending failures carry no category.
    /// </summary>
    public DuckDbErrorType ErrorType { get; }

    /// <summary>
    /// True for failures that may pass on a retry: a write-write conflict between transactions, or a database file
    /// locked by another process (a build holding the gold file).
    /// </summary>
    public override bool IsTransient =>
        ErrorType == DuckDbErrorType.Transaction
        || Message.Contains("Could not set lock on file", StringComparison.Ordinal)
        || Message.Contains("Conflicting lock", StringComparison.Ordinal);

    /// <summary>An error with DuckDB's message, categorised by <paramref name="reported"/> or by the message's prefix.</summary>
    internal static DuckDbException FromDuckDb(string message, DuckDbErrorType reported = DuckDbErrorType.Invalid) =>
        new(message, reported == DuckDbErrorType.Invalid ? CategoryOf(message) : reported);

    private static DuckDbErrorType CategoryOf(string message)
    {
        var end = message.IndexOf(" Error:", StringComparison.Ordinal);
        if (end <= 0)
        {
            return DuckDbErrorType.Invalid;
        }

        var name = message[..end].Replace(" ", "", StringComparison.Ordinal);
        return Enum.TryParse<DuckDbErrorType>(name, ignoreCase: true, out var category) && Enum.IsDefined(category)
            ? category
            : DuckDbErrorType.Invalid;
    }
}
