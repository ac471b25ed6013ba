using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Lakehouse.DuckDb.Execution;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb;

/// <summary>
/// SQL to run on a <see cref="DuckDbConnection"/>. The text may hold several statements separated by
/// <c>;</c>: all run in order, and the reader (or scalar) is the last one's result.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>?</c> and <c>$1</c> bind by position in <see cref="Parameters"/>; <c>$name</c> by name.
/// CLR values map to DuckDB types: null/DBNull NULL; bool BOOLEAN; sbyte..long and byte..ulong the matching
/// (U)TINYINT..(U)BIGINT; Int128/UInt128/BigInteger (U)HUGEINT; float FLOAT; double DOUBLE; decimal DECIMAL; string
/// and char VARCHAR; DateOnly DATE; TimeOnly TIME; DateTime TIMESTAMP (its wall-clock value, whatever its Kind);
/// DateTimeOffset TIMESTAMPTZ; TimeSpan INTERVAL; Guid UUID; byte[] BLOB; enums their underlying integer.</para>
/// <para>When a SELECT returns a column this binding does not decode (LIST, STRUCT, MAP, ARRAY, UNION, INTERVAL,
/// BIT, TIME WITH TIME ZONE, ...), the statement is wrapped so that DuckDB casts that column to VARCHAR, and the
/// reader returns DuckDB's own text for it (<c>[1, 2, 3]</c>, <c>{'a': 1}</c>).</para>
/// </remarks>
public sealed class DuckDbCommand : DbCommand
{
    private readonly DuckDbParameterCollection parameters = new();
    private string commandText = string.Empty;
    private DuckDbConnection? connection;
    private DuckDbTransaction? transaction;
    private volatile bool cancelled;

    public DuckDbCommand()
    {
    }

    public DuckDbCommand(string? commandText)
    {
        CommandText = commandText;
    }

    public DuckDbCommand(string? commandText, DuckDbConnection? connection)
    {
        CommandText = commandText;
        this.connection = connection;
    }

    [AllowNull]
    public override string CommandText
    {
        get => commandText;
        set => commandText = value ?? string.Empty;
    }

    /// <summary>Not enforced: DuckDB has no statement timeout; use <see cref="Cancel"/> instead.</summary>
    public override int CommandTimeout { get; set; } = 30;

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new NotSupportedException("DuckDB commands are SQL text only.");
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    public new DuckDbConnection? Connection
    {
        get => connection;
        set => connection = value;
    }

    public new DuckDbParameterCollection Parameters => parameters;

