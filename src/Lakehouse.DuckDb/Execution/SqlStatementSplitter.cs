namespace Lakehouse.DuckDb.Execution;

/// <summary>
/// Finds where each statement of a script starts and ends. DuckDB's C API splits scripts
/// (<c>duckdb_extract_statements</c>) but does not say where in the text each statement was; rewriting a
/// statement needs its text. This lexer knows just enough SQL to skip semicolons inside strings, quoted
/// identifiers, dollar-quoted strings and comments; callers check its count against DuckDB's and do not rewrite
/// when the two disagree.
/// </summary>
internal static class SqlStatementSplitter
{
    /// <summary>The statements of <paramref name="sql"/>, trimmed, without their semicolons; empty ones skipped.</summary>
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var start = 0;
        var hasContent = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == ';')
            {
                Add(statements, sql, start, i, hasContent);
                start = i + 1;
                hasContent = false;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '-' && Next(sql, i) == '-')
            {
                i = SkipLineComment(sql, i);
                continue;
            }

            if (c == '/' && Next(sql, i) == '*')
            {
                i = SkipBlockComment(sql, i);
                continue;
            }

            hasContent = true;
            i = c switch
            {
                '\'' => SkipQuoted(sql, i, '\'', backslashEscapes: IsEscapeStringPrefix(sql, i)),
                '"' => SkipQuoted(sql, i, '"', backslashEscapes: false),
                '$' => SkipDollarQuoted(sql, i),
                _ => i + 1,
            };
        }

        Add(statements, sql, start, sql.Length, hasContent);
        return statements;
    }

    private static void Add(List<string> statements, string sql, int start, int end, bool hasContent)
    {
        if (hasContent)
        {
            statements.Add(sql[start..end].Trim());
        }
    }

    private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    private static int SkipLineComment(string sql, int i)
    {
        var end = sql.IndexOf('\n', i);
        return end < 0 ? sql.Length : end + 1;
    }

    private static int SkipBlockComment(string sql, int i)
    {
        // PostgreSQL's grammar, which DuckDB's parser descends from, nests block comments.
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && Next(sql, i) == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && Next(sql, i) == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    private static bool IsEscapeStringPrefix(string sql, int quote) =>
        quote > 0 && (sql[quote - 1] == 'e' || sql[quote - 1] == 'E') && (quote < 2 || !IsIdentifierChar(sql[quote - 2]));

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (Next(sql, i) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return sql.Length;
    }

    private static int SkipDollarQuoted(string sql, int i)
    {
        // $tag$ ... $tag$ (tag optional); $1 and $name are parameters, not quotes.
        if (i > 0 && IsIdentifierChar(sql[i - 1]))
        {
            return i + 1;
        }

        var tagEnd = i + 1;
        if (tagEnd < sql.Length && (char.IsLetter(sql[tagEnd]) || sql[tagEnd] == '_'))
        {
            while (tagEnd < sql.Length && IsIdentifierChar(sql[tagEnd]))
            {
                tagEnd++;
            }
        }

        if (tagEnd >= sql.Length || sql[tagEnd] != '$')
        {
            return i + 1;
        }

        var delimiter = sql[i..(tagEnd + 1)];
        var close = sql.IndexOf(delimiter, tagEnd + 1, StringComparison.Ordinal);
        return close < 0 ? sql.Length : close + delimiter.Length;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
