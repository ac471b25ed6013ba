using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Execution;

/// <summary>
/// The answer to one executed statement. Read it either chunk by chunk or through <see cref="RowsChanged"/>,
/// never both: DuckDB converts a result to its legacy form on the first legacy accessor, after which
/// <c>duckdb_fetch_chunk</c> returns nothing.
/// </summary>
internal sealed class QueryResult(ResultHandle handle) : IDisposable
{
    public ResultHandle Handle { get; } = handle;

    public DuckDbResultType ReturnType => (DuckDbResultType)NativeMethods.duckdb_result_return_type(Handle.Value);

    public bool IsStreaming => NativeMethods.duckdb_result_is_streaming(Handle.Value);

    public long RowsChanged => checked((long)NativeMethods.duckdb_rows_changed(Handle));

    public int ColumnCount => checked((int)NativeMethods.duckdb_column_count(Handle));

    public string ColumnName(int column) =>
        NativeText.Borrowed(NativeMethods.duckdb_column_name(Handle, (ulong)column)) ?? string.Empty;

    public LogicalTypeHandle ColumnType(int column) => new(NativeMethods.duckdb_column_logical_type(Handle, (ulong)column));

    /// <summary>The next chunk, or null at the end; a failure while computing it surfaces here.</summary>
    public DataChunkHandle? FetchChunk()
    {
        var pointer = NativeMethods.duckdb_fetch_chunk(Handle.Value);
        if (pointer != 0)
        {
            return new DataChunkHandle(pointer);
        }

        var error = NativeText.Borrowed(NativeMethods.duckdb_result_error(Handle));
        if (error is not null)
        {
            throw new DuckDbException(error, (DuckDbErrorType)NativeMethods.duckdb_result_error_type(Handle));
        }

        return null;
    }

    public void Dispose() => Handle.Dispose();
}
