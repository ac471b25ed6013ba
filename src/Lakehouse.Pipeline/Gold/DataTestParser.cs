using System.Text.RegularExpressions;

namespace Lakehouse.Gold;

/// <summary>
/// Reads the data tests a model file declares, one per comment line, anywhere in the file (by convention in the
/// header, under the description of the table's grain):
/// <code>
/// -- test: unique(launch_key)                          no two rows share the value(s); several columns = compound grain
/// -- test: unique(launch_key, core_ordinal)
/// -- test: not_null(launch_key, rocket_key, date_key)  no NULL in any of the columns
/// -- test: relationships(rocket_key -> dim_rocket.rocket_key)   every non-null value exists in the other model's column
/// -- test: accepted_values(date_precision: 'half', 'quarter', 'year', 'month', 'day', 'hour')
/// </code>
/// Column and model names are plain identifiers (letters, digits, underscores). Accepted values are SQL literals:
/// single-quoted strings (<c>''</c> for a quote inside), numbers, <c>true</c> or <c>false</c>. A line that starts
/// with <c>-- test:</c> but does not follow this grammar fails the build, so a typo never disables a test silently.
/// </summary>
internal static partial class DataTestParser
{
    public static IReadOnlyList<DataTest> Parse(string model, string sql)
    {
        var tests = new List<DataTest>();
        var lines = sql.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var marker = TestMarker().Match(line);
            if (!marker.Success)
            {
                continue;
            }

            var declaration = line[marker.Length..].Trim();
            tests.Add(ParseDeclaration(model, declaration)
                ?? throw new GoldBuildException(
                    $"Gold model {model}, line {i + 1}: cannot read the data test '{declaration}'. " +
                    "Write unique(col, ...), not_null(col, ...), relationships(col -> model.col) or " +
                    "accepted_values(col: 'a', 'b', ...).",
                    model));
        }

        return tests;
    }

    private static DataTest? ParseDeclaration(string model, string declaration)
    {
        var call = Call().Match(declaration);
        if (!call.Success)
        {
            return null;
        }

        var arguments = call.Groups["arguments"].Value.Trim();
        switch (call.Groups["kind"].Value)
        {
            case "unique":
                return Columns(arguments) is { } unique ? new UniqueTest(model, declaration, unique) : null;
            case "not_null":
                return Columns(arguments) is { } notNull ? new NotNullTest(model, declaration, notNull) : null;
            case "relationships":
                var relation = Relationship().Match(arguments);
                return relation.Success
                    ? new RelationshipsTest(
                        model, declaration, relation.Groups["column"].Value, relation.Groups["model"].Value, relation.Groups["target"].Value)
                    : null;
            case "accepted_values":
                var accepted = AcceptedValues().Match(arguments);
                return accepted.Success
                    ? new AcceptedValuesTest(
                        model, declaration, accepted.Groups["column"].Value, accepted.Groups["value"].Captures.Select(c => c.Value).ToArray())
                    : null;
            default:
                return null;
        }
    }

    private static string[]? Columns(string arguments)
    {
        var columns = arguments.Split(',', StringSplitOptions.TrimEntries);
        return columns.All(c => Identifier().IsMatch(c)) ? columns : null;
    }

    [GeneratedRegex(@"^--\s*test\s*:")]
    private static partial Regex TestMarker();

    [GeneratedRegex(@"^(?<kind>[a-z_]+)\s*\((?<arguments>.*)\)$")]
    private static partial Regex Call();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?<column>[A-Za-z_][A-Za-z0-9_]*)\s*->\s*(?<model>[A-Za-z_][A-Za-z0-9_]*)\.(?<target>[A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex Relationship();

    [GeneratedRegex(
        @"^(?<column>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?<value>'(?:[^']|'')*'|[-+]?[0-9]+(?:\.[0-9]+)?|true|false)" +
        @"(?:\s*,\s*(?<value>'(?:[^']|'')*'|[-+]?[0-9]+(?:\.[0-9]+)?|true|false))*$")]
    private static partial Regex AcceptedValues();
}
