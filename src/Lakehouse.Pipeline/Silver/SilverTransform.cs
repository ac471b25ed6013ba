using System.Data.Common;
using System.Text;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Silver.Declarations;

namespace Lakehouse.Silver;

/// <summary>One bronze object of a chunk, already copied to a local file.</summary>
/// <param name="LocalPath">The object's bytes, exactly as landed.</param>
/// <param name="BronzeKey">Its key in the lake, written into every row it yields.</param>
/// <param name="RunId">The run that landed it.</param>
/// <param name="LandedAt">When it was landed.</param>
internal sealed record BronzeInput(string LocalPath, string BronzeKey, string RunId, DateTimeOffset LandedAt);

/// <summary>A Parquet file a transform wrote.</summary>
/// <param name="Table">The silver table, e.g. <c>spacex_launches</c> or <c>spacex_quarantine</c>.</param>
/// <param name="LocalPath">The file, <c>{table}.parquet</c> in the output folder.</param>
/// <param name="Rows">Rows in the file.</param>
internal sealed record SilverOutputFile(string Table, string LocalPath, long Rows);

/// <summary>A member the transform does not know, e.g. <c>launches.new_field</c> or <c>launches.cores[].new_flag</c>.</summary>
/// <param name="Field">The member's path, prefixed with the dataset's name.</param>
/// <param name="Occurrences">How many objects carried it.</param>
internal sealed record SchemaDriftField(string Field, long Occurrences);

/// <summary>What a transform of one chunk produced.</summary>
/// <param name="Files">One file per table the dataset produces, then the quarantine file; each always written.</param>
/// <param name="Drift">The unknown members seen, by path.</param>
/// <param name="RowsRead">Documents read, plus bodies that held none that could be read (each counts as one).</param>
/// <param name="RowsQuarantined">Rows in the quarantine file.</param>
internal sealed record SilverChunkResult(
    IReadOnlyList<SilverOutputFile> Files, IReadOnlyList<SchemaDriftField> Drift, long RowsRead, long RowsQuarantined)
{
    /// <summary>
    /// Bodies read the fast way (typed); the others were read the careful way. Of a body split into lines, only its
    /// elements that are not clean are read the careful way, and it counts here.
    /// </summary>
    public int BodiesReadFast { get; init; }
}

/// <summary>
/// Bronze → silver for one chunk of one dataset: DuckDB reads the chunk's JSON bodies once, the dataset's SQL script
/// (<see cref="SilverScripts"/>) checks and types every document, and each silver table and the quarantine are
/// written as one zstd Parquet file.
/// </summary>
/// <remarks>
/// Bad input never fails a run. A document that fails a check goes to the quarantine with the reason; a body that
/// is not JSON (truncated, an HTML error page) or holds no documents goes there whole, with its first
/// <see cref="BronzeBody.RecordChars"/> characters. DuckDB reads all bodies of a chunk in one statement, so one
/// malformed body fails that statement: the bodies are then checked one by one and the chunk is read again without
/// the bad ones.
/// <para>
/// Two paths, one result. A dataset written from its declaration first has every body judged by
/// <see cref="SilverBodyCheck"/> (one pass of a JSON reader in .NET, bodies in parallel). A clean body — every
/// natively read member of its JSON type, every object an object, every entry an entry, valid UTF-8 — is read the
/// fast way: typed, as STRUCTs, once for all of the dataset's tables, and only the members of types the check cannot
/// judge (timestamps, ids, source conversions) are tested in SQL (<c>silver_fast_invalid</c>). Every other body,
/// and a clean one that fails those tests or that DuckDB refuses, is read the careful way: each element as a MAP of
/// its members' JSON texts, each member's JSON type judged before conversion, so that the element and the reason are
/// found. DuckDB's lenient casts (<c>"12"</c> to 12, <c>1</c> to true, a number to a string) therefore never reach
/// silver: the fast path reads only bodies in which no such cast can happen.
/// </para>
/// </remarks>
internal sealed class SilverTransform(SilverScripts scripts)
{
    private const string UnexpectedBody =
        "unexpected body: a JSON value that is neither an array nor an object with a \"docs\" array";

