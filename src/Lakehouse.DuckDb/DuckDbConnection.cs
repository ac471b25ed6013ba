using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Lakehouse.DuckDb.Execution;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb;

/// <summary>
/// A connection to a DuckDB database: a file, or a private in-memory database.
/// </summary>
/// <remarks>
/// <para>Connection string keys (case-insensitive): <c>Data Source</c> (a file path or <c>:memory:</c>, the
/// default), <c>Access Mode</c> (<c>read_write</c>, the default, or <c>read_only</c>), and any other key, handed
/// to DuckDB as a configuration option (<c>threads</c>, <c>memory_limit</c>, ...). Extension autoloading and
/// autoinstalling are always off, so DuckDB never reaches for the network nor creates <c>~/.duckdb</c>.</para>
/// <para>Connections to one file in one process share one DuckDB instance, which is what lets several threads
/// each use their own connection to the same file; every connection to it must use the same options. A connection
/// itself is not thread-safe (except <see cref="DuckDbCommand.Cancel"/>), and runs one command at a time: close a
/// reader before executing the next command.</para>
/// </remarks>
public sealed class DuckDbConnection : DbConnection
{
    private static readonly Lazy<string> LibraryVersion = new(
        () => (NativeText.Borrowed(NativeMethods.duckdb_library_version()) ?? string.Empty).TrimStart('v'));

    private string connectionString;
    private DuckDbConnectionOptions options;
    private DatabaseHandle? database;
    private ConnectionHandle? handle;
    private DuckDbDataReader? openReader;
    private DuckDbTransaction? transaction;
    private ConnectionState state = ConnectionState.Closed;

    public DuckDbConnection()
        : this(string.Empty)
    {
    }

    public DuckDbConnection(string connectionString)
    {
        this.connectionString = connectionString ?? string.Empty;
        options = DuckDbConnectionOptions.Parse(this.connectionString);
    }

    [AllowNull]
    public override string ConnectionString
    {
        get => connectionString;
        set
        {
            if (state != ConnectionState.Closed)
            {
                throw new InvalidOperationException("The connection string cannot change while the connection is open.");
            }

            options = DuckDbConnectionOptions.Parse(value);
            connectionString = value ?? string.Empty;
        }
    }

    /// <summary>DuckDB's name for the database: the file name without extension, or <c>memory</c>.</summary>
    public override string Database => options.DataSource.StartsWith(DuckDbConnectionOptions.Memory, StringComparison.Ordinal)
        ? "memory"
        : Path.GetFileNameWithoutExtension(options.DataSource);

    /// <summary>The database file's full path, or <c>:memory:</c>.</summary>
    public override string DataSource => options.DataSource;

    /// <summary>The DuckDB library's version (<c>duckdb_library_version</c>, without its leading "v"), e.g. "1.5.6".</summary>
    public override string ServerVersion => LibraryVersion.Value;

    public override ConnectionState State => state;

    internal ConnectionHandle Handle =>
        handle is not null && state == ConnectionState.Open
            ? handle
            : throw new InvalidOperationException("The connection is not open.");

    public override void Open()
    {
        if (state == ConnectionState.Open)
        {
            throw new InvalidOperationException("The connection is already open.");
        }

        var opened = DatabaseInstances.Open(options);
        if (NativeMethods.duckdb_connect(opened, out var pointer) != DuckDbState.Success || pointer == 0)
        {
            opened.Dispose();
            throw new DuckDbException($"DuckDB could not connect to the database '{options.DataSource}'.");
        }

        database = opened;
        handle = new ConnectionHandle(pointer, opened);
        SetState(ConnectionState.Open);
    }

    /// <summary>Closes the open reader, ends any transaction (DuckDB rolls it back) and releases the database.</summary>
    public override void Close()
    {
        if (state == ConnectionState.Closed)
        {
            return;
        }

        openReader?.Close();
        openReader = null;
        transaction?.Abandon();
        transaction = null;
        handle?.Dispose();
        handle = null;
        database?.Dispose();
        database = null;
        SetState(ConnectionState.Closed);
    }

    /// <summary>Switches the default database or schema, as DuckDB's <c>USE</c> does.</summary>
    public override void ChangeDatabase(string databaseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        using var command = CreateCommand();
        command.CommandText = "USE " + TextColumnRewrite.QuoteIdentifier(databaseName);
        command.ExecuteNonQuery();
    }

    public new DuckDbCommand CreateCommand() => new(commandText: null, this);

    public new DuckDbTransaction BeginTransaction() => BeginTransaction(IsolationLevel.Unspecified);

    /// <summary>Starts a transaction. DuckDB always isolates transactions by snapshot, whatever level is asked for.</summary>
    public new DuckDbTransaction BeginTransaction(IsolationLevel isolationLevel)
    {
        if (transaction is not null)
        {
            throw new InvalidOperationException("A transaction is already in progress on this connection.");
        }

        ExecuteNonQuery("BEGIN TRANSACTION");
        transaction = new DuckDbTransaction(this);
        return transaction;
    }

    /// <summary>
    /// The kind of each statement in <paramref name="sql"/>, in order, as DuckDB classifies them after parsing and
    /// binding, without running any of them. Text that does not parse, or a statement that cannot be bound (it
    /// names a table that does not exist yet, for instance), throws <see cref="DuckDbException"/>.
    /// </summary>
    public IReadOnlyList<DuckDbStatementType> GetStatementTypes(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        EnsureReadyForCommand();
        using var batch = StatementBatch.Extract(Handle, sql);
        var types = new DuckDbStatementType[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            using var statement = batch.Prepare(i);
            types[i] = statement.StatementType;
        }

        return types;
    }

    internal void EnsureReadyForCommand()
    {
        _ = Handle;
        if (openReader is not null)
        {
            // A new statement on the connection would silently end the reader's streaming result inside DuckDB.
            throw new InvalidOperationException(
                "This connection has a DuckDbDataReader that is still reading; close it before running another command.");
        }
    }

    internal DuckDbDataReader Track(DuckDbDataReader reader)
    {
        if (reader.HoldsNativeResult)
        {
            openReader = reader;
        }

        return reader;
    }

    internal void OnReaderClosed(DuckDbDataReader reader)
    {
        if (ReferenceEquals(openReader, reader))
        {
            openReader = null;
        }
    }

    internal void OnTransactionCompleted(DuckDbTransaction completed)
    {
        if (ReferenceEquals(transaction, completed))
        {
            transaction = null;
        }
    }

    internal void ExecuteNonQuery(string sql)
    {
        using var command = CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal void Interrupt()
    {
        var current = handle;
        if (current is null || current.IsClosed)
        {
            return;
        }

        try
        {
            NativeMethods.duckdb_interrupt(current);
        }
        catch (ObjectDisposedException)
        {
            // Closed by its own thread in the meantime: nothing is running any more.
        }
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => CreateCommand();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    private void SetState(ConnectionState next)
    {
        var previous = state;
        state = next;
        OnStateChange(new StateChangeEventArgs(previous, next));
    }
}
