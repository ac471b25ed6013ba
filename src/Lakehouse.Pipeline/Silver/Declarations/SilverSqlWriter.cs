using System.Globalization;
using System.Text;

namespace Lakehouse.Silver.Declarations;

/// <summary>
/// Writes a dataset's silver SQL from its declaration (<see cref="SilverDataset"/>): the tables' DDL (the silver
/// schema, which the Parquet contract is read from) and the transform's script, which keeps the promises of
/// <c>common.sql</c>: <c>silver_stage</c> with each element's problem and record, the drift report, and a
/// <c>{table}_rows</c> view per table.
/// </summary>
/// <remarks>
/// The script reads each member once, as JSON text (<c>"$path"</c>), each nested object once, as a struct of the
/// members read (<c>"@path"</c>) with its member names for drift (<c>"#path"</c>), and converts each member once.
/// Whether an element is valid is a cheap test that almost every element passes; the reason, which costs far more to
/// build, is built only for the few that fail. The entries of an element's arrays are rows of their own table,
/// checked the same way; an element takes the first problem of its entries.
/// </remarks>
internal static class SilverSqlWriter
{
    private const string Lineage = "_run_id, _bronze_key, _landed_at";
    private const string Elements = "silver_elements";
    private const string Problems = "silver_problems";
    private const string Valid = "silver_valid";
    private const string Latest = "silver_latest";
    private const string FastElements = "silver_fast";

    private static readonly string[] Reserved =
        ["input_ordinal", "element_ordinal", "position", "element", "entry", "entry_json", "ordinal", "valid", "problem", "record", "_run_id", "_bronze_key", "_landed_at"];

