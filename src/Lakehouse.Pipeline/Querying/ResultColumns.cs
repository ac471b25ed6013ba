using System.Text;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>
/// The columns of a query's result, as DuckDB types them before it runs (<c>DESCRIBE</c> binds, it does not
/// execute), and the rewrite that lets DuckDB turn the ones the writers do not format themselves into text (csv,
/// table) or JSON (json). So a list, a struct, an interval or a TIMESTAMPTZ reads exactly as DuckDB prints it, and
/// the CSV stays byte for byte what <c>COPY ... TO</c> writes, while numbers, strings and dates take the fast path.
/// </summary>
internal sealed class ResultColumns
{
    private readonly string query;
    private readonly string[] names;
    private readonly string[] types;

    private ResultColumns(string query, string[] names, string[] types)
    {
        this.query = query;
        this.names = names;
        this.types = types;
    }

    private enum Conversion
    {
        None,
        Text,
        Json,

        /// <summary>
        /// csv: a DECIMAL wider than 18 digits (held by DuckDB as a 128-bit integer, slow to print) read as
        /// DECIMAL(18, scale) when its value fits, which is nearly always, and as DuckDB's text when it does not.
        /// </summary>
        Narrowed,
    }

    /// <summary>
    /// For csv: <see cref="Rewrite"/>'s text conversions, and wide decimals narrowed (<see cref="Conversion.Narrowed"/>):
    /// each narrowed column's text, for the values that do not fit, is an extra column after the result's own, and
    /// <paramref name="textOf"/> gives its ordinal (-1 for the other columns). Null when nothing is converted.
    /// </summary>
    public string? RewriteForCsv(out int[] textOf)
    {
        var conversions = types.Select(t => NarrowScale(t) is not null ? Conversion.Narrowed : ConversionOf(t, json: false)).ToArray();
        textOf = [.. Enumerable.Repeat(-1, names.Length)];
        if (conversions.All(c => c == Conversion.None))
        {
            return null;
        }

        var extra = new StringBuilder();
        var next = names.Length;
        for (var i = 0; i < names.Length; i++)
        {
            if (conversions[i] == Conversion.Narrowed)
            {
                textOf[i] = next++;
                extra.Append($", CASE WHEN {Narrow(i, NarrowScale(types[i])!.Value)} IS NULL THEN CAST(_q.\"c{i}\" AS VARCHAR) END");
            }
        }

        return Build(conversions, extra.ToString());
    }

    private static string Narrow(int column, int scale) => $"TRY_CAST(_q.\"c{column}\" AS DECIMAL(18,{scale}))";

    /// <summary>The scale of a DECIMAL wider than 18 digits whose values may fit DECIMAL(18, scale), or null.</summary>
    private static int? NarrowScale(string type)
    {
        if (!type.StartsWith("DECIMAL(", StringComparison.Ordinal) || !type.EndsWith(')'))
        {
            return null;
        }

        var parts = type["DECIMAL(".Length..^1].Split(',');
        return parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var width) && width > 18
            && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var scale) && scale <= 18
            ? scale
            : null;
    }

    /// <summary>The columns of <paramref name="statement"/>, or null when DuckDB cannot describe it (EXPLAIN, PRAGMA...).</summary>
    public static ResultColumns? Describe(DuckDBConnection connection, ReadStatement statement)
    {
        if (statement.AsQuery is not { } query)
        {
            return null;
        }

        try
        {
            var columns = connection.Query($"DESCRIBE {query}\n", r => (Name: r.GetString(0), Type: r.GetString(1)));
            return new ResultColumns(query, [.. columns.Select(c => c.Name)], [.. columns.Select(c => c.Type.ToUpperInvariant())]);
        }
        catch (DuckDBException)
        {
            // Not describable: the writers format what DuckDB.NET gives. A query that cannot bind fails again,
            // with DuckDB's message, when it runs.
            return null;
        }
    }

    /// <summary>For json: the columns that hold JSON text (DuckDB's JSON type, and converted lists and structs).</summary>
    public bool[] RawJson => [.. types.Select(t => t == "JSON" || ConversionOf(t, json: true) == Conversion.Json)];

    /// <summary>The query with the conversions the format needs, or null when it needs none.</summary>
    public string? Rewrite(bool json)
    {
        var conversions = types.Select(t => ConversionOf(t, json)).ToArray();
        return conversions.All(c => c == Conversion.None) ? null : Build(conversions, string.Empty);
    }

    private string Build(Conversion[] conversions, string extraColumns)
    {
        // Inner columns are renamed by position, so duplicate names survive; the outer names are the originals.
        var sql = new StringBuilder("SELECT ");
        for (var i = 0; i < names.Length; i++)
        {
            var inner = $"_q.\"c{i}\"";
            sql.Append(i > 0 ? ", " : string.Empty)
                .Append(conversions[i] switch
                {
                    Conversion.Text => $"CAST({inner} AS VARCHAR)",
                    Conversion.Json => $"CAST({inner} AS JSON)",
                    Conversion.Narrowed => Narrow(i, NarrowScale(types[i])!.Value),
                    _ => inner,
                })
                .Append(" AS \"").Append(names[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        // The newline before ")" keeps a trailing "--" comment in the query from swallowing the parenthesis.
        sql.Append(extraColumns).Append(" FROM (\n").Append(query).Append("\n) AS _q(");
        sql.AppendJoin(", ", Enumerable.Range(0, names.Length).Select(i => $"\"c{i}\""));
        return sql.Append(')').ToString();
    }

    private static Conversion ConversionOf(string type, bool json)
    {
        if (type.EndsWith(']') || type.StartsWith("STRUCT(", StringComparison.Ordinal)
            || type.StartsWith("MAP(", StringComparison.Ordinal) || type.StartsWith("UNION(", StringComparison.Ordinal))
        {
            return json ? Conversion.Json : Conversion.Text;
        }

        if (type == "BLOB")
        {
            // JSON writes a blob's bytes as base64; text formats want DuckDB's escaped text.
            return json ? Conversion.None : Conversion.Text;
        }

        return IsNative(type) ? Conversion.None : Conversion.Text;
    }

    /// <summary>The types the writers format themselves, as DuckDB would.</summary>
    private static bool IsNative(string type) => type switch
    {
        "BOOLEAN" or "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT"
            or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT"
            or "FLOAT" or "DOUBLE" or "VARCHAR" or "JSON" or "DATE" or "TIMESTAMP" or "TIME" or "UUID" => true,
        _ when type.StartsWith("ENUM(", StringComparison.Ordinal) => true,

        // System.Decimal holds 28 digits; wider decimals are DuckDB's text.
        _ when type.StartsWith("DECIMAL(", StringComparison.Ordinal) => DecimalWidth(type) <= 28,
        _ => false,
    };

    private static int DecimalWidth(string type)
    {
        var digits = type["DECIMAL(".Length..].Split(',')[0];
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var width) ? width : int.MaxValue;
    }
}
