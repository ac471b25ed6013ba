using System.Data;
using System.Data.Common;

namespace Lakehouse.DuckDb;

/// <summary>
/// A transaction on a <see cref="DuckDbConnection"/> (BEGIN ... COMMIT / ROLLBACK). Disposing it without
/// committing rolls it back. DuckDB isolates transactions by snapshot; a write that conflicts with another
/// transaction's fails at commit with a transient <see cref="DuckDbException"/>.
/// </summary>
public sealed class DuckDbTransaction : DbTransaction
{
    private DuckDbConnection? connection;

    internal DuckDbTransaction(DuckDbConnection connection)
    {
        this.connection = connection;
    }

    /// <summary>The connection, or null once the transaction is committed or rolled back.</summary>
    public new DuckDbConnection? Connection => connection;

    /// <summary>Always snapshot isolation: that is what DuckDB provides.</summary>
    public override IsolationLevel IsolationLevel => IsolationLevel.Snapshot;

    protected override DbConnection? DbConnection => connection;

    public override void Commit() => Complete("COMMIT");

    public override void Rollback() => Complete("ROLLBACK");

    /// <summary>The connection closed underneath: DuckDB has already rolled back.</summary>
    internal void Abandon() => connection = null;

    protected override void Dispose(bool disposing)
    {
        if (disposing && connection is { State: ConnectionState.Open })
        {
            Rollback();
        }

        base.Dispose(disposing);
    }

    private void Complete(string sql)
    {
        var owner = connection ?? throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        connection = null;
        owner.OnTransactionCompleted(this);
        owner.ExecuteNonQuery(sql);
    }
}
