using System.Text.Json;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>A statement the guard let through.</summary>
/// <param name="Text">The statement as written.</param>
/// <param name="AsQuery">
/// The statement as a query that can stand in <c>FROM (...)</c> or <c>COPY (...) TO</c> (a <c>CALL f()</c> becomes
/// <c>SELECT * FROM f()</c>); null for EXPLAIN and PRAGMA, which cannot.
/// </param>
internal sealed record ReadStatement(string Text, string? AsQuery);

/// <summary>
/// The statement guard of <c>query</c>. The query connection is read-only in fact (see <see cref="GoldDatabase"/>:
/// read-only access, no file or network access, configuration locked), but a read-only connection in a process that
/// also holds a read-write one to the same file shares that instance and can write, and DuckDB's own refusals name
/// no fix. So every statement is checked before any runs: what runs is SELECT (WITH, FROM, VALUES, TABLE, DESCRIBE,
/// SHOW, SUMMARIZE, PIVOT: whatever DuckDB's parser reads as a SELECT), EXPLAIN [ANALYZE] of one of those, a PRAGMA
/// that only reads, and CALL.
/// </summary>
internal static class ReadOnlySql
{
    private const string Allowed = "query is read-only and runs SELECT, EXPLAIN, read-only PRAGMAs and CALL only.";

