using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>Opens the gold DuckDB file for readers.</summary>
internal static class GoldDatabase
{
    /// <summary>A path that means "an empty database in memory", handy for trying SQL without a lake.</summary>
    public const string InMemory = ":memory:";

    /// <summary>
    /// Opens <paramref name="path"/> read-only. A DuckDB file has one read-write process or many read-only ones, so
    /// while a build holds the file the open is retried briefly before giving up with a clear message.
    /// </summary>
    public static async Task<DuckDbConnection> OpenReadOnlyAsync(string path, TimeSpan lockWait, TimeProvider time, CancellationToken cancellationToken)
    {
        if (path == InMemory)
        {
            var memory = new DuckDbConnection($"Data Source={InMemory}");
            memory.Open();
            return memory;
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
            var connection = new DuckDbConnection(ConnectionString(fullPath));
            try
            {
                connection.Open();
                return connection;
            }
            catch (DuckDbException ex) when (IsLockConflict(ex) && time.GetTimestamp() < deadline)
            {
                await connection.DisposeAsync();
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
            catch (DuckDbException ex)
            {
                await connection.DisposeAsync();
                throw new GoldDatabaseException(
                    isMissing: false,
                    IsLockConflict(ex)
                        ? $"The gold database {path} is being written by another process (a pipeline run?) and stayed locked for {lockWait.TotalSeconds:0} s. Try again when the run has finished. DuckDB said: {ex.Message}"
                        : $"{ex.Message} If it is a damaged gold database, rebuild it from the lake with 'lakehouse model --rebuild'.",
                    ex);
            }
        }
    }

    private static string ConnectionString(string fullPath)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder
        {
            ["Data Source"] = fullPath,
            ["Access Mode"] = "read_only",
        };
        return builder.ConnectionString;
    }

    private static bool IsLockConflict(DuckDbException ex) =>
        ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The gold database is missing, damaged or locked; the message says what to do.</summary>
internal sealed class GoldDatabaseException(bool isMissing, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The file is not there at all: a configuration problem (or a lake not built yet), not a failure.</summary>
    public bool IsMissing { get; } = isMissing;
}
