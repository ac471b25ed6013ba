namespace Lakehouse.Gold;

/// <summary>Quoting for the SQL the gold build writes around its models.</summary>
internal static class SqlText
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