    /// <summary>The DDL of a source's silver tables and its quarantine table.</summary>
    public static string Schema(string source, IEnumerable<SilverDataset> datasets)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(datasets);
        var sql = new StringBuilder();
        sql.AppendLine(CultureInfo.InvariantCulture, $"-- The {source} silver tables, written from the source's declarations. Each ends with the lineage columns:");
        sql.AppendLine("-- the landing run, the bronze object the row came from, and when that object was landed (UTC).");
        foreach (var table in datasets.SelectMany(d => d.Tables))
        {
            sql.AppendLine();
            if (table.Comment is not null)
            {
                sql.AppendLine(CultureInfo.InvariantCulture, $"-- {table.Comment}");
            }

            sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {table.Name} (");
            foreach (var column in table.Columns)
            {
                var line = $"    {column.Name} {column.Type.SqlType}{(table.IsNotNull(column) ? " NOT NULL" : string.Empty)},";
                sql.AppendLine(column.Comment is null ? line : $"{line,-41} -- {column.Comment}");
            }

            sql.AppendLine("    _run_id VARCHAR NOT NULL,");
            sql.AppendLine("    _bronze_key VARCHAR NOT NULL,");
            sql.AppendLine("    _landed_at TIMESTAMP NOT NULL");
            sql.AppendLine(");");
        }

        sql.AppendLine();
        sql.AppendLine("-- Rows that failed validation, of every dataset of the source: why, and the record as received.");
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {SilverTables.QuarantineTable(source)} (");
        sql.AppendLine("    dataset VARCHAR NOT NULL,                -- e.g. 'launches'");
        sql.AppendLine("    reason VARCHAR NOT NULL,");
        sql.AppendLine("    record VARCHAR,                          -- the JSON element as received (or the whole body when it did not parse)");
        sql.AppendLine("    _run_id VARCHAR NOT NULL,");
        sql.AppendLine("    _bronze_key VARCHAR NOT NULL,");
        sql.AppendLine("    _landed_at TIMESTAMP NOT NULL");
        sql.AppendLine(");");
        return sql.ToString();
    }

    /// <summary>The dataset's transform script (see <c>common.sql</c> for what it is given and must provide).</summary>
    /// <exception cref="ArgumentException">The declaration contradicts itself.</exception>
    public static string Script(SilverDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Check(dataset);
        var sql = new StringBuilder();
        sql.AppendLine(CultureInfo.InvariantCulture, $"-- {dataset.Comment ?? dataset.Name} (written from its declaration)");
        sql.AppendLine(CultureInfo.InvariantCulture, $"-- produces: {string.Join(", ", dataset.Tables.Select(t => t.Name))}");
        sql.AppendLine(CultureInfo.InvariantCulture, $"-- elements: {dataset.Elements}");
        if (dataset.EmptyBodyHasNoElements)
        {
            sql.AppendLine("-- empty body: no elements");
        }

        sql.AppendLine();
        if (dataset.Sql is not null)
        {
            return sql.Append(dataset.Sql).ToString();
        }

        var root = new Scope(dataset.Table, dataset.Entries.Select(e => e.Array));
        var fast = FastPath(dataset) is not null;
        var fields = new FieldNames(null);

        // The elements, each member read once and converted once.
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP TABLE {Elements} AS");
        sql.AppendLine("SELECT * FROM (");
        sql.Append(root.Ctes(
            $"SELECT *, silver_position(input_ordinal, element_ordinal) AS position, element AS scope FROM bronze_elements",
            "scope"));
        // Kept: what the problems, the drift report, the entries and the rows read. The members' JSON texts and the
        // nested objects are not kept: an element's own reason is built here, and only when it is invalid.
        var arrays = dataset.Entries.Select(e => e.Array).ToList();
        var ownReasons = new List<string> { "silver_check_element(element, element_ordinal)" };
        ownReasons.AddRange(root.Reasons(fields));
        ownReasons.AddRange(dataset.Entries.Select(e =>
            $"silver_check({fields.Of(e.Array)}, \"${e.Array}\", silver_entries(\"${e.Array}\"), '{(e.Scalar is null ? "an array of objects" : "an array")}')"));
        var kept = new List<string> { "input_ordinal", "element_ordinal", "position", "_run_id", "_bronze_key", "_landed_at", "element" };
        kept.AddRange(dataset.Table.Columns.Where(c => c.Kind is SilverColumnKind.Member or SilverColumnKind.Computed).Select(c => c.Name));
        kept.AddRange(root.Objects.Select(o => $"\"#{o}\""));
        kept.AddRange(arrays.Select(a => $"\"${a}\""));
        sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT\n    {string.Join(", ", kept)}, valid,");
        sql.AppendLine(CultureInfo.InvariantCulture, $"    CASE WHEN NOT valid THEN coalesce(\n        {string.Join(",\n        ", ownReasons)}) END AS own_problem");
        sql.AppendLine(CultureInfo.InvariantCulture, $"FROM (SELECT *, {root.Valid("element", arrays)} AS valid FROM typed))");
        if (fast)
        {
            // The fast path's elements: read typed, judged clean before (SilverBodyCheck and silver_fast_invalid).
            sql.AppendLine("UNION ALL BY NAME");
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"SELECT true AS valid, NULL::VARCHAR AS own_problem, * FROM ({Fast.Select(dataset.Table, "f", $"input_ordinal, element_ordinal, position, {Lineage}", FastElements)})");
        }

        sql.AppendLine(";");
        sql.AppendLine();

        // The arrays' entries, one row each, checked on their own.
        for (var i = 0; i < dataset.Entries.Count; i++)
        {
            sql.Append(EntriesTable(dataset.Entries[i], i, fast));
        }

        if (fast)
        {
            // The fast path's typed elements are all in the tables now.
            sql.AppendLine(CultureInfo.InvariantCulture, $"DROP TABLE {FastElements};");
            sql.AppendLine();
        }

        // Why each invalid element is quarantined: its own first problem, else its entries' first.
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP TABLE {Problems} AS");
        sql.AppendLine("SELECT");
        sql.AppendLine("    position,");
        var reasons = new List<string> { "own_problem" };
        reasons.AddRange(dataset.Entries.Select((_, i) => $"entries_{i}.problem"));
        sql.AppendLine(CultureInfo.InvariantCulture, $"    silver_problem(false, coalesce({string.Join(", ", reasons)})) AS problem");
        sql.AppendLine(CultureInfo.InvariantCulture, $"FROM {Elements}");
        for (var i = 0; i < dataset.Entries.Count; i++)
        {
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"LEFT JOIN (SELECT position, arg_min(problem, ordinal) AS problem FROM silver_entries_{i} WHERE problem IS NOT NULL GROUP BY position) AS entries_{i} USING (position)");
        }

        sql.AppendLine(CultureInfo.InvariantCulture,
            $"WHERE NOT (valid{string.Concat(dataset.Entries.Select((_, i) => $" AND entries_{i}.problem IS NULL"))});");
        sql.AppendLine();

