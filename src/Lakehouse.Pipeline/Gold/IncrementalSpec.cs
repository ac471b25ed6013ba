using System.Text.RegularExpressions;

namespace Lakehouse.Gold;

/// <summary>
/// How a model is brought up to date when silver only gained files since the last build, from its
/// <c>-- incremental:</c> line. The model's SQL then runs over the new silver files alone (its <c>silver.</c> tables
/// narrowed to them, except <see cref="Lookups"/>), and its rows are merged into the table:
/// <code>
/// -- incremental: unique_key=game_key newest_by=updated,_landed_at,_bronze_key
///     a new row replaces the row with its key when its newest_by values are greater (or none had the key): the
///     model keeps, per key, the observation that is greatest in that order, which the new files alone can decide
/// -- incremental: unique_key=game_key with=fact_game
///     the rows of every key fact_game replaced are dropped, and the new rows of those keys inserted (a bridge:
///     its rows follow the current observation of its parent)
/// lookups=table_a,table_b   silver tables read whole in either mode; a new file in one rebuilds the model
/// </code>
/// A model without the line is rebuilt whenever what it reads changed.
/// </summary>
/// <param name="UniqueKey">The column that identifies a row (or, with <see cref="With"/>, the parent's key).</param>
/// <param name="NewestBy">The columns that order observations of a key, greatest wins.</param>
/// <param name="With">The incremental model whose replaced keys this model's rows follow.</param>
/// <param name="Lookups">Silver tables read whole.</param>
internal sealed partial record IncrementalSpec(string UniqueKey, IReadOnlyList<string> NewestBy, string? With, IReadOnlyList<string> Lookups)
{
    private const string Marker = "-- incremental:";

    /// <summary>The spec the model's <c>-- incremental:</c> line declares; null without one.</summary>
    /// <exception cref="GoldBuildException">The line does not follow the grammar.</exception>
    public static IncrementalSpec? Parse(string model, string sql)
    {
        var line = sql.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        string? uniqueKey = null, with = null;
        string[] newestBy = [], lookups = [];
        foreach (var part in line[Marker.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = part.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (part[..eq], part[(eq + 1)..]) : (part, string.Empty);
            var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0 || !names.All(n => Identifier().IsMatch(n)))
            {
                throw Invalid(model, line);
            }

            switch (name)
            {
                case "unique_key" when names.Length == 1:
                    uniqueKey = names[0];
                    break;
                case "newest_by":
                    newestBy = names;
                    break;
                case "with" when names.Length == 1:
                    with = names[0];
                    break;
                case "lookups":
                    lookups = names;
                    break;
                default:
                    throw Invalid(model, line);
            }
        }

        // Exactly one merge rule: newest_by or with.
        return uniqueKey is not null && (newestBy.Length > 0) != (with is not null)
            ? new IncrementalSpec(uniqueKey, newestBy, with, lookups)
            : throw Invalid(model, line);
    }

    private static GoldBuildException Invalid(string model, string line) => new(
        $"Gold model {model}: cannot read '{line}'. Write '-- incremental: unique_key=col newest_by=col,col [lookups=table,...]' " +
        "or '-- incremental: unique_key=col with=model [lookups=table,...]'.",
        model);

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