    /// <summary>Informational: DuckDB transactions belong to the connection, so every command on it takes part.</summary>
    public new DuckDbTransaction? Transaction
    {
        get => transaction;
        set => transaction = value;
    }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => connection = value as DuckDbConnection
            ?? (value is null ? null : throw new ArgumentException($"A {nameof(DuckDbCommand)} needs a {nameof(DuckDbConnection)}.", nameof(value)));
    }

    protected override DbParameterCollection DbParameterCollection => parameters;

    protected override DbTransaction? DbTransaction
    {
        get => transaction;
        set => transaction = value as DuckDbTransaction;
    }

    private bool IsCancelled() => cancelled;

    /// <summary>Interrupts the statement running on this command's connection, from any thread.</summary>
    /// <remarks>A cancelled command stays cancelled: running it again is interrupted too. Use a new command.</remarks>
    public override void Cancel()
    {
        cancelled = true;
        connection?.Interrupt();
    }

    /// <summary>Nothing to do ahead of time: statements are prepared on every execution.</summary>
    public override void Prepare()
    {
    }

    /// <summary>Runs every statement; returns the rows inserted, updated or deleted in all of them, or -1 if none changes rows.</summary>
    public override int ExecuteNonQuery()
    {
        var handle = OpenConnection().Handle;
        using var batch = StatementBatch.Extract(handle, commandText);
        long changed = -1;
        for (var i = 0; i < batch.Count; i++)
        {
            using var statement = batch.Prepare(i);
            ParameterBinder.Bind(statement, parameters.Items);
            using var result = statement.Execute(streaming: false, IsCancelled);
            if (result.ReturnType == DuckDbResultType.ChangedRows)
            {
                changed = Math.Max(changed, 0) + result.RowsChanged;
            }
        }

        return (int)Math.Min(changed, int.MaxValue);
    }

    /// <summary>The first column of the first row of the last statement's result; null when there is no row.</summary>
    public override object? ExecuteScalar()
    {
        using var reader = ExecuteReader();
        return reader.FieldCount > 0 && reader.Read() ? reader.GetValue(0) : null;
    }

    public new DuckDbDataReader ExecuteReader() => ExecuteReader(CommandBehavior.Default);

    public new DuckDbDataReader ExecuteReader(CommandBehavior behavior)
    {
        var open = OpenConnection();
        var handle = open.Handle;
        using var batch = StatementBatch.Extract(handle, commandText);
        if (batch.Count == 0)
        {
            return open.Track(new DuckDbDataReader(open, statement: null, result: null, declaredTypeNames: null, behavior));
        }

        for (var i = 0; i < batch.Count - 1; i++)
        {
            using var earlier = batch.Prepare(i);
            ParameterBinder.Bind(earlier, parameters.Items);
            earlier.Execute(streaming: false, IsCancelled).Dispose();
        }

        var last = batch.Prepare(batch.Count - 1);
        QueryResult? result = null;
        IReadOnlyList<string>? declaredTypeNames = null;
        try
        {
            ParameterBinder.Bind(last, parameters.Items);
            var streaming = last.StatementType == DuckDbStatementType.Select;
            if (streaming)
            {
                // The prepared statement knows its column types unless they hang on parameters, which DuckDB types
                // only when it binds them at execution; then the result has to be asked.
                var shape = ResultShape.Of(last);
                if (shape.IsUnknown)
                {
                    result = last.Execute(streaming, IsCancelled);
                    shape = ResultShape.Of(result);
                }

                if (shape.NeedsText && TryRenderAsText(handle, shape, batch.Count) is { } wrapped)
                {
                    result?.Dispose();
                    result = null;
                    last.Dispose();
                    last = wrapped;
                    declaredTypeNames = shape.TypeNames;
                }
            }

            result ??= last.Execute(streaming, IsCancelled);
        }
        catch
        {
            result?.Dispose();
            last.Dispose();
            throw;
        }

        return open.Track(new DuckDbDataReader(open, last, result, declaredTypeNames, behavior));
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => ExecuteReader(behavior);

    protected override DbParameter CreateDbParameter() => new DuckDbParameter();

    public new DuckDbParameter CreateParameter() => (DuckDbParameter)CreateDbParameter();

    private DuckDbConnection OpenConnection()
    {
        var open = connection ?? throw new InvalidOperationException("The command has no connection.");
        open.EnsureReadyForCommand();
        return open;
    }

    /// <summary>
    /// A SELECT that has DuckDB cast the columns the reader cannot decode to VARCHAR, bound to the same parameters;
    /// or null when the statement's text cannot be told apart from the rest of the script, or the wrapper does not
    /// prepare (the original then runs, and reading those columns throws).
    /// </summary>
    private PreparedStatement? TryRenderAsText(ConnectionHandle handle, ResultShape shape, int statementCount)
    {
        var texts = SqlStatementSplitter.Split(commandText);
        if (texts.Count != statementCount)
        {
            return null;
        }

        PreparedStatement? wrapped = null;
        try
        {
            wrapped = PreparedStatement.Prepare(handle, TextColumnRewrite.Wrap(texts[^1], shape.Names, shape.AsText));
            ParameterBinder.Bind(wrapped, parameters.Items);
            return wrapped;
        }
        catch (DuckDbException)
        {
            wrapped?.Dispose();
            return null;
        }
    }
}