    // DuckDB appends this to its parse errors when ignore_errors is on; it is advice for DuckDB users, not a reason.
    private const string IgnoreErrorsHint = "Parse errors cannot be ignored for JSON formats other than 'newline_delimited'";

    /// <summary>
    /// Whether bodies judged clean are read the fast way (the default); false reads every body the careful way,
    /// which gives the same rows, slower.
    /// </summary>
    public bool FastPath { get; init; } = true;

    /// <summary>DuckDB's memory limit per run; it spills to a temp folder beyond it.</summary>
    public string MemoryLimit { get; init; } = "512MB";

    /// <summary>The registered sources' scripts this transform runs.</summary>
    public SilverScripts Scripts { get; } = scripts;

    /// <summary>
    /// Transforms one chunk of <paramref name="dataset"/>'s bronze objects into <c>{table}.parquet</c> files in
    /// <paramref name="outputDirectory"/>: one per produced table and one for the quarantine, each written even when
    /// empty. The same inputs give the same rows, in the same order.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown dataset, or two inputs with the same local path.</exception>
    /// <exception cref="SilverTransformException">DuckDB failed for a reason other than bad input.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public SilverChunkResult Run(string dataset, IReadOnlyList<BronzeInput> inputs, string outputDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var script = Scripts.Script(dataset);
        var bodies = Bodies(inputs);
        Directory.CreateDirectory(outputDirectory);