        sql.AppendLine(
            $"""
            CREATE TEMP VIEW silver_stage AS
            SELECT
                e.input_ordinal, e.element_ordinal, e.position, e._run_id, e._bronze_key, e._landed_at, p.problem,
                CASE WHEN p.problem IS NOT NULL THEN to_json(e.element)::VARCHAR END AS record
            FROM {Elements} AS e LEFT JOIN {Problems} AS p USING (position);

            CREATE TEMP VIEW {Valid} AS SELECT * FROM {Elements} ANTI JOIN {Problems} USING (position);

            """);

        sql.Append(Drift(dataset, root));

        // Of each key the valid element that wins.
        var table = dataset.Table;
        var key = string.Join(", ", table.Key);
        var winner = table.NewestBy is null
            ? "max(position)"
            : $"arg_max(position, (coalesce({table.NewestBy}, -1)::BIGINT, position))";
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP TABLE {Latest} AS SELECT {key}, {winner} AS position FROM {Valid} GROUP BY {key};");
        sql.AppendLine();
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP VIEW {table.Name}_rows AS");
        sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT {string.Join(", ", table.Columns.Select(c => c.Name))}, {Lineage}");
        sql.AppendLine(CultureInfo.InvariantCulture, $"FROM {Valid} SEMI JOIN {Latest} USING ({key}, position)");
        sql.AppendLine(CultureInfo.InvariantCulture, $"ORDER BY {key};");
        sql.AppendLine();

        for (var i = 0; i < dataset.Entries.Count; i++)
        {
            sql.Append(EntriesRows(dataset.Entries[i], i, table));
        }

