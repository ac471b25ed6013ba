using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Execution;

/// <summary>Command text split by DuckDB's own parser into the statements it holds.</summary>
internal sealed class StatementBatch : IDisposable
{
    private readonly ConnectionHandle connection;
    private readonly ExtractedStatementsHandle? extracted;

    private StatementBatch(ConnectionHandle connection, ExtractedStatementsHandle? extracted, int count)
    {
        this.connection = connection;
        this.extracted = extracted;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Parses <paramref name="sql"/>; text that does not parse throws with DuckDB's message.</summary>
    public static StatementBatch Extract(ConnectionHandle connection, string sql)
    {
        var count = NativeMethods.duckdb_extract_statements(connection, sql, out var pointer);
        var extracted = pointer == 0 ? null : new ExtractedStatementsHandle(pointer, connection);
        if (count == 0 && extracted is not null)
        {
            var error = NativeText.Borrowed(NativeMethods.duckdb_extract_statements_error(extracted));
            if (error is not null)
            {
                extracted.Dispose();
                throw new DuckDbException(error, DuckDbErrorType.Parser);
            }
        }

        return new StatementBatch(connection, extracted, checked((int)count));
    }

    public PreparedStatement Prepare(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return PreparedStatement.Prepare(connection, extracted!, index);
    }

    public void Dispose() => extracted?.Dispose();
}
