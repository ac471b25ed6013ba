using Lakehouse.DuckDb;

namespace Lakehouse.Tests.Support;

/// <summary>Opening real DuckDB connections and running one-liners on them.</summary>
internal static class DuckDbTestConnections
{
    public static DuckDbConnection OpenInMemory() => Open("Data Source=:memory:");

    public static DuckDbConnection OpenFile(string path, string extra = "") => Open($"Data Source={path};{extra}");

    public static DuckDbConnection Open(string connectionString)
    {
        var connection = new DuckDbConnection(connectionString);
        connection.Open();
        return connection;
    }

    public static int Execute(this DuckDbConnection connection, string sql, params object?[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(this DuckDbConnection connection, string sql, params object?[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    public static T Scalar<T>(this DuckDbConnection connection, string sql, params object?[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue($"'{sql}' returned no row");
        return reader.GetFieldValue<T>(0);
    }

    public static DuckDbCommand Command(this DuckDbConnection connection, string sql, params object?[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter as DuckDbParameter ?? new DuckDbParameter(parameter));
        }

        return command;
    }
}
