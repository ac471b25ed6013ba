using DuckDB.NET.Data;

namespace Lakehouse.DuckDb;

/// <summary>
/// Opens DuckDB (through DuckDB.NET) the way every part of the lakehouse needs it: files by their full path, and
/// extension auto-install and auto-load always off, whatever the caller's settings say.
/// </summary>
/// <remarks>
/// DuckDB.NET shares one DuckDB instance between the connections of a process to one file, keyed by the path as
/// written, and applies the settings of the first one only. Full paths keep two spellings of one file from opening
/// it twice; callers that depend on their settings (the read-only query) check that they took effect.
/// </remarks>
internal static class DuckDbConnections
{
    public const string InMemory = ":memory:";

    /// <summary>A private in-memory database that no other connection can reach.</summary>
    public static DuckDBConnection OpenInMemory(params IEnumerable<KeyValuePair<string, string>> settings) =>
        Open(ConnectionString(InMemory, readOnly: false, settings));

    /// <summary>The database file <paramref name="path"/>, created when missing unless <paramref name="readOnly"/>.</summary>
    /// <exception cref="DuckDBException">DuckDB could not open it (locked by another process, not a database...).</exception>
    public static DuckDBConnection OpenFile(string path, bool readOnly, params IEnumerable<KeyValuePair<string, string>> settings) =>
        Open(ConnectionString(Path.GetFullPath(path), readOnly, settings));

    /// <summary>The connection string for <paramref name="dataSource"/> (a full path or <see cref="InMemory"/>).</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="readOnly">Open with <c>access_mode = READ_ONLY</c>.</param>
    /// <param name="settings">DuckDB configuration options (<c>memory_limit</c>, <c>temp_directory</c>, ...).</param>
    public static string ConnectionString(string dataSource, bool readOnly, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = dataSource };
        if (readOnly)
        {
            builder.AccessMode = DuckDBAccessMode.ReadOnly;
        }

        foreach (var (name, value) in settings)
        {
            builder[name] = value;
        }

        // Set last, so they win: auto-loading reaches for the network (there is no httpfs here anyway) and creates
        // ~/.duckdb. The extensions the lake uses (parquet, json, icu) are built into the library.
        builder.AutoinstallKnownExtensions = false;
        builder.AutoloadKnownExtensions = false;
        return builder.ConnectionString;
    }

    /// <summary>
    /// True for a failure that may pass on a retry: a database file locked by another process (a build holding the
    /// gold file, or a reader while a build wants it), or a write-write conflict between transactions.
    /// </summary>
    public static bool IsTransient(DuckDBException exception) =>
        exception.ErrorType == DuckDB.NET.Native.DuckDBErrorType.Transaction || IsLockConflict(exception);

    /// <summary>The file is locked by another process.</summary>
    public static bool IsLockConflict(DuckDBException exception) =>
        exception.Message.Contains("Could not set lock on file", StringComparison.Ordinal)
        || exception.Message.Contains("Conflicting lock", StringComparison.Ordinal);

    /// <summary>
    /// DuckDB's own message, without the "DuckDBOpen failed: " that DuckDB.NET puts in front of failures to open.
    /// </summary>
    public static string MessageOf(DuckDBException exception) =>
        exception.Message.StartsWith(OpenFailedPrefix, StringComparison.Ordinal) ? exception.Message[OpenFailedPrefix.Length..] : exception.Message;

    private const string OpenFailedPrefix = "DuckDBOpen failed: ";

    private static DuckDBConnection Open(string connectionString)
    {
        var connection = new DuckDBConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
