using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb;

/// <summary>
/// Opens DuckDB databases. A file may be opened by only one DuckDB instance per process (its lock is per
/// process, so a second instance would not be stopped and could corrupt the file), so file databases go through
/// DuckDB's own instance cache: every connection to one file shares one instance, which DuckDB shuts down when the
/// last <c>duckdb_database</c> handle on it is closed. <c>:memory:</c> gets a fresh private instance every time.
/// </summary>
internal static class DatabaseInstances
{
    // Opening a cached instance while another thread is closing its last handle can make DuckDB refuse the open
    // (the cache entry is still expiring). Opens and closes of shared instances are therefore serialised; they are
    // rare next to queries, and the close that checkpoints a big file is exactly the one a new open must wait for.
    private static readonly Lock Gate = new();
    private static nint instanceCache;

    public static DatabaseHandle Open(DuckDbConnectionOptions options)
    {
        using var config = CreateConfig(options);
        nint database;
        nint error;
        DuckDbState state;
        var shared = !options.IsPrivateMemory;
        if (shared)
        {
            lock (Gate)
            {
                if (instanceCache == 0)
                {
                    // Lives as long as the process: nothing is gained by tearing it down.
                    instanceCache = NativeMethods.duckdb_create_instance_cache();
                }

                state = NativeMethods.duckdb_get_or_create_from_cache(
                    instanceCache, options.DataSource, out database, config, out error);
            }
        }
        else
        {
            state = NativeMethods.duckdb_open_ext(DuckDbConnectionOptions.Memory, out database, config, out error);
        }

        var message = NativeText.Owned(error);
        if (state == DuckDbState.Success && database != 0)
        {
            return new DatabaseHandle(database, shared);
        }

        if (database != 0)
        {
            CloseNative(database, shared);
        }

        throw new DuckDbException(
            $"Could not open DuckDB database '{options.DataSource}': {message ?? "DuckDB gave no reason."}");
    }

    internal static void CloseNative(nint database, bool shared)
    {
        if (!shared)
        {
            NativeMethods.duckdb_close(ref database);
            return;
        }

        lock (Gate)
        {
            NativeMethods.duckdb_close(ref database);
        }
    }

    private static ConfigHandle CreateConfig(DuckDbConnectionOptions options)
    {
        if (NativeMethods.duckdb_create_config(out var pointer) != DuckDbState.Success || pointer == 0)
        {
            throw new DuckDbException("DuckDB could not allocate a configuration object.");
        }

        var config = new ConfigHandle(pointer);
        try
        {
            foreach (var (name, value) in options.DuckDbSettings())
            {
                if (NativeMethods.duckdb_set_config(config, name, value) != DuckDbState.Success)
                {
                    throw new DuckDbException($"DuckDB rejected the connection option '{name}' = '{value}'.");
                }
            }

            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }
}
