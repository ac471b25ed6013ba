using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Execution;

/// <summary>
/// One prepared statement. Only a successfully prepared statement is ever handed out: DuckDB's accessors
/// (<c>duckdb_prepared_statement_type</c> among them) dereference the statement without checking, and crash the
/// process when preparation failed.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly ConnectionHandle connection;

    private PreparedStatement(PreparedStatementHandle handle, ConnectionHandle connection)
    {
        Handle = handle;
        this.connection = connection;
    }

    public PreparedStatementHandle Handle { get; }

    public DuckDbStatementType StatementType => (DuckDbStatementType)NativeMethods.duckdb_prepared_statement_type(Handle);

    public int ParameterCount => checked((int)NativeMethods.duckdb_nparams(Handle));

    public int ColumnCount => checked((int)NativeMethods.duckdb_prepared_statement_column_count(Handle));

    public static PreparedStatement Prepare(ConnectionHandle connection, string sql)
    {
        var state = NativeMethods.duckdb_prepare(connection, sql, out var pointer);
        return Accept(state, pointer, connection);
    }

    public static PreparedStatement Prepare(ConnectionHandle connection, ExtractedStatementsHandle extracted, int index)
    {
        var state = NativeMethods.duckdb_prepare_extracted_statement(connection, extracted, (ulong)index, out var pointer);
        return Accept(state, pointer, connection);
    }

    public string ColumnName(int column) =>
        NativeText.Owned(NativeMethods.duckdb_prepared_statement_column_name(Handle, (ulong)column)) ?? string.Empty;

    public LogicalTypeHandle ColumnType(int column) =>
        new(NativeMethods.duckdb_prepared_statement_column_logical_type(Handle, (ulong)column));

    public bool TryGetParameterIndex(string name, out ulong index) =>
        NativeMethods.duckdb_bind_parameter_index(Handle, out index, name) == DuckDbState.Success;

    /// <summary>
    /// Runs the statement through DuckDB's pending-result API, which (unlike <c>duckdb_execute_prepared_streaming</c>)
    /// reports why a statement could not start. A streaming result computes chunks as they are fetched; a
    /// materialized one holds the whole answer.
    /// </summary>
    /// <param name="streaming">Whether to compute the result as it is fetched.</param>
    /// <param name="cancelled">
    /// Whether the caller asked to cancel. DuckDB clears a connection's interrupt when a statement starts, so an
    /// interrupt that came just before is lost; asking again once the statement runs makes cancellation stick.
    /// </param>
    public QueryResult Execute(bool streaming, Func<bool>? cancelled = null)
    {
        var state = streaming
            ? NativeMethods.duckdb_pending_prepared_streaming(Handle, out var pointer)
            : NativeMethods.duckdb_pending_prepared(Handle, out pointer);
        if (pointer == 0)
        {
            throw new DuckDbException("DuckDB could not start the statement.");
        }

        using var pending = new PendingResultHandle(pointer, Handle);
        if (state != DuckDbState.Success)
        {
            throw DuckDbException.FromDuckDb(
                NativeText.Borrowed(NativeMethods.duckdb_pending_error(pending)) ?? "DuckDB could not start the statement.");
        }

        RunTasks(pending, cancelled);
        var result = ResultHandle.Allocate(Handle);
        if (NativeMethods.duckdb_execute_pending(pending, result) != DuckDbState.Success)
        {
            var message = NativeText.Borrowed(NativeMethods.duckdb_result_error(result));
            var errorType = (DuckDbErrorType)NativeMethods.duckdb_result_error_type(result);
            result.Dispose();
            throw DuckDbException.FromDuckDb(message ?? "DuckDB failed to execute the statement.", errorType);
        }

        return new QueryResult(result);
    }

    public void Dispose() => Handle.Dispose();

    /// <summary>
    /// Works on the statement's tasks on this thread, beside DuckDB's worker threads, until its result is ready.
    /// DuckDB's own loop (inside <c>duckdb_execute_pending</c>) spins while the workers hold every remaining task, as
    /// they do whenever a phase of the plan runs on fewer threads than DuckDB has; on a machine with few cores that
    /// spinning takes a core from the very worker it waits for. Here the thread sleeps instead, after a brief spin so
    /// that short waits cost no more than before.
    /// </summary>
    private void RunTasks(PendingResultHandle pending, Func<bool>? cancelled)
    {
        var idle = new SpinWait();
        var interrupted = false;
        while (true)
        {
            if (!interrupted && cancelled?.Invoke() == true)
            {
                Interrupt();
                interrupted = true;
            }

            switch (NativeMethods.duckdb_pending_execute_task(pending))
            {
                case DuckDbPendingState.ResultReady:
                    return;
                case DuckDbPendingState.Error:
                    throw DuckDbException.FromDuckDb(
                        NativeText.Borrowed(NativeMethods.duckdb_pending_error(pending)) ?? "DuckDB failed to execute the statement.");
                case DuckDbPendingState.NoTasksAvailable when idle.NextSpinWillYield:
                    Thread.Sleep(1);
                    break;
                case DuckDbPendingState.NoTasksAvailable:
                    idle.SpinOnce();
                    break;
                default:
                    idle.Reset();
                    break;
            }
        }
    }

    /// <summary>Interrupts whatever the statement's connection is running (cancellation from another thread).</summary>
    public void Interrupt() => NativeMethods.duckdb_interrupt(connection);

    private static PreparedStatement Accept(DuckDbState state, nint pointer, ConnectionHandle connection)
    {
        if (pointer == 0)
        {
            throw new DuckDbException("DuckDB could not prepare the statement.");
        }

        // A failed preparation still allocates a statement that holds the error and must be destroyed.
        var handle = new PreparedStatementHandle(pointer, connection);
        if (state == DuckDbState.Success)
        {
            return new PreparedStatement(handle, connection);
        }

        var message = NativeText.Borrowed(NativeMethods.duckdb_prepare_error(handle));
        handle.Dispose();
        throw DuckDbException.FromDuckDb(message ?? "DuckDB could not prepare the statement.");
    }
}
