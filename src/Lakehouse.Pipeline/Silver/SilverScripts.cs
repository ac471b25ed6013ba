using System.Collections.Frozen;
using Lakehouse.Sources;

namespace Lakehouse.Silver;

/// <summary>
/// The silver SQL of the registered sources (<see cref="SourceSql"/>): per source a <c>schema.sql</c> (the tables),
/// optionally a <c>macros.sql</c> (macros its scripts share), and one script per dataset (<c>{dataset}.sql</c>) —
/// the schema and the scripts written from the source's declarations (<see cref="Declarations.SilverSqlWriter"/>) —
/// plus the core's <c>Silver/Sql/common.sql</c>, the macros every script uses.
/// </summary>
internal sealed class SilverScripts
{
    private const string CommonResource = "Lakehouse.Silver.Sql.common.sql";
    private const string SchemaFile = "schema.sql";
    private const string MacrosFile = "macros.sql";
    private const string ProducesMarker = "-- produces:";
    private const string ElementsMarker = "-- elements:";
    private const string EmptyBodyMarker = "-- empty body:";
    private const string NoElements = "no elements";

    private static readonly Lazy<string> LazyCommon = new(() =>
    {
        using var stream = typeof(SilverScripts).Assembly.GetManifestResourceStream(CommonResource)
            ?? throw new InvalidOperationException($"The embedded resource {CommonResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private readonly FrozenDictionary<string, SourceSql> sources;
    private readonly FrozenDictionary<string, SilverScript> scripts;

    /// <param name="sources">The sources' SQL, in registration order; sources without a <c>schema.sql</c> have no silver.</param>
    public SilverScripts(IEnumerable<SourceSql> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var withSilver = sources.Where(s => s.Silver.ContainsKey(SchemaFile)).ToList();
        this.sources = withSilver.ToFrozenDictionary(s => s.Source, StringComparer.Ordinal);
        Sources = [.. withSilver.Select(s => s.Source)];
        var all = new Dictionary<string, SilverScript>(StringComparer.Ordinal);
        foreach (var source in withSilver)
        {
            foreach (var (file, sql) in source.Silver.Where(f => f.Key is not SchemaFile and not MacrosFile))
            {
                var name = file[..^".sql".Length];
                var dataset = $"{source.Source}.{name}";
                var origin = $"{source.Source}/{file}";
                all[dataset] = new SilverScript(dataset, source.Source, name, sql, Produces(origin, sql))
                {
                    Elements = Elements(origin, sql),
                    EmptyBodyHasNoElements = EmptyBodyHasNoElements(origin, sql),
                    Fast = source.Declared.TryGetValue(name, out var declared) ? Declarations.SilverSqlWriter.FastPath(declared) : null,
                };
            }
        }

        scripts = all.ToFrozenDictionary(StringComparer.Ordinal);
        Datasets = [.. scripts.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every dataset a script covers, e.g. <c>spacex.launches</c>, in order.</summary>
    public IReadOnlyList<string> Datasets { get; }

    /// <summary>Every source with a silver schema, e.g. <c>spacex</c>, in the order they were registered.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The macros and conventions shared by all scripts.</summary>
    public static string Common => LazyCommon.Value;

    /// <summary>The script of <paramref name="dataset"/> (<c>source.name</c>).</summary>
    /// <exception cref="ArgumentException">No script covers the dataset.</exception>
    public SilverScript Script(string dataset) =>
        scripts.TryGetValue(dataset, out var script)
            ? script
            : throw new ArgumentException(
                $"No silver script for dataset '{dataset}'. Known: {string.Join(", ", Datasets)}.", nameof(dataset));

    /// <summary>The silver tables <paramref name="dataset"/> produces (not counting the quarantine).</summary>
    /// <exception cref="ArgumentException">No script covers the dataset.</exception>
    public IReadOnlyList<string> TablesOf(string dataset) => Script(dataset).Produces;

    /// <summary>The DDL of <paramref name="source"/>'s silver tables.</summary>
    /// <exception cref="ArgumentException">The source has no silver schema.</exception>
    public string Schema(string source) =>
        sources.TryGetValue(source, out var sql)
            ? sql.Silver[SchemaFile]
            : throw new ArgumentException($"No silver schema for source '{source}'.", nameof(source));

    /// <summary>
    /// The DDL of every source's silver tables. The gold build builds every model of the registered sources, so it
    /// needs every silver table, if only empty.
    /// </summary>
    public string AllSchemasSql() => string.Join(Environment.NewLine, Sources.Select(Schema));

    /// <summary>
    /// The macros <paramref name="source"/>'s scripts share (its <c>macros.sql</c>), run after <see cref="Common"/>;
    /// empty when the source has none.
    /// </summary>
    public string Macros(string source) =>
        sources.TryGetValue(source, out var sql) ? sql.Silver.GetValueOrDefault(MacrosFile) ?? string.Empty : string.Empty;

    private static string[] Produces(string resource, string sql)
    {
        using var reader = new StringReader(sql);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith(ProducesMarker, StringComparison.Ordinal))
            {
                var tables = line[ProducesMarker.Length..]
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                // The names go into SQL as they are.
                if (tables.Length > 0 && tables.All(t => t.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
                {
                    return tables;
                }
            }
        }

        throw new InvalidOperationException($"The silver script {resource} has no '{ProducesMarker} table_a, table_b' line.");
    }

    /// <summary>
    /// The envelope member that holds the elements, from the script's <c>-- elements:</c> line: <c>docs</c> (the
    /// default, SpaceX's <c>/query</c>), <c>results</c> (RAWG), or <c>near_earth_objects.*</c> for an object whose
    /// values are arrays (NeoWs' feed), or <c>$</c> when an object body is itself the one element (APOD's
    /// single-day form). A body that is a bare array is read as its elements whatever the line says.
    /// </summary>
    private static string Elements(string resource, string sql)
    {
        using var reader = new StringReader(sql);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith(ElementsMarker, StringComparison.Ordinal))
            {
                var member = line[ElementsMarker.Length..].Trim();
                var name = member.EndsWith(".*", StringComparison.Ordinal) ? member[..^2] : member;
                return member == SilverScript.WholeBody || (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                    ? member
                    : throw new InvalidOperationException($"The silver script {resource} has an invalid '{ElementsMarker}' line: \"{member}\".");
            }
        }

        return "docs";
    }

    /// <summary>
    /// Whether the script's <c>-- empty body: no elements</c> line says that a zero-length body is an empty
    /// response (DONKI answers a window without events with <c>[]</c>, and sometimes with no body at all) rather
    /// than a malformed one.
    /// </summary>
    private static bool EmptyBodyHasNoElements(string resource, string sql)
    {
        using var reader = new StringReader(sql);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith(EmptyBodyMarker, StringComparison.Ordinal))
            {
                var value = line[EmptyBodyMarker.Length..].Trim();
                if (value != NoElements)
                {
                    throw new InvalidOperationException(
                        $"The silver script {resource} has an invalid '{EmptyBodyMarker}' line: \"{value}\"; the only value is '{NoElements}'.");
                }

                return true;
            }
        }

        return false;
    }
}

/// <summary>One dataset's silver script.</summary>
/// <param name="Dataset">E.g. <c>spacex.launches</c>.</param>
/// <param name="Source">E.g. <c>spacex</c>.</param>
/// <param name="Name">The dataset's name within its source, e.g. <c>launches</c>: the quarantine's dataset column.</param>
/// <param name="Sql">The script.</param>
/// <param name="Produces">The silver tables it fills, from its <c>-- produces:</c> line.</param>
internal sealed record SilverScript(string Dataset, string Source, string Name, string Sql, IReadOnlyList<string> Produces)
{
    /// <summary>The <c>-- elements:</c> value that makes an object body one element.</summary>
    public const string WholeBody = "$";

    /// <summary>The envelope member holding the elements (<c>-- elements:</c>); see <c>common.sql</c>.</summary>
    public string Elements { get; init; } = "docs";

    /// <summary>Whether a zero-length body holds no elements instead of being malformed (<c>-- empty body:</c>).</summary>
    public bool EmptyBodyHasNoElements { get; init; }

    /// <summary>
    /// The fast path of a dataset written from its declaration (then the script reads <c>silver_fast</c> too); null
    /// for a hand-written script, which reads every body the careful way.
    /// </summary>
    public Declarations.SilverFastPath? Fast { get; init; }

    /// <summary>The quarantine table of the script's source, e.g. <c>spacex_quarantine</c>.</summary>
    public string QuarantineTable => Source + "_quarantine";
}
