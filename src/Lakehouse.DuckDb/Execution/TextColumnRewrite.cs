using System.Text;

namespace Lakehouse.DuckDb.Execution;

/// <summary>
/// Wraps a SELECT so that the columns this binding cannot decode (LIST, STRUCT, MAP, INTERVAL, ...) come back as
/// DuckDB's own text for them, by casting to VARCHAR in an outer query. Names are kept (duplicates included)
/// by aliasing the inner columns positionally.
/// </summary>
internal static class TextColumnRewrite
{
    public static string Wrap(string select, IReadOnlyList<string> names, IReadOnlyList<bool> asText)
    {
        var sql = new StringBuilder("SELECT ");
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(", ");
            }

            var inner = $"_q.\"c{i}\"";
            sql.Append(asText[i] ? $"CAST({inner} AS VARCHAR)" : inner).Append(" AS ").Append(QuoteIdentifier(names[i]));
        }

        // The newline before ")" keeps a trailing "--" comment in the statement from swallowing the parenthesis.
        sql.Append(" FROM (\n").Append(select).Append("\n) AS _q(");
        for (var i = 0; i < names.Count; i++)
        {
            sql.Append(i > 0 ? ", " : string.Empty).Append($"\"c{i}\"");
        }

        return sql.Append(')').ToString();
    }

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
