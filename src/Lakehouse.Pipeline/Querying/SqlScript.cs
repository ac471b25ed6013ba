namespace Lakehouse.Querying;

/// <summary>What a token of SQL is, as far as the read-only guard needs to know.</summary>
internal enum SqlTokenKind
{
    /// <summary>A keyword or unquoted name (or a number), as written.</summary>
    Word,

    /// <summary>A <c>"quoted"</c> name, without its quotes.</summary>
    QuotedName,

    /// <summary>A string constant (<c>'...'</c>, <c>E'...'</c>, <c>$tag$...$tag$</c>), without its quotes.</summary>
    Text,

    /// <summary>Any other character: <c>(</c>, <c>=</c>, <c>,</c>...</summary>
    Symbol,
}

/// <summary>A token of SQL.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Value, int Start)
{
    public bool IsWord(string word) => Kind == SqlTokenKind.Word && string.Equals(Value, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && Value.Length == 1 && Value[0] == symbol;
}

/// <summary>One statement of a script: its text (trimmed, without the semicolon) and its tokens.</summary>
internal sealed record SqlStatement(string Text, IReadOnlyList<SqlToken> Tokens)
{
    /// <summary>The text from token <paramref name="index"/> to the end of the statement.</summary>
    public string TextFrom(int index) => index >= Tokens.Count ? string.Empty : Text[Tokens[index].Start..];
}

/// <summary>
/// Splits a script into statements and tokens. Why this is ours: DuckDB.NET runs a script, but says neither where
/// each statement is nor what kind it is before running it (DuckDB's C API can, through
/// <c>duckdb_prepared_statement_type</c>, which DuckDB.NET does not bind), and the read-only guard must know both
/// before anything runs. The lexer knows just enough SQL for that: strings (with <c>''</c>, <c>E'\''</c> and
/// dollar quotes), quoted names, and nested comments, so a semicolon or keyword inside them is not taken for one.
/// </summary>
internal static class SqlScript
{
    /// <summary>The statements of <paramref name="sql"/>; empty ones (only comments or semicolons) are skipped.</summary>
    public static IReadOnlyList<SqlStatement> Split(string sql)
    {
        var statements = new List<SqlStatement>();
        var tokens = new List<SqlToken>();
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == ';')
            {
                Add(statements, sql, start, i, tokens);
                tokens = [];
                start = i + 1;
                i++;
            }
            else if (c == '\'')
            {
                var escapes = tokens.Count > 0 && tokens[^1] is { Kind: SqlTokenKind.Word, Value: "e" or "E" } prefix && prefix.Start + 1 == i;
                if (escapes)
                {
                    tokens.RemoveAt(tokens.Count - 1);
                }

                var end = SkipQuoted(sql, i, '\'', escapes);
                tokens.Add(new SqlToken(SqlTokenKind.Text, Unquote(sql, i, end, '\''), escapes ? i - 1 : i));
                i = end;
            }
            else if (c == '"')
            {
                var end = SkipQuoted(sql, i, '"', backslashEscapes: false);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedName, Unquote(sql, i, end, '"'), i));
                i = end;
            }
            else if (c == '$' && DollarQuote(sql, i) is { } delimiter)
            {
                var close = sql.IndexOf(delimiter, i + delimiter.Length, StringComparison.Ordinal);
                var end = close < 0 ? sql.Length : close + delimiter.Length;
                var body = close < 0 ? sql[(i + delimiter.Length)..] : sql[(i + delimiter.Length)..close];
                tokens.Add(new SqlToken(SqlTokenKind.Text, body, i));
                i = end;
            }
            else if (IsWordChar(c))
            {
                var end = i;
                while (end < sql.Length && IsWordChar(sql[end]))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[i..end], i));
                i = end;
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), i));
                i++;
            }
        }

        Add(statements, sql, start, sql.Length, tokens);
        return statements;
    }

    private static void Add(List<SqlStatement> statements, string sql, int start, int end, List<SqlToken> tokens)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        // The statement's text starts at its first token, so that token positions are relative to it.
        var first = tokens[0].Start;
        var text = sql[first..end].TrimEnd();
        statements.Add(new SqlStatement(text, [.. tokens.Select(t => t with { Start = t.Start - first })]));
    }

    private static int SkipBlockComment(string sql, int i)
    {
        // PostgreSQL's grammar, which DuckDB's parser descends from, nests block comments.
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
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

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
            }
            else if (c == quote && i + 1 < sql.Length && sql[i + 1] == quote)
            {
                i += 2;
            }
            else if (c == quote)
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    private static string Unquote(string sql, int start, int end, char quote)
    {
        var inner = sql[(start + 1)..Math.Max(start + 1, end - 1)];
        return inner.Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal);
    }

    /// <summary><c>$tag$</c> or <c>$$</c> opening a dollar-quoted string; null for a parameter such as <c>$1</c>.</summary>
    private static string? DollarQuote(string sql, int i)
    {
        var end = i + 1;
        if (end < sql.Length && (char.IsLetter(sql[end]) || sql[end] == '_'))
        {
            while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }
        }

        return end < sql.Length && sql[end] == '$' ? sql[i..(end + 1)] : null;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