    // PRAGMAs that only report. Others change settings (some of them past lock_configuration, e.g. enable_profiling,
    // which prints profiles into the result stream) or state.
    private static readonly HashSet<string> ReadingPragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "version", "platform", "user_agent", "database_list", "database_size", "show_databases", "show_tables",
        "show_tables_expanded", "table_info", "show", "storage_info", "metadata_info", "functions", "collations",
    };

    // Table functions refused wherever they appear. The logging ones change the instance's log storage past
    // lock_configuration, and with external access off, file storage leaves the connection failing every statement
    // and DuckDB aborting the process at exit (seen with DuckDB 1.5.6). The others run SQL built from a string at
    // run time, which this guard could not see.
    private static readonly HashSet<string> RefusedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "enable_logging", "disable_logging", "truncate_duckdb_logs", "query", "query_table", "json_execute_serialized_sql",
    };

    private static readonly HashSet<string> SelectStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE",
    };

    private static readonly HashSet<string> PivotStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "PIVOT", "UNPIVOT", "PIVOT_WIDER", "PIVOT_LONGER",
    };

    /// <summary>The statements of <paramref name="sql"/>, each checked to be a read.</summary>
    /// <exception cref="QueryRefusedException">Naming the first statement that is not a read, and what to do instead.</exception>
    public static IReadOnlyList<ReadStatement> Check(DuckDBConnection connection, string sql)
    {
        var statements = SqlScript.Split(sql);
        if (statements.Count == 0)
        {
            throw new QueryRefusedException("The SQL holds no statement. Give a SELECT, e.g. lakehouse query \"SELECT * FROM fact_launch LIMIT 5\".");
        }

        var checkedStatements = new List<ReadStatement>(statements.Count);
        for (var i = 0; i < statements.Count; i++)
        {
            var which = statements.Count == 1 ? "The statement" : $"Statement {i + 1} of {statements.Count}";
            var verdict = Classify(connection, statements[i], 0);
            if (verdict.Refusal is { } refusal)
            {
                throw new QueryRefusedException($"{which} is {refusal.What}; {Allowed} {refusal.Hint}");
            }

            checkedStatements.Add(new ReadStatement(statements[i].Text, verdict.AsQuery));
        }

        return checkedStatements;
    }

    private static Verdict Classify(DuckDBConnection connection, SqlStatement statement, int from)
    {
        var tokens = statement.Tokens;
        for (var i = from; i < tokens.Count; i++)
        {
            if (tokens[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName && RefusedFunctions.Contains(tokens[i].Value)
                && i + 1 < tokens.Count && tokens[i + 1].IsSymbol('('))
            {
                return Verdict.Refuse(
                    $"a call of {tokens[i].Value.ToLowerInvariant()}(), which this command does not run",
                    "It changes the database's state or runs SQL from a string.");
            }
        }

        var first = from;
        while (first < tokens.Count && tokens[first].IsSymbol('('))
        {
            first++;
        }

        if (first >= tokens.Count || tokens[first].Kind != SqlTokenKind.Word)
        {
            // Not SQL that DuckDB will run; it says why when it tries.
            return Verdict.Read(statement.TextFrom(from));
        }

        var word = tokens[first].Value.ToUpperInvariant();
        if (SelectStarts.Contains(word))
        {
            var text = statement.TextFrom(from);
            return Parse(connection, text) != Parsed.OtherStatement
                ? Verdict.Read(text)
                : Verdict.Refuse($"a write (a {word} that is not a SELECT)", "Gold is rebuilt only by the pipeline (lakehouse run, lakehouse model --rebuild).");
        }

        if (PivotStarts.Contains(word))
        {
            return Verdict.Read(statement.TextFrom(from));
        }

        if (first > from)
        {
            return Verdict.Refuse($"a parenthesised {word}", "Only a query can stand in parentheses.");
        }

        switch (word)
        {
            case "EXPLAIN":
                var inner = first + 1;
                if (inner < tokens.Count && tokens[inner].IsWord("ANALYZE"))
                {
                    inner++;
                }

                if (inner + 1 < tokens.Count && tokens[inner].IsSymbol('(') && tokens[inner + 1].IsWord("FORMAT"))
                {
                    while (inner < tokens.Count && !tokens[inner].IsSymbol(')'))
                    {
                        inner++;
                    }

                    inner++;
                }

                var explained = Classify(connection, statement, inner);
                return explained.Refusal is { } refusal
                    ? Verdict.Refuse($"an EXPLAIN of {refusal.What}", refusal.Hint)
                    : Verdict.Read(null);
            case "PRAGMA":
                var pragma = first + 1 < tokens.Count ? tokens[first + 1].Value : string.Empty;
                if (first + 2 < tokens.Count && tokens[first + 2].IsSymbol('='))
                {
                    return Verdict.Refuse("a SET, which changes settings", "Settings of the query connection are fixed.");
                }

                return ReadingPragmas.Contains(pragma)
                    ? Verdict.Read(null)
                    : Verdict.Refuse($"a PRAGMA that changes settings or state ({pragma})", "Reading PRAGMAs such as show_tables and table_info run.");
            case "CALL":
                return Verdict.Read("SELECT * FROM " + statement.TextFrom(first + 1));
            default:
                // A misspelt keyword is no statement at all: DuckDB reports its syntax error when it runs.
                return Parse(connection, statement.TextFrom(from)) == Parsed.Unparsable
                    ? Verdict.Read(null)
                    : Verdict.Refuse(Describe(word), Hint(word));
        }
    }

    /// <summary>
    /// What DuckDB's own parser makes of <paramref name="sql"/>. <c>json_serialize_sql</c> serializes SELECT statements
    /// only, so it tells a <c>WITH ... SELECT</c> from a <c>WITH ... INSERT</c> without running either.
    /// </summary>
    private static Parsed Parse(DuckDBConnection connection, string sql)
    {
        var serialized = connection.Scalar("SELECT json_serialize_sql($1::VARCHAR)", sql) as string ?? string.Empty;
        using var json = JsonDocument.Parse(serialized);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
        {
            var message = root.TryGetProperty("error_message", out var text) ? text.GetString() ?? string.Empty : string.Empty;
            return message.Contains("Only SELECT statements", StringComparison.Ordinal) ? Parsed.OtherStatement : Parsed.Unparsable;
        }

        return root.TryGetProperty("statements", out var statements) && statements.GetArrayLength() == 1 ? Parsed.Select : Parsed.OtherStatement;
    }

    private static string Describe(string word) => word switch
    {
        "COPY" => "a COPY, which writes files",
        "EXPORT" => "an EXPORT, which writes files",
        "ATTACH" => "an ATTACH",
        "DETACH" => "a DETACH",
        "INSTALL" or "LOAD" or "FORCE" => "an extension INSTALL or LOAD",
        "SET" or "RESET" => "a SET, which changes settings",
        "USE" => "a USE, which changes the default database",
        "BEGIN" or "START" or "COMMIT" or "END" or "ROLLBACK" or "ABORT" => $"a transaction statement ({word})",
        "PREPARE" or "EXECUTE" or "DEALLOCATE" => $"a {word}; prepared statements are not run here",
        _ => $"a write ({word})",
    };

    private static string Hint(string word) => word switch
    {
        "COPY" or "EXPORT" =>
            "To save a result, use --format csv, json, arrow or parquet with --output FILE (or redirect the output).",
        "INSTALL" or "LOAD" or "FORCE" => "The extensions the lake needs (parquet, json, icu) are built in.",
        _ => "Gold is rebuilt only by the pipeline (lakehouse run, lakehouse model --rebuild).",
    };

    private enum Parsed
    {
        Select,
        OtherStatement,
        Unparsable,
    }

    private readonly record struct Refusal(string What, string Hint);

    private readonly record struct Verdict(Refusal? Refusal, string? AsQuery)
    {
        public static Verdict Read(string? asQuery) => new(null, asQuery);

        public static Verdict Refuse(string what, string hint) => new(new Refusal(what, hint), null);
    }
}

/// <summary>The SQL given to <c>query</c> is not allowed there; the message says why and what to do instead.</summary>
internal sealed class QueryRefusedException(string message) : LakehouseException(message)
{
    public override LakehouseStage Stage => LakehouseStage.Query;

    public override bool IsUsageError => true;
}
