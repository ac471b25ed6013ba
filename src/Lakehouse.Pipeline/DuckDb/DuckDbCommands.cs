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
    /// <summary>Runs <paramref name="sql"/> (one or more statements) with positional parameters (<c>$1</c>, <c>$2</c>...).</summary>
    /// <returns>The rows the statements changed.</returns>
    public static int Execute(this DuckDBConnection connection, string sql, CancellationToken ct = default, params object?[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var registration = ct.Register(command.Cancel);
        ct.ThrowIfCancellationRequested();
        return command.ExecuteNonQuery();
    }

    /// <summary>Reads every row of <paramref name="sql"/>'s result through <paramref name="read"/>.</summary>
    public static List<T> Query<T>(this DuckDBConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken ct = default, params object?[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var registration = ct.Register(command.Cancel);
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
}