        // DuckDB creates only the last level of its spill folder, so the parent must exist when it first spills.
        var tempDirectory = Path.Combine(Path.GetTempPath(), "lakehouse-silver", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDirectory);
        try
        {
            // Every body is judged first: clean ones are read the fast way; large ones, and those that are not valid
            // UTF-8, are split into one element per line, so that DuckDB reads them in bounded memory and an element
            // that is not UTF-8 is quarantined alone.
            var judged = Judge(bodies, script, tempDirectory, ct);
            bodies = [.. judged.Select(j => j.Body)];
            var clean = judged.Where(j => j.Verdict is { Clean: true }).ToDictionary(j => j.Body, j => j.Verdict!.Drift);
            var bad = judged.SelectMany(j => j.Verdict?.Bad.Select(e => (j.Body, Element: e)) ?? []).ToList();
            var rejected = judged.Where(j => j.Verdict is { NoElements: true }).Select(j => new RejectedBody(j.Body, UnexpectedBody)).ToList();
            foreach (var body in bodies.Where(b => b.Shape == BronzeBodyShape.Other))
            {
                // A source that answers an empty window with no body at all (DONKI) says so in its script.
                if (script.EmptyBodyHasNoElements && new FileInfo(body.Path).Length == 0)
                {
                    continue;
                }

                rejected.Add(new RejectedBody(body, OtherBodyReason(body, ct)));
            }

            // The fast path: bodies judged clean are read typed, once; the others the careful way.
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var readable = bodies.Where(b => b.Shape != BronzeBodyShape.Other && !rejected.Exists(r => r.Body == b)).ToList();
                using var connection = Open(tempDirectory);
                try
                {
                    // A split body's elements that are not clean are lines of their own, read as a body of their own.
                    var twins = readable.Where(b => b.CarefulPath is not null).Select(b => b with { ReadPath = b.CarefulPath! }).ToList();
                    Prepare(connection, script, [.. readable, .. twins], [.. readable.Where(b => !clean.ContainsKey(b)), .. twins], ct);
                    if (script.Fast is { } fastPath)
                    {
                        var typed = readable.Where(clean.ContainsKey).ToList();
                        Execute(connection, ElementsView("bronze_fast", typed, script.Elements, fastPath.ElementType, ignoreErrors: false), ct);
                        try
                        {
                            Execute(connection, fastPath.Sql, ct);
                        }
                        catch (DuckDBException) when (!ct.IsCancellationRequested && typed.Count > 0)
                        {
                            // DuckDB refused a value the check let through: every body goes the careful way.
                            clean.Clear();
                            continue;
                        }

                        var invalid = Query(connection, "SELECT DISTINCT input_ordinal FROM silver_fast_invalid;", r => r.GetInt32(0), ct);
                        if (invalid.Count > 0)
                        {
                            // A member of a type judged in SQL is wrong: those bodies go the careful way, which names it.
                            foreach (var body in bodies.Where(b => invalid.Contains(b.Ordinal)))
                            {
                                clean.Remove(body);
                            }

                            continue;
                        }
                    }

                    foreach (var (field, occurrences) in clean.Values.SelectMany(d => d)
                        .GroupBy(d => d.Key, d => d.Value, StringComparer.Ordinal).Select(g => (g.Key, g.Sum())))
                    {
                        Execute(connection, "INSERT INTO silver_drift VALUES ($1, $2);", ct, field, occurrences);
                    }

                    Execute(connection, script.Sql, ct);
                }
                catch (DuckDBException ex) when (!ct.IsCancellationRequested)
                {
                    // One statement reads every body, so one malformed body fails them all: find it and go again.
                    var malformed = Malformed(connection, readable, ct);
                    if (malformed.Count == 0)
                    {
                        throw new SilverTransformException(dataset, $"The silver transform of {dataset} failed: {ex.Message}", ex);
                    }

                    rejected.AddRange(malformed);
                    continue;
                }

                return Finish(connection, script, bodies, rejected, bad, outputDirectory, ct) with { BodiesReadFast = clean.Count };
            }
        }
        finally
        {
            TryDeleteDirectory(tempDirectory);
        }
    }

    private static List<Body> Bodies(IReadOnlyList<BronzeInput> inputs)
    {
        var bodies = new List<Body>(inputs.Count);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var path = Path.GetFullPath(input.LocalPath);
            if (!paths.Add(path))
            {
                throw new ArgumentException($"Two inputs share the local file {path}.", nameof(inputs));
            }

            // DuckDB expands these in file names, which would read other files than the one given.
            if (path.AsSpan().IndexOfAny("*?[") >= 0)
            {
                throw new ArgumentException($"The local file {path} has a glob character (*, ? or [) in its path.", nameof(inputs));
            }

            bodies.Add(new Body(bodies.Count + 1, input, path, BronzeBody.ShapeOf(path)));
        }

        return bodies;
    }

    private DuckDBConnection Open(string tempDirectory) => DuckDbConnections.OpenInMemory(
        new("memory_limit", MemoryLimit),
        new("temp_directory", tempDirectory),
        // DuckDB hands memory back to the OS after every task that peaked above this (128 MB by default), and
        // a transform's tasks peak above that all the time: faulting the pages back in cost 5-10% of a run.
        // The memory limit still bounds what DuckDB holds.
        new("allocator_flush_threshold", "1GB"));

    private void Prepare(DuckDBConnection connection, SilverScript script, List<Body> bodies, List<Body> careful, CancellationToken ct)
    {
        Execute(connection, "SET TimeZone = 'UTC';", ct);
        Execute(connection, Scripts.Schema(script.Source), ct);
        Execute(connection, SilverScripts.Common, ct);
        if (Scripts.Macros(script.Source) is { Length: > 0 } macros)
        {
            Execute(connection, macros, ct);
        }

        Execute(
            connection,
            """
            CREATE TEMP TABLE silver_drift (field VARCHAR NOT NULL, occurrences BIGINT NOT NULL);
            CREATE TEMP TABLE bronze_inputs (
                input_ordinal INTEGER NOT NULL, local_path VARCHAR NOT NULL,
                _run_id VARCHAR NOT NULL, _bronze_key VARCHAR NOT NULL, _landed_at TIMESTAMP NOT NULL);
            """,
            ct);
        foreach (var body in bodies)
        {
            Execute(
                connection,
                "INSERT INTO bronze_inputs VALUES ($1, $2, $3, $4, $5);",
                ct,
                body.Ordinal, body.ReadPath, body.Input.RunId, body.Input.BronzeKey, body.Input.LandedAt.UtcDateTime);
        }

        Execute(connection, ElementsView("bronze_elements", careful, script.Elements, "MAP(VARCHAR, JSON)", ignoreErrors: true), ct);
    }

    /// <summary>Bodies larger than this are split into one element per line before DuckDB reads them.</summary>
    public long SplitAbove { get; init; } = 8L << 20;

    /// <summary>
    /// Every body that may hold elements, judged in parallel (<see cref="SilverBodyCheck.Judge"/>; a body is read
    /// whole, as bytes): clean or not, and split into lines in <paramref name="tempDirectory"/> when large or not UTF-8.
    /// </summary>
    private List<(Body Body, SilverBodyVerdict? Verdict)> Judge(List<Body> bodies, SilverScript script, string tempDirectory, CancellationToken ct)
    {
        var shape = FastPath && script.Fast is { } fast ? fast.Shape : null;
        var verdicts = new System.Collections.Concurrent.ConcurrentDictionary<int, SilverBodyVerdict>();
        Parallel.ForEach(
            bodies.Where(b => b.Shape != BronzeBodyShape.Other),
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            body => verdicts[body.Ordinal] = SilverBodyCheck.Judge(
                body.Path, shape, script.Elements, Path.Combine(tempDirectory, $"body-{body.Ordinal}.jsonl"), SplitAbove));
        return [.. bodies.Select(b => verdicts.TryGetValue(b.Ordinal, out var v)
            ? (v.Lines is { } lines ? b with { ReadPath = lines, CarefulPath = v.CarefulLines, LargestValue = v.LongestLine } : b, v)
            : (b, (SilverBodyVerdict?)null))];
    }

    /// <summary>
    /// The bronze_elements view (see common.sql): envelopes and bare arrays are read by one read_json each, every
    /// element as a MAP of its members' JSON texts, so a script can check each member's JSON type and see unknown
    /// members. ignore_errors turns an element that is not an object into NULL instead of failing the read; it does
    /// not hide malformed JSON.
    /// </summary>
    private static string ElementsView(string view, List<Body> bodies, string member, string element, bool ignoreErrors)
    {
        // "near_earth_objects.*": an object of arrays (NeoWs' feed by date), flattened in the object's order.
        var ofArrays = member.EndsWith(".*", StringComparison.Ordinal);
        var name = Identifier(ofArrays ? member[..^2] : member);
        element = Literal(element);
        var elementType = ofArrays ? $"MAP(VARCHAR, {element}[])" : $"{element}[]";
        var elements = ofArrays ? $"flatten(map_values({name}))" : name;
        var options = $"filename = true, {(ignoreErrors ? "ignore_errors = true, " : string.Empty)}{MaximumObjectSize(bodies)}";
        var selects = new List<string>();
        var lines = bodies.Where(b => b.Lines).ToList();
        if (lines.Count > 0)
        {
            selects.Add(
                $$"""
                SELECT filename, e AS element, o AS element_ordinal
                FROM read_json({{PathList(lines)}}, format = 'newline_delimited', records = true,
                    columns = {o: 'BIGINT', e: '{{element}}'}, {{options}})
                """);
        }

        var envelopes = bodies.Where(b => b.Shape == BronzeBodyShape.Object && !b.Lines).ToList();
        if (envelopes.Count > 0 && member == SilverScript.WholeBody)
        {
            // "$": an object body is the one element (APOD answers a single day with the object itself).
            selects.Add(
                $$"""
                SELECT filename, json AS element, 1 AS element_ordinal
                FROM read_json({{PathList(envelopes)}}, format = 'unstructured', records = false,
                    columns = {json: '{{element}}'}, {{options}})
                """);
        }
        else if (envelopes.Count > 0)
        {
            selects.Add(
                $$"""
                SELECT filename, unnest({{elements}}) AS element, generate_subscripts({{elements}}, 1) AS element_ordinal
                FROM read_json({{PathList(envelopes)}}, format = 'unstructured', records = true,
                    columns = {{{name}}: '{{elementType}}'}, {{options}})
                """);
        }

        var arrays = bodies.Where(b => b.Shape == BronzeBodyShape.Array && !b.Lines).ToList();
        if (arrays.Count > 0)
        {
            selects.Add(
                $$"""
                SELECT filename, unnest(json) AS element, generate_subscripts(json, 1) AS element_ordinal
                FROM read_json({{PathList(arrays)}}, format = 'unstructured', records = false,
                    columns = {json: '{{element}}[]'}, {{options}})
                """);
        }

        if (selects.Count == 0)
        {
            selects.Add($"SELECT NULL::VARCHAR AS filename, NULL::{element} AS element, NULL::BIGINT AS element_ordinal WHERE false");
        }

        return $"""
            CREATE TEMP VIEW {view} AS
            SELECT i.input_ordinal, e.element_ordinal::INTEGER AS element_ordinal, e.element, i._run_id, i._bronze_key, i._landed_at
            FROM ({string.Join("\nUNION ALL\n", selects)}) AS e
            JOIN bronze_inputs AS i ON i.local_path = e.filename;
            """;
    }

    private static SilverChunkResult Finish(
        DuckDBConnection connection, SilverScript script, List<Body> bodies, List<RejectedBody> rejected,
        List<(Body Body, SilverBadElement Element)> bad, string outputDirectory, CancellationToken ct)
    {
        var quarantine = script.QuarantineTable;
        Execute(
            connection,
            $"""
            INSERT INTO {quarantine}
            SELECT $1, problem, record, _run_id, _bronze_key, _landed_at
            FROM silver_stage
            WHERE problem IS NOT NULL
            ORDER BY input_ordinal, element_ordinal;
            """,
            ct,
            script.Name);

        // An object body that yielded no element: an envelope whose docs is empty is fine, anything else (no docs,
        // docs not an array, a single document) holds no documents and is quarantined whole. Rare, so each such body
        // is read again on its own to tell the two apart.
        var read = Query(connection, "SELECT DISTINCT input_ordinal FROM silver_stage;", r => r.GetInt32(0), ct).ToHashSet();
        foreach (var body in bodies.Where(b => b.Shape == BronzeBodyShape.Object && !b.Lines && script.Elements != SilverScript.WholeBody
            && !read.Contains(b.Ordinal) && !rejected.Exists(r => r.Body == b)))
        {
            if (!HasElementsMember(connection, body, script.Elements, ct))
            {
                rejected.Add(new RejectedBody(body, UnexpectedBody));
            }
        }

        foreach (var (body, reason) in rejected.OrderBy(r => r.Body.Ordinal))
        {
            Execute(
                connection,
                $"INSERT INTO {quarantine} VALUES ($1, $2, $3, $4, $5, $6);",
                ct,
                script.Name, reason, BronzeBody.Head(body.Path), body.Input.RunId, body.Input.BronzeKey, body.Input.LandedAt.UtcDateTime);
        }

        // Elements left out of a split body (not UTF-8, not an object): each alone, with its own reason.
        foreach (var (body, element) in bad.OrderBy(b => b.Body.Ordinal).ThenBy(b => b.Element.Ordinal))
        {
            Execute(
                connection,
                $"INSERT INTO {quarantine} VALUES ($1, $2, $3, $4, $5, $6);",
                ct,
                script.Name, element.Reason, element.Record, body.Input.RunId, body.Input.BronzeKey, body.Input.LandedAt.UtcDateTime);
        }

        var files = new List<SilverOutputFile>();
        foreach (var table in script.Produces)
        {
            var path = Path.GetFullPath(Path.Combine(outputDirectory, table + ".parquet"));
            files.Add(new SilverOutputFile(table, path, WriteRows(connection, script, table, path, ct)));
        }

        var quarantinePath = Path.GetFullPath(Path.Combine(outputDirectory, quarantine + ".parquet"));
        Execute(connection, $"COPY {quarantine} TO '{Literal(quarantinePath)}' (FORMAT parquet, COMPRESSION zstd);", ct);
        var quarantined = Query(connection, $"SELECT count(*) FROM {quarantine};", r => r.GetInt64(0), ct)[0];
        files.Add(new SilverOutputFile(quarantine, quarantinePath, quarantined));

        var drift = Query(
            connection,
            "SELECT field, sum(occurrences)::BIGINT FROM silver_drift GROUP BY field ORDER BY field;",
            r => new SchemaDriftField($"{script.Name}.{r.GetString(0)}", r.GetInt64(1)),
            ct);
        var elements = Query(connection, "SELECT count(*) FROM silver_stage;", r => r.GetInt64(0), ct)[0];
        return new SilverChunkResult(files, drift, elements + rejected.Count + bad.Count, files[^1].Rows);
    }

    /// <summary>
    /// Writes the script's view <c>{table}_rows</c> to <paramref name="path"/> as <paramref name="table"/> would hold
    /// it: its columns taken by position, named and cast as in schema.sql, the way INSERT INTO the table would take
    /// them. Writing straight from the view spares materialising the rows in the table first, which cost about as
    /// much as writing them. The table's NOT NULL constraints are checked on the written file's column
    /// statistics; a NULL there is a bug in the script, which fails the transform as the INSERT did.
    /// </summary>
    /// <returns>The rows written.</returns>
    private static long WriteRows(DuckDBConnection connection, SilverScript script, string table, string path, CancellationToken ct)
    {
        var columns = Query(
            connection,
            $"SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = '{table}' AND NOT internal ORDER BY column_index;",
            r => (Column: r.GetString(0), Name: Identifier(r.GetString(0)), Type: r.GetString(1), Nullable: r.GetBoolean(2)),
            ct);
        var view = table + "_rows";
        var viewColumns = Query(connection, $"SELECT count(*) FROM duckdb_columns() WHERE table_name = '{view}';", r => r.GetInt64(0), ct)[0];
        if (viewColumns != columns.Count)
        {
            throw new SilverTransformException(
                script.Dataset, $"The silver script of {script.Dataset} gives {viewColumns} columns in {view}; {table} has {columns.Count}.");
        }

        var names = string.Join(", ", columns.Select(c => c.Name));
        var casts = string.Join(", ", columns.Select(c => $"CAST({c.Name} AS {c.Type}) AS {c.Name}"));
        Execute(
            connection,
            $"COPY (SELECT {casts} FROM {view} AS v({names})) TO '{Literal(path)}' (FORMAT parquet, COMPRESSION zstd);",
            ct);

        // DuckDB writes each column's null count into the file's footer, so the check reads no data.
        var required = string.Join(", ", columns.Where(c => !c.Nullable).Select(c => $"'{Literal(c.Column)}'").DefaultIfEmpty("NULL"));
        var (rows, withNulls) = Query(
            connection,
            $"""
            SELECT
                (SELECT num_rows FROM parquet_file_metadata('{Literal(path)}')),
                (SELECT count(*) FROM parquet_metadata('{Literal(path)}')
                 WHERE path_in_schema IN ({required}) AND coalesce(stats_null_count, 1) > 0);
            """,
            r => (r.GetInt64(0), r.GetInt64(1)),
            ct)[0];
        if (withNulls > 0)
        {
            throw new SilverTransformException(
                script.Dataset, $"The silver script of {script.Dataset} gives rows of {table} with NULL in a NOT NULL column.");
        }

        return rows;
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool HasElementsMember(DuckDBConnection connection, Body body, string member, CancellationToken ct) =>
        Query(
            connection,
            $$"""
            SELECT json_type({{Identifier(member.TrimEnd('*').TrimEnd('.'))}}) = '{{(member.EndsWith(".*", StringComparison.Ordinal) ? "OBJECT" : "ARRAY")}}'
            FROM read_json('{{Literal(body.Path)}}', format = 'unstructured', records = true,
                columns = {{{Identifier(member.TrimEnd('*').TrimEnd('.'))}}: 'JSON'},
                ignore_errors = true, {{MaximumObjectSize(body)}});
            """,
            r => !r.IsDBNull(0) && r.GetBoolean(0),
            ct).SingleOrDefault();

    /// <summary>Why a body that is neither an array nor an object cannot be read: DuckDB's parse error, if any.</summary>
    private static string OtherBodyReason(Body body, CancellationToken ct)
    {
        if (new FileInfo(body.Path).Length == 0)
        {
            return "malformed JSON: the body is empty";
        }

        using var connection = DuckDbConnections.OpenInMemory();
        try
        {
            var types = Query(
                connection,
                $"SELECT json_type(json) FROM read_json_objects('{Literal(body.Path)}', format = 'unstructured', {MaximumObjectSize(body)});",
                r => r.GetString(0),
                ct);
            return types.Count == 0 ? "malformed JSON: the body holds only whitespace" : UnexpectedBody;
        }
        catch (DuckDBException ex) when (!ct.IsCancellationRequested)
        {
            return MalformedReason(ex, body);
        }
    }

    /// <summary>The bodies DuckDB cannot parse, each read on its own.</summary>
    private static List<RejectedBody> Malformed(DuckDBConnection connection, List<Body> bodies, CancellationToken ct)
    {
        var malformed = new List<RejectedBody>();
        foreach (var body in bodies.Where(b => !b.Lines))
        {
            try
            {
                Query(
                    connection,
                    $"SELECT count(*) FROM read_json_objects('{Literal(body.Path)}', format = 'unstructured', {MaximumObjectSize(body)});",
                    r => r.GetInt64(0),
                    ct);
            }
            catch (DuckDBException ex) when (!ct.IsCancellationRequested)
            {
                malformed.Add(new RejectedBody(body, MalformedReason(ex, body)));
            }
        }

        return malformed;
    }

    /// <summary>"malformed JSON: " and DuckDB's message, naming the bronze key instead of the local copy.</summary>
    private static string MalformedReason(DuckDBException ex, Body body)
    {
        var message = ex.Message
            .Replace(body.Path, body.Input.BronzeKey, StringComparison.Ordinal)
            .Replace(IgnoreErrorsHint, string.Empty, StringComparison.Ordinal)
            .Trim();
        return "malformed JSON: " + message;
    }

    private static void Execute(DuckDBConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        try
        {
            connection.Execute(sql, ct, parameters);
        }
        catch (DuckDBException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    private static List<T> Query<T>(DuckDBConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken ct)
    {
        try
        {
            return connection.Query(sql, read, ct);
        }
        catch (DuckDBException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    // A body is read as one JSON value, which DuckDB limits to maximum_object_size (16 MB by default).
    private static string MaximumObjectSize(params IEnumerable<Body> bodies) =>
        $"maximum_object_size = {Math.Max(16L << 20, bodies.Select(b => b.LargestValue + 1).DefaultIfEmpty(0).Max())}";

    private static string PathList(List<Body> bodies)
    {
        var list = new StringBuilder("[");
        foreach (var body in bodies)
        {
            list.Append(list.Length > 1 ? ", '" : "'").Append(Literal(body.ReadPath)).Append('\'');
        }

        return list.Append(']').ToString();
    }

    private static string Literal(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // DuckDB removes its own spill files; a leftover folder in the system temp folder harms nothing.
        }
    }

    private sealed record Body(int Ordinal, BronzeInput Input, string Path, BronzeBodyShape Shape)
    {
        /// <summary>What DuckDB reads: the body, or its elements one per line (<see cref="SilverBodyCheck.Judge"/>).</summary>
        public string ReadPath { get; init; } = Path;

        /// <summary>The largest JSON value DuckDB reads of it: the body, or its longest line.</summary>
        public long LargestValue { get; init; } = new FileInfo(Path).Length;

        public bool Lines => ReadPath != Path;

        /// <summary>Of a body split into lines, the lines of its elements that are not clean: always read the careful way.</summary>
        public string? CarefulPath { get; init; }
    }

    private sealed record RejectedBody(Body Body, string Reason);
}

/// <summary>A silver transform failed for a reason other than bad input (which is quarantined instead).</summary>
internal sealed class SilverTransformException : LakehouseException
{
    public SilverTransformException(string dataset, string message, Exception? inner = null)
        : base(message, inner) => Dataset = dataset;

    public override LakehouseStage Stage => LakehouseStage.Transform;
}
