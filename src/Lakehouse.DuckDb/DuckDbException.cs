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

    /// <summary>DuckDB's category for the error, when it reported one.</summary>
    public DuckDbErrorType ErrorType { get; }

    /// <summary>
    /// True for failures that may pass on a retry: a write-write conflict between transactions, or a database file
    /// locked by another process (a build holding the gold file).
    /// </summary>
    public override bool IsTransient =>
        ErrorType == DuckDbErrorType.Transaction
        || Message.Contains("Could not set lock on file", StringComparison.Ordinal)
        || Message.Contains("Conflicting lock", StringComparison.Ordinal);
}
