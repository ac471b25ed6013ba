using System.Data.Common;
using DuckDB.NET.Data;

namespace Lakehouse.DuckDb;

/// <summary>
/// Runs statements so that a cancellation token interrupts them inside DuckDB. DuckDB.NET's async methods are the
/// base class's, which run synchronously and only look at the token before starting, and it ignores
/// <see cref="DbCommand.CommandTimeout"/>; <see cref="DuckDBCommand.Cancel"/> is what interrupts a running statement,
/// after which DuckDB.NET throws <see cref="OperationCanceledException"/> and the connection stays usable.
/// </summary>
internal static class DuckDbCommands
{
    // How often a cancelled token interrupts again while its statement has not returned.
    private static readonly TimeSpan InterruptAgain = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Interrupts <paramref name="command"/>'s connection once <paramref name="ct"/> is cancelled, and again every
    /// 50 ms until the returned registration is disposed. Once is not enough: DuckDB clears the interrupt flag when a
    /// statement starts to execute, so a cancellation that lands while DuckDB.NET is still preparing it (a Ctrl-C a
    /// moment after the query was sent) would otherwise be lost and the statement run to its end.
    /// </summary>
    public static IDisposable InterruptOn(this DuckDBCommand command, CancellationToken ct) => new Interrupter(command, ct);

    /// <summary>Runs <paramref name="sql"/> (one or more statements) with positional parameters (<c>$1</c>, <c>$2</c>...).</summary>
    /// <returns>The rows the statements changed.</returns>
    public static int Execute(this DuckDBConnection connection, string sql, CancellationToken ct = default, params object?[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var interrupt = command.InterruptOn(ct);
        ct.ThrowIfCancellationRequested();
        return command.ExecuteNonQuery();
    }

    /// <summary>Reads every row of <paramref name="sql"/>'s result through <paramref name="read"/>.</summary>
    public static List<T> Query<T>(this DuckDBConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken ct = default, params object?[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var interrupt = command.InterruptOn(ct);
        ct.ThrowIfCancellationRequested();
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read())
        {
            values.Add(read(reader));
        }

        return values;
    }

    /// <summary>The first column of the first row, or null when there is no row (DBNull when it is NULL).</summary>
    public static object? Scalar(this DuckDBConnection connection, string sql, params object?[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        return command.ExecuteScalar();
    }

    /// <summary>A command over <paramref name="sql"/> with positional parameters.</summary>
    public static DuckDBCommand Command(this DuckDBConnection connection, string sql, params object?[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter as DuckDBParameter ?? new DuckDBParameter(parameter ?? DBNull.Value));
        }

        return command;
    }

    private sealed class Interrupter : IDisposable
    {
        private readonly DuckDBCommand command;
        private readonly CancellationTokenRegistration registration;
        private readonly Lock gate = new();
        private ITimer? timer;
        private bool disposed;

        public Interrupter(DuckDBCommand command, CancellationToken ct)
        {
            this.command = command;
            registration = ct.Register(Start);
        }

        public void Dispose()
        {
            registration.Dispose();
            lock (gate)
            {
                disposed = true;
                timer?.Dispose();
            }
        }

        private void Start()
        {
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }

                command.Cancel();
                timer = TimeProvider.System.CreateTimer(_ => Repeat(), null, InterruptAgain, InterruptAgain);
            }
        }

        private void Repeat()
        {
            lock (gate)
            {
                if (!disposed)
                {
                    command.Cancel();
                }
            }
        }
    }
}
