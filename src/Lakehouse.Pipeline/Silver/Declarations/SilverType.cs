namespace Lakehouse.Silver.Declarations;

/// <summary>
/// How a JSON member becomes a silver value: the column's SQL type, the conversion (a SQL template over the member's
/// JSON text, <c>{0}</c>), and the words a quarantine reason uses for what was expected ("an integer"). The built-in
/// conversions are <c>common.sql</c>'s macros, which judge the JSON type by the text and give NULL for anything but
/// the right type, so a member that is there but converts to NULL has the wrong type.
/// </summary>
/// <param name="SqlType">The silver column's type, e.g. <c>INTEGER</c>.</param>
/// <param name="Convert">The value, e.g. <c>silver_int({0})</c>.</param>
/// <param name="Expected">What a reason says was expected, e.g. <c>an integer</c>.</param>
internal sealed record SilverType(string SqlType, string Convert, string Expected)
{
    /// <summary>
    /// The conversion the check judges, when it differs from <see cref="Convert"/>: NULL exactly when the member has
    /// the wrong type (DONKI's text turns "" into NULL, which is not a wrong type). <c>{0}</c> is the JSON text.
    /// </summary>
    public string? Test { get; init; }

    /// <summary>
    /// A cheap test that the member is right (true for a missing one), when <c>silver_ok({0}, Test)</c> is not
    /// enough: a list's entries. <c>{0}</c> is the JSON text.
    /// </summary>
    public string? Ok { get; init; }

    /// <summary>
    /// The reason a present member is wrong (NULL when it is right), when <c>silver_check</c> is not enough: a list
    /// names the entry that is wrong. <c>{0}</c> is the JSON text, <c>{1}</c> the field's name as a SQL expression.
    /// </summary>
    public string? Check { get; init; }

    public static SilverType String { get; } = new("VARCHAR", "silver_string({0})", "a string");
    public static SilverType Integer { get; } = new("INTEGER", "silver_int({0})", "an integer");
    public static SilverType BigInt { get; } = new("BIGINT", "silver_bigint({0})", "an integer");
    public static SilverType Double { get; } = new("DOUBLE", "silver_double({0})", "a number");
    public static SilverType Boolean { get; } = new("BOOLEAN", "silver_boolean({0})", "a boolean");
    public static SilverType Timestamp { get; } = new("TIMESTAMP", "silver_timestamp({0})", "a timestamp");
    public static SilverType Date { get; } = new("DATE", "silver_date({0})", "a date");

    /// <summary>A reference to another document: its string id, or the id of the document itself when populated.</summary>
    public static SilverType Id { get; } = new("VARCHAR", "silver_reference({0})", "an id");

    /// <summary>
    /// A JSON array of <paramref name="entry"/> values (or, with <paramref name="member"/>, of objects whose member
    /// is taken), as a SQL list. A null entry is kept as NULL, unless <paramref name="nullEntryIsWrong"/>; an entry of
    /// the wrong type quarantines the element, and its reason names the entry (<c>ships[2]</c>).
    /// </summary>
    public static SilverType ListOf(SilverType entry, string? member = null, bool nullEntryIsWrong = false)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var test = entry.Test ?? entry.Convert;
        if (member is null)
        {
            var value = Apply(test, "e");
            var entryCheck = nullEntryIsWrong
                ? $"CASE WHEN {value} IS NULL THEN silver_wrong_type({{1}} || '[' || i || ']', e, '{entry.Expected}') END"
                : $"silver_check({{1}} || '[' || i || ']', e, {value}, '{entry.Expected}')";
            var entryOk = nullEntryIsWrong ? $"{value} IS NOT NULL" : $"silver_ok(e, {value})";
            return new SilverType(
                entry.SqlType + "[]",
                $"list_transform(silver_entries({{0}}), lambda e: {Apply(entry.Convert, "e")})",
                "an array")
            {
                Ok = $"(silver_ok({{0}}, silver_entries({{0}})) AND coalesce(list_bool_and(list_transform(silver_entries({{0}}), lambda e: {entryOk})), true))",
                Check = $$"""
                    coalesce(
                        silver_check({1}, {0}, silver_entries({0}), 'an array'),
                        silver_first_problem(list_transform(silver_entries({0}), lambda e, i: {{entryCheck}})))
                    """,
            };
        }

        var memberJson = $"o['{member}']";
        var memberValue = Apply(test, memberJson);
        var memberCheck = nullEntryIsWrong
            ? $"CASE WHEN {memberJson} IS NULL THEN 'missing ' || {{1}} || '[' || i || '].{member}' ELSE silver_check({{1}} || '[' || i || '].{member}', {memberJson}, {memberValue}, '{entry.Expected}') END"
            : $"silver_check({{1}} || '[' || i || '].{member}', {memberJson}, {memberValue}, '{entry.Expected}')";
        var memberOk = nullEntryIsWrong ? $"{memberValue} IS NOT NULL" : $"silver_ok({memberJson}, {memberValue})";
        return new SilverType(
            entry.SqlType + "[]",
            $"list_transform(silver_objects({{0}}), lambda o: {Apply(entry.Convert, memberJson)})",
            "an array of objects")
        {
            // A non-object entry is NULL in silver_objects' list.
            Ok = $"(silver_ok({{0}}, silver_objects({{0}})) AND coalesce(list_bool_and(list_transform(silver_objects({{0}}), lambda o: o IS NOT NULL AND {memberOk})), true))",
            Check = $$"""
                coalesce(
                    silver_check({1}, {0}, silver_objects({0}), 'an array of objects'),
                    silver_first_problem(list_transform(silver_objects({0}), lambda o, i:
                        CASE WHEN o IS NULL THEN silver_wrong_type({1} || '[' || i || ']', silver_entry({0}, i), 'an object') ELSE {{memberCheck}} END)))
                """,
        };
    }

    /// <summary>The template with <paramref name="json"/> for its <c>{0}</c>.</summary>
    internal static string Apply(string template, string json) => template.Replace("{0}", json, StringComparison.Ordinal);
}
