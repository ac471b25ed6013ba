using DuckDB.NET.Data;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>Opens the gold DuckDB file for <c>query</c>: read-only in fact, not only by statement type.</summary>
internal static class GoldDatabase
{
    /// <summary>A path that means "an empty database in memory", handy for trying SQL without a lake.</summary>
    public const string InMemory = DuckDbConnections.InMemory;

    /// <summary>
    /// Opens <paramref name="path"/> read-only and locks the connection down: no file is read or written but the
    /// database itself (and <paramref name="writablePath"/>, when given, the one file the query is to write), no
    /// extension installed or loaded, no setting changed. A DuckDB file has one read-write process or many read-only
    /// ones, so while a build holds the file the open is retried briefly before giving up with a clear message.
    /// </summary>
    /// <param name="path">The database file, or <see cref="InMemory"/>.</param>
    /// <param name="lockWait">How long to wait for a build that holds the file.</param>
    /// <param name="time">The clock for that wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="writablePath">A file DuckDB itself is to write (<c>--format parquet</c>), or null.</param>
    public static async Task<DuckDBConnection> OpenReadOnlyAsync(
        string path, TimeSpan lockWait, TimeProvider time, CancellationToken cancellationToken, string? writablePath = null)
    {
        if (path == InMemory)
        {
            // DuckDB cannot start an in-memory database read-only; it is private and empty, so nothing is at stake.
            return LockDown(DuckDbConnections.OpenInMemory(), writablePath);
        }

        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new GoldDatabaseException(isMissing: true, $"{path} is a folder; --db takes a DuckDB database file such as lake/gold/lakehouse.duckdb.");
        }

        if (!File.Exists(fullPath))
        {
            throw new GoldDatabaseException(
                isMissing: true,
                $"No gold database at {path}. 'lakehouse run' builds it from the APIs; 'lakehouse demo' builds sample data " +
                "offline into lake/demo (then query it with --db lake/demo/gold/lakehouse.duckdb); or point --db at an " +
                "existing DuckDB file, or use --db :memory: to try SQL on an empty database.");
        }

        var deadline = time.GetTimestamp() + (long)(lockWait.TotalSeconds * time.TimestampFrequency);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            DuckDBConnection connection;
            try
            {
                connection = DuckDbConnections.OpenFile(fullPath, readOnly: true);
            }
            catch (DuckDBException ex) when (DuckDbConnections.IsLockConflict(ex) && time.GetTimestamp() < deadline)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
                continue;
            }
            catch (DuckDBException ex)
            {
                throw new GoldDatabaseException(
                    isMissing: false,
                    DuckDbConnections.IsLockConflict(ex)
                        ? $"The gold database {path} is being written by another process (a pipeline run?) and stayed locked for {lockWait.TotalSeconds:0} s. Try again when the run has finished. DuckDB said: {DuckDbConnections.MessageOf(ex)}"
                        : $"Could not open DuckDB database '{path}': {DuckDbConnections.MessageOf(ex)} If it is a damaged gold database, rebuild it from the lake with 'lakehouse model --rebuild'.",
                    ex);
            }

            return LockDown(connection, writablePath);
        }
    }

    /// <summary>
    /// DuckDB's own guards, set on the instance before the user's SQL runs: <c>enable_external_access = false</c>
    /// refuses every file outside the database (COPY, EXPORT, ATTACH, read_csv, glob, INSTALL, LOAD ...) however the
    /// statement is wrapped, <c>allowed_paths</c> makes the one exception the caller asked for, and
    /// <c>lock_configuration</c> keeps a later SET from undoing any of it.
    /// </summary>
    private static DuckDBConnection LockDown(DuckDBConnection connection, string? writablePath)
    {
        try
        {
            // DuckDB.NET hands a connection the instance of any other connection of this process to the same file,
            // with that one's settings: a read-write instance (a build in this process) would make this one writable.
            var settings = connection.Query(
                "SELECT current_setting('access_mode'), current_setting('lock_configuration')",
                r => (Mode: r.GetString(0), Locked: r.GetBoolean(1)))[0];
            if (connection.DataSource != InMemory && !string.Equals(settings.Mode, "read_only", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The gold database {connection.DataSource} is open for writing in this process; a query needs a read-only one of its own.");
            }

            if (!settings.Locked)
            {
                var allowed = writablePath is null ? string.Empty : $"SET allowed_paths = [{SqlLiteral(Path.GetFullPath(writablePath))}]; ";
                connection.Execute($"{allowed}SET enable_external_access = false; SET lock_configuration = true;");
            }
            else if (writablePath is not null)
            {
                throw new InvalidOperationException(
                    $"The gold database {connection.DataSource} is already open for another query in this process, which locked its settings; it cannot write {writablePath}.");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static string SqlLiteral(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>The gold database is missing, damaged or locked; the message says what to do.</summary>
internal sealed class GoldDatabaseException(bool isMissing, string message, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.Query;

    /// <summary>A missing gold is fixed by building it (or pointing <c>--db</c> at it): the user's to change.</summary>
    public override bool IsUsageError => IsMissing;

    public override bool IsTransient => InnerException is DuckDB.NET.Data.DuckDBException duck && DuckDb.DuckDbConnections.IsTransient(duck);

    /// <summary>The file is not there at all: a configuration problem (or a lake not built yet), not a failure.</summary>
    public bool IsMissing { get; } = isMissing;
}
