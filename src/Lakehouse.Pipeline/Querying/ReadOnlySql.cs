using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>
/// Which statements <c>query</c> runs. Gold is opened read-only, which stops writes to it, but DuckDB would still
/// let a read-only connection attach another file, install or load an extension, or <c>COPY ... TO</c> a file, so
/// the statement types are checked before anything runs.
/// </summary>
internal static class ReadOnlySql
{
    private static readonly HashSet<DuckDbStatementType> Allowed =
    [
        DuckDbStatementType.Select,
        DuckDbStatementType.Explain,
        DuckDbStatementType.Pragma,
        DuckDbStatementType.Call,
    ];

    /// <summary>Throws <see cref="QueryRefusedException"/> naming the first statement that is not read-only.</summary>
    public static void EnsureReadOnly(DuckDbConnection connection, string sql)
    {
        var types = connection.GetStatementTypes(sql);
        if (types.Count == 0)
        {
            throw new QueryRefusedException("The SQL holds no statement. Give a SELECT, e.g. lakehouse query \"SELECT * FROM fact_launch LIMIT 5\".");
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (!Allowed.Contains(types[i]))
            {
                var which = types.Count == 1 ? "The statement" : $"Statement {i + 1} of {types.Count}";
                throw new QueryRefusedException($"{which} is {Describe(types[i])}; query is read-only and runs SELECT, EXPLAIN, PRAGMA and CALL only. {Hint(types[i])}");
            }
        }
    }

    private static string Describe(DuckDbStatementType type) => type switch
    {
        DuckDbStatementType.Copy or DuckDbStatementType.Export => $"a {type.ToString().ToUpperInvariant()}, which writes files",
        DuckDbStatementType.Attach or DuckDbStatementType.Detach => $"an {type.ToString().ToUpperInvariant()}",
        DuckDbStatementType.Load or DuckDbStatementType.Extension => "an extension INSTALL or LOAD",
        DuckDbStatementType.Set or DuckDbStatementType.VariableSet => "a SET, which changes settings",
        _ => $"a write ({type.ToString().ToUpperInvariant()})",
    };

    private static string Hint(DuckDbStatementType type) => type switch
    {
        DuckDbStatementType.Copy or DuckDbStatementType.Export =>
            "To save a result, use --format csv or --format json and redirect the output to a file.",
        DuckDbStatementType.Load or DuckDbStatementType.Extension =>
            "The extensions the lake needs (parquet, json, icu) are built in.",
        _ => "Gold is rebuilt only by the pipeline (lakehouse run, lakehouse model --rebuild).",
    };
}

/// <summary>The SQL given to <c>query</c> is not allowed there; the message says why and what to do instead.</summary>
internal sealed class QueryRefusedException(string message) : Exception(message);