        return sql.ToString();
    }

    /// <summary>
    /// The dataset's fast path (null for a hand-written script): the type its bodies are read as, and the SQL that
    /// takes the typed elements from the view <c>bronze_fast</c> (input_ordinal, element_ordinal, element, lineage)
    /// into <c>silver_fast</c> and names, in <c>silver_fast_invalid</c>, the inputs whose members of SQL-judged types
    /// are wrong: those go the careful way.
    /// </summary>
    public static SilverFastPath? FastPath(SilverDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Sql is not null)
        {
            return null;
        }

        var shape = SilverShape.Of(dataset.Table, dataset.Entries);
        if (!shape.Typed)
        {
            return null;
        }

        var invalid = new List<string>();
        if (Fast.Ok(dataset.Table, "f") is { } ok)
        {
            invalid.Add($"SELECT input_ordinal FROM {FastElements} WHERE NOT ({ok})");
        }

        foreach (var entries in dataset.Entries)
        {
            var entryOk = entries.Scalar is { } scalar
                ? Fast.ScalarOk(scalar, "x")
                : Fast.Ok(entries.Table, "x");
            if (entryOk is not null)
            {
                invalid.Add($"SELECT input_ordinal FROM (SELECT input_ordinal, unnest(f['{entries.Array}']) AS x FROM {FastElements}) WHERE NOT ({entryOk})");
            }
        }

        var sql = $"""
            CREATE TEMP TABLE {FastElements} AS
            SELECT input_ordinal, element_ordinal, silver_position(input_ordinal, element_ordinal) AS position, {Lineage}, element AS f
            FROM bronze_fast;

            CREATE TEMP VIEW silver_fast_invalid AS
            {(invalid.Count == 0 ? "SELECT NULL::INTEGER AS input_ordinal WHERE false" : string.Join("\nUNION\n", invalid))};
            """;
        return new SilverFastPath(shape, shape.StructType(), sql);
    }

    /// <summary>The rows of one array's entries: <c>silver_entries_{i}</c>, each with its problem.</summary>
    private static string EntriesTable(SilverEntries entries, int index, bool typed)
    {
        var fields = new FieldNames($"'{entries.Array}[' || ordinal || ']'");
        var sql = new StringBuilder();
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP TABLE silver_entries_{index} AS");
        sql.AppendLine("SELECT * FROM (");
        var fast = typed
            ? $"""
                ) UNION ALL BY NAME
                SELECT NULL::VARCHAR AS problem, * FROM ({Fast.Entries(entries)});

                """
            : ");\n\n";
        var from = $"""
            SELECT position, unnest(list) AS entry_json, generate_subscripts(list, 1) AS ordinal
                FROM (SELECT position, silver_entries("${entries.Array}") AS list FROM {Elements})
            """;
        if (entries.Scalar is { } scalar)
        {
            var test = SilverType.Apply(scalar.Type.Test ?? scalar.Type.Convert, "entry_json");
            var valid = scalar.Required ? $"{test} IS NOT NULL" : $"silver_ok(entry_json, {test})";
            var reason = scalar.Required
                ? $"CASE WHEN {test} IS NULL THEN silver_wrong_type({fields.Entry}, entry_json, '{scalar.Type.Expected}') END"
                : $"silver_check({fields.Entry}, entry_json, {test}, '{scalar.Type.Expected}')";
            sql.AppendLine(
                $"""
                WITH entries AS (
                    {from}
                )
                SELECT position, ordinal, {SilverType.Apply(scalar.Type.Convert, "entry_json")} AS {scalar.Name},
                    CASE WHEN NOT ({valid}) THEN {reason} END AS problem
                FROM entries
                """);
            return sql.Append(fast).ToString();
        }

        var scope = new Scope(entries.Table, []);
        // Each entry's JSON text, then its MAP: the text is what a reason shows for an entry that is not an object.
        // (Casting the whole array to a list of MAPs at once measured slower on SpaceX launches.)
        sql.Append(scope.Ctes($"SELECT *, silver_object(entry_json) AS scope FROM ({from})", "scope", entries.StringEntryColumn));
        var entryValid = scope.Valid("scope", []);
        var entryReasons = new List<string>();
        if (entries.StringEntryColumn is { } stringColumn)
        {
            var expected = entries.Table.Columns.Single(c => c.Name == stringColumn).Type.Expected + " or an object";
            entryValid = $"starts_with(entry_json, '\"') OR ({entryValid})";
            entryReasons.Add($"CASE WHEN starts_with(entry_json, '\"') THEN NULL WHEN scope IS NULL THEN silver_wrong_type({fields.Entry}, entry_json, '{expected}') END");
        }
        else
        {
            entryReasons.Add($"CASE WHEN scope IS NULL THEN silver_wrong_type({fields.Entry}, entry_json, 'an object') END");
        }

        entryReasons.AddRange(scope.Reasons(fields));
        var kept = entries.Table.Columns.Where(c => c.Kind is SilverColumnKind.Member or SilverColumnKind.Computed).Select(c => c.Name)
            .Concat(scope.Objects.Select(o => $"\"#{o}\""));
        sql.AppendLine("SELECT");
        sql.AppendLine(CultureInfo.InvariantCulture, $"    position, ordinal, {string.Join(", ", kept)},");
        sql.AppendLine("    map_keys(scope) AS \"#\",");
        sql.AppendLine(CultureInfo.InvariantCulture,
            $"    CASE WHEN NOT ({entryValid}) THEN silver_problem(false, coalesce(\n        {string.Join(",\n        ", entryReasons)})) END AS problem");
        sql.AppendLine("FROM typed");
        return sql.Append(fast).ToString();
    }

    /// <summary>The view <c>{table}_rows</c> of one array's entries: those of the winning elements, or of each key the last seen.</summary>
    private static string EntriesRows(SilverEntries entries, int index, SilverTable parent)
    {
        var table = entries.Table;
        var select = string.Join(", ", table.Columns.Select(c => c.Kind switch
        {
            SilverColumnKind.Parent => $"p.{c.Sql} AS {c.Name}",
            SilverColumnKind.Ordinal => $"e.ordinal AS {c.Name}",
            _ => $"e.{c.Name}",
        }));
        var ownKey = table.Key.Length > 0;
        var key = ownKey
            ? table.Key
            : [.. table.Columns.Where(c => c.Kind is SilverColumnKind.Parent or SilverColumnKind.Ordinal).Select(c => c.Name)];
        var parents = ownKey && !entries.KeyWithinElement
            ? Valid
            : $"(SELECT * FROM {Valid} SEMI JOIN {Latest} USING ({string.Join(", ", parent.Key)}, position))";
        var sql = new StringBuilder();
        sql.AppendLine(
            $$"""
            CREATE TEMP VIEW silver_entries_{{index}}_all AS
            SELECT {{select}}, p._run_id, p._bronze_key, p._landed_at, {'position': e.position, 'ordinal': e.ordinal} AS _seen
            FROM silver_entries_{{index}} AS e JOIN {{parents}} AS p USING (position);

            """);
        sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TEMP VIEW {table.Name}_rows AS");
        sql.AppendLine(CultureInfo.InvariantCulture, $"SELECT {string.Join(", ", table.Columns.Select(c => c.Name))}, {Lineage}");
        sql.AppendLine(CultureInfo.InvariantCulture, $"FROM silver_entries_{index}_all");
        if (ownKey)
        {
            var keys = string.Join(", ", key);
            sql.AppendLine(CultureInfo.InvariantCulture,
                $"SEMI JOIN (SELECT {keys}, max(_seen) AS _seen FROM silver_entries_{index}_all GROUP BY {keys}) AS latest USING ({keys}, _seen)");
        }

        sql.AppendLine(CultureInfo.InvariantCulture, $"ORDER BY {string.Join(", ", key)};");
        sql.AppendLine();
        return sql.ToString();
    }

    /// <summary>Drift: each member no declaration knows, counted once per distinct list of member names.</summary>
    private static string Drift(SilverDataset dataset, Scope root)
    {
        var lists = new List<string>();
        lists.AddRange(root.NameLists(string.Empty, Elements, "map_keys(element)"));
        for (var i = 0; i < dataset.Entries.Count; i++)
        {
            var entries = dataset.Entries[i];
            if (entries.Scalar is null)
            {
                lists.AddRange(new Scope(entries.Table, []).NameLists($"{entries.Array}[].", $"silver_entries_{i}", "\"#\""));
            }
        }

        return $"""
            INSERT INTO silver_drift
            WITH names(prefix, names, known) AS (
                {string.Join("\n    UNION ALL\n    ", lists)}
            ), signatures AS (
                SELECT prefix, any_value(names) AS names, any_value(known) AS known, count(*) AS objects
                FROM names
                WHERE names IS NOT NULL
                GROUP BY prefix, hash(names)
            )
            SELECT field, sum(objects) AS occurrences
            FROM (SELECT prefix || unnest(silver_unknown(names, known)) AS field, objects FROM signatures)
            GROUP BY field;


            """;
    }

    private static void Check(SilverDataset dataset)
    {
        foreach (var table in dataset.Tables)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var column in table.Columns)
            {
                if (!names.Add(column.Name) || Reserved.Contains(column.Name) || !IsName(column.Name))
                {
                    throw new ArgumentException($"The silver table {table.Name} declares the column '{column.Name}' twice, or a name the script reserves or cannot spell.", nameof(dataset));
                }
            }

            var notAnObject = table.RequiredObjects.FirstOrDefault(o =>
                !table.Columns.Any(c => c.Kind == SilverColumnKind.Member && c.Paths.Any(p => p.StartsWith(o + ".", StringComparison.Ordinal))));
            if (notAnObject is not null)
            {
                throw new ArgumentException($"The silver table {table.Name} requires the object '{notAnObject}', which no column's path goes through.", nameof(dataset));
            }

            var missing = table.Key.FirstOrDefault(k => !names.Contains(k));
            if (missing is not null)
            {
                throw new ArgumentException($"The key of the silver table {table.Name} names '{missing}', which is not one of its columns.", nameof(dataset));
            }
        }

        if (dataset.Table.Key.Length == 0)
        {
            throw new ArgumentException($"The silver table {dataset.Table.Name} has no key.", nameof(dataset));
        }

        var optional = dataset.Table.Key.FirstOrDefault(k => !dataset.Table.IsNotNull(dataset.Table.Columns.Single(c => c.Name == k)));
        if (optional is not null)
        {
            throw new ArgumentException($"The key column {dataset.Table.Name}.{optional} must be required (NOT NULL).", nameof(dataset));
        }
    }

    private static bool IsName(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>
    /// The fast path's SQL: the columns' values from a typed struct (<c>f['links']['patch']</c>). A member read
    /// natively is its value as DuckDB read it (judged clean before); a member of another type is its JSON text,
    /// converted by the type's own template, as the careful path converts it.
    /// </summary>
    private static class Fast
    {
        /// <summary><c>SELECT *, computed FROM (SELECT {extra}, values FROM {from})</c> for <paramref name="table"/>'s read and computed columns.</summary>
        public static string Select(SilverTable table, string var, string extra, string from)
        {
            var kinds = SilverShape.PathKinds(table);
            var values = table.Columns.Where(c => c.Kind == SilverColumnKind.Member).Select(c => $"{Value(c, var, kinds)} AS {c.Name}");
            var computed = table.Columns.Where(c => c.Kind == SilverColumnKind.Computed).Select(c => $", {c.Sql} AS {c.Name}");
            return $"SELECT *{string.Concat(computed)} FROM (SELECT {string.Join(", ", [extra, .. values])} FROM {from})";
        }

        /// <summary>The fast rows of an array's entries, as <c>silver_entries_{i}</c> holds them (without problem).</summary>
        public static string Entries(SilverEntries entries)
        {
            var from = $"(SELECT position, unnest(f['{entries.Array}']) AS x, generate_subscripts(f['{entries.Array}'], 1) AS ordinal FROM {FastElements})";
            if (entries.Scalar is { } scalar)
            {
                var value = SilverShape.Kind(scalar.Type) == SilverValueKind.Sql ? SilverType.Apply(scalar.Type.Convert, "x") : "x";
                return $"SELECT position, ordinal, {value} AS {scalar.Name} FROM {from}";
            }

            return Select(entries.Table, "x", "position, ordinal", from);
        }

        /// <summary>The test of the members judged in SQL (NULL when there are none): true when they are right.</summary>
        public static string? Ok(SilverTable table, string var)
        {
            var tests = new List<string>();
            var kinds = SilverShape.PathKinds(table);
            foreach (var column in table.Columns.Where(c => c.Kind == SilverColumnKind.Member && c.Paths.Any(p => kinds[p] == SilverValueKind.Sql)))
            {
                tests.AddRange(column.Paths.Where(p => kinds[p] == SilverValueKind.Sql).Select(p => Scope.OkOf(column.Type, Access(var, p))));
                if (column.Required)
                {
                    var value = Value(column, var, kinds);
                    var parent = column.Paths[0].LastIndexOf('.') is var dot and > 0 ? column.Paths[0][..dot] : null;
                    tests.Add(parent is null ? $"{value} IS NOT NULL" : $"({Access(var, parent)} IS NULL OR {value} IS NOT NULL)");
                }
            }

            return tests.Count == 0 ? null : string.Join(" AND ", tests);
        }

        public static string? ScalarOk(SilverColumn scalar, string var)
        {
            if (SilverShape.Kind(scalar.Type) != SilverValueKind.Sql)
            {
                return null;
            }

            var test = SilverType.Apply(scalar.Type.Test ?? scalar.Type.Convert, var);
            return scalar.Required ? $"{test} IS NOT NULL" : $"silver_ok({var}, {test})";
        }

        private static string Value(SilverColumn column, string var, IReadOnlyDictionary<string, SilverValueKind> kinds)
        {
            var values = column.Paths.Select(p => kinds[p] == SilverValueKind.Sql
                ? SilverType.Apply(column.Type.Convert, Access(var, p))
                : Access(var, p)).ToList();
            return values.Count == 1 ? values[0] : $"coalesce({string.Join(", ", values)})";
        }

        private static string Access(string var, string path) =>
            var + string.Concat(path.Split('.').Select(p => $"['{p}']"));
    }

    /// <summary>How a reason names a field: <c>'links.patch'</c> in an element, <c>'cores[' || ordinal || '].flight'</c> in an entry.</summary>
    private sealed class FieldNames(string? entry)
    {
        /// <summary>The entry itself, <c>'cores[' || ordinal || ']'</c>.</summary>
        public string Entry => entry ?? throw new InvalidOperationException("An element is not an entry.");

        public string Of(string path) => entry is null ? $"'{path}'" : $"{entry} || '.{path}'";
    }

    /// <summary>
    /// The members one table reads from its scope (the element, or an array's entry): the paths, the objects on them,
    /// and the SQL that reads, converts and checks them.
    /// </summary>
    private sealed class Scope
    {
        private readonly SilverTable table;
        private readonly List<string> objects;

        /// <summary>The objects on the members' paths, shallowest first.</summary>
        public IReadOnlyList<string> Objects => objects;
        private readonly List<string> members;

        public Scope(SilverTable table, IEnumerable<string> arrays)
        {
            this.table = table;
            var paths = table.Columns.Where(c => c.Kind == SilverColumnKind.Member).SelectMany(c => c.Paths).Concat(arrays).Distinct().ToList();
            members = paths;
            objects = [.. paths.SelectMany(Prefixes).Distinct().OrderBy(p => p.Count(c => c == '.')).ThenBy(p => p, StringComparer.Ordinal)];
            foreach (var path in objects.Where(o => !members.Contains(o)))
            {
                members.Add(path);
            }

            Known = [.. paths.Concat(table.Ignored).Distinct()];
        }

        private List<string> Known { get; }

        private IEnumerable<SilverColumn> Read => table.Columns.Where(c => c.Kind == SilverColumnKind.Member);

        /// <summary>
        /// The CTEs that end in <c>typed</c>: the members as JSON text, the objects as structs, the converted values
        /// and the computed columns. <paramref name="scope"/> is the MAP the members are read from.
        /// </summary>
        public string Ctes(string from, string scope, string? stringEntryColumn = null)
        {
            var ctes = new List<string>();
            var top = members.Where(m => !m.Contains('.', StringComparison.Ordinal)).Select(m => $"{scope}['{m}'] AS \"${m}\"").ToList();
            ctes.Add($"m0 AS (\n    SELECT *{string.Concat(top.Select(t => ",\n        " + t))}\n    FROM ({from})\n)");
            var depth = 0;
            foreach (var level in objects.GroupBy(o => o.Count(c => c == '.')))
            {
                var structs = level.Select(o =>
                    $"CASE WHEN starts_with(\"${o}\", '{{') THEN json_transform(\"${o}\", '{StructOf(o)}') END AS \"@{o}\",\n        " +
                    $"CASE WHEN starts_with(\"${o}\", '{{') THEN json_keys(\"${o}\") END AS \"#{o}\"");
                ctes.Add($"o{depth} AS (\n    SELECT *,\n        {string.Join(",\n        ", structs)}\n    FROM m{depth}\n)");
                var inner = level.SelectMany(o => Children(o).Select(m => $"\"@{o}\"['{m[(o.Length + 1)..]}'] AS \"${m}\""));
                ctes.Add($"m{depth + 1} AS (\n    SELECT *,\n        {string.Join(",\n        ", inner)}\n    FROM o{depth}\n)");
                depth++;
            }

            var conversions = Read.Select(c =>
            {
                var values = c.Paths.Select(p => SilverType.Apply(c.Type.Convert, $"\"${p}\"")).ToList();
                var value = values.Count == 1 ? values[0] : $"coalesce({string.Join(", ", values)})";
                if (c.Name == stringEntryColumn)
                {
                    value = $"CASE WHEN starts_with(entry_json, '\"') THEN entry_json->>'$' ELSE {value} END";
                }

                return $"{value} AS {c.Name}";
            }).ToList();
            ctes.Add($"converted AS (\n    SELECT *{string.Concat(conversions.Select(t => ",\n        " + t))}\n    FROM m{depth}\n)");
            var computed = table.Columns.Where(c => c.Kind == SilverColumnKind.Computed).Select(c => $"{c.Sql} AS {c.Name}").ToList();
            ctes.Add($"typed AS (\n    SELECT *{string.Concat(computed.Select(t => ",\n        " + t))}\n    FROM converted\n)");
            return $"WITH {string.Join(", ", ctes)}\n";
        }

        /// <summary>The cheap test: true for an element (or entry) every member of which is right.</summary>
        public string Valid(string scope, IEnumerable<string> arrays)
        {
            var tests = new List<string> { $"{scope} IS NOT NULL" };
            tests.AddRange(objects.Select(o => $"silver_ok(\"${o}\", \"@{o}\")"));
            tests.AddRange(table.RequiredObjects.Select(o => $"\"${o}\" IS NOT NULL"));
            foreach (var column in Read)
            {
                tests.AddRange(column.Paths.Select(p => Ok(column.Type, p)));
                if (column.Required)
                {
                    var parent = Parent(column.Paths[0]);
                    tests.Add(parent is null ? $"{column.Name} IS NOT NULL" : $"(\"@{parent}\" IS NULL OR {column.Name} IS NOT NULL)");
                }
            }

            tests.AddRange(arrays.Select(a => $"silver_ok(\"${a}\", silver_entries(\"${a}\"))"));
            return string.Join("\n        AND ", tests);
        }

        /// <summary>The reasons, in the columns' order, each NULL when its member is right.</summary>
        public IEnumerable<string> Reasons(FieldNames fields)
        {
            var checkedObjects = new HashSet<string>(StringComparer.Ordinal);
            var checkedPaths = new HashSet<string>(StringComparer.Ordinal);
            foreach (var column in Read)
            {
                foreach (var o in column.Paths.SelectMany(Prefixes).Where(checkedObjects.Add))
                {
                    if (table.RequiredObjects.Contains(o))
                    {
                        yield return $"CASE WHEN \"${o}\" IS NULL THEN 'missing ' || {fields.Of(o)} END";
                    }

                    yield return $"silver_check({fields.Of(o)}, \"${o}\", \"@{o}\", 'an object')";
                }

                if (column.Required)
                {
                    var parent = Parent(column.Paths[0]);
                    var absent = string.Join(" AND ", column.Paths.Select(p => $"\"${p}\" IS NULL"));
                    var when = parent is null ? absent : $"\"@{parent}\" IS NOT NULL AND {absent}";
                    yield return $"CASE WHEN {when} THEN 'missing ' || {fields.Of(column.Paths[0])} END";
                }

                foreach (var path in column.Paths.Where(checkedPaths.Add))
                {
                    var json = $"\"${path}\"";
                    yield return column.Type.Check is { } check
                        ? SilverType.Apply(check, json).Replace("{1}", fields.Of(path), StringComparison.Ordinal)
                        : $"silver_check({fields.Of(path)}, {json}, {SilverType.Apply(column.Type.Test ?? column.Type.Convert, json)}, '{column.Type.Expected}')";
                }
            }
        }

        /// <summary>The lists of member names drift compares with the known ones: the scope's own and each object's.</summary>
        public IEnumerable<string> NameLists(string prefix, string from, string scopeNames)
        {
            yield return $"SELECT '{prefix}', {scopeNames}, {List(Known.Select(First).Distinct())} FROM {from}";
            foreach (var o in objects)
            {
                var known = Known.Where(k => k.StartsWith(o + ".", StringComparison.Ordinal)).Select(k => First(k[(o.Length + 1)..])).Distinct();
                yield return $"SELECT '{prefix}{o}.', \"#{o}\", {List(known)} FROM {from}";
            }
        }

        private static string Ok(SilverType type, string path) => OkOf(type, $"\"${path}\"");

        /// <summary>The cheap test of one member given its JSON text <paramref name="json"/>: true when missing or right.</summary>
        public static string OkOf(SilverType type, string json) =>
            type.Ok is { } ok ? SilverType.Apply(ok, json) : $"silver_ok({json}, {SilverType.Apply(type.Test ?? type.Convert, json)})";

        private IEnumerable<string> Children(string o) =>
            members.Where(m => m.StartsWith(o + ".", StringComparison.Ordinal) && !m[(o.Length + 1)..].Contains('.', StringComparison.Ordinal));

        private string StructOf(string o) =>
            "{" + string.Join(", ", Children(o).Select(m => $"\"{m[(o.Length + 1)..]}\": \"JSON\"")) + "}";

        private static string First(string path) => path.Split('.')[0];

        private static string? Parent(string path) => path.LastIndexOf('.') is var dot and > 0 ? path[..dot] : null;

        private static IEnumerable<string> Prefixes(string path)
        {
            for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
            {
                yield return path[..dot];
            }
        }

        private static string List(IEnumerable<string> names) =>
            names.Any() ? "[" + string.Join(", ", names.Select(n => $"'{n}'")) + "]" : "[]::VARCHAR[]";
    }
}

/// <summary>A dataset's fast path: the shape its bodies are judged by, the type they are read as, and its first SQL.</summary>
/// <param name="Shape">What <see cref="SilverBodyCheck"/> judges.</param>
/// <param name="ElementType">The DuckDB type of one element, for the typed read_json.</param>
/// <param name="Sql">Creates <c>silver_fast</c> and <c>silver_fast_invalid</c> from <c>bronze_fast</c>.</param>
internal sealed record SilverFastPath(SilverShape Shape, string ElementType, string Sql);
