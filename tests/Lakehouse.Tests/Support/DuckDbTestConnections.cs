using DuckDB.NET.Data;
using Lakehouse.DuckDb;

namespace Lakehouse.Tests.Support;

/// <summary>Opening real DuckDB connections (through the product's factory) and running one-liners on them.</summary>
internal static class DuckDbTestConnections
{
    public static DuckDBConnection OpenInMemory() => DuckDbConnections.OpenInMemory();

    public static DuckDBConnection OpenFile(string path, bool readOnly = false) => DuckDbConnections.OpenFile(path, readOnly);

    public static int Execute(this DuckDBConnection connection, string sql, params object?[] parameters) =>
        DuckDbCommands.Execute(connection, sql, CancellationToken.None, parameters);

    public static object? Scalar(this DuckDBConnection connection, string sql, params object?[] parameters) =>
        DuckDbCommands.Scalar(connection, sql, parameters);

    public static T Scalar<T>(this DuckDBConnection connection, string sql, params object?[] parameters)
    {
        using var command = DuckDbCommands.Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue($"'{sql}' returned no row");
        return reader.GetFieldValue<T>(0);
    }

    public static DuckDBCommand Command(this DuckDBConnection connection, string sql, params object?[] parameters) =>
        DuckDbCommands.Command(connection, sql, parameters);
}
