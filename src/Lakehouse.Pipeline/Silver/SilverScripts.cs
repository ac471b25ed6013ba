using System.Collections.Frozen;

namespace Lakehouse.Silver;

/// <summary>
/// The silver SQL embedded in this assembly: per source a <c>schema.sql</c> (the tables) and one script per dataset
/// (<c>Silver/Sql/{source}/{dataset}.sql</c>), plus <c>Silver/Sql/common.sql</c>, the macros every script uses.
/// </summary>
internal static class SilverScripts
{
    private const string Prefix = "Lakehouse.Silver.Sql.";
    private const string SchemaName = "schema";
    private const string ProducesMarker = "-- produces:";
    private const string ElementsMarker = "-- elements:";

    // The csproj names resources after their folder, which MSBuild spells with a slash ("spacex/launches.sql");
    // they are looked up by a normalised name ("spacex.launches.sql"), so that either spelling is found.
    private static readonly Lazy<FrozenDictionary<string, string>> LazyResources = new(() =>
        typeof(SilverScripts).Assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(r => r.Replace('/', '.').Replace('\\', '.'), StringComparer.Ordinal));

    private static readonly Lazy<FrozenDictionary<string, SilverScript>> LazyScripts = new(LoadScripts);

    /// <summary>Every dataset a script covers, e.g. <c>spacex.launches</c>, in order.</summary>
    public static IReadOnlyList<string> Datasets { get; } = [.. LazyScripts.Value.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every source with a silver schema, e.g. <c>rawg</c>, <c>spacex</c>, in order.</summary>
    public static IReadOnlyList<string> Sources { get; } =
    [
        .. LazyResources.Value.Keys
            .Where(r => r.EndsWith($".{SchemaName}.sql", StringComparison.Ordinal))
            .Select(r => r[Prefix.Length..^$".{SchemaName}.sql".Length])
            .Where(s => !s.Contains('.', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The macros and conventions shared by all scripts.</summary>
    public static string Common => Read(Prefix + "common.sql");

    /// <summary>The script of <paramref name="dataset"/> (<c>source.name</c>).</summary>
    /// <exception cref="ArgumentException">No script covers the dataset.</exception>
    public static SilverScript Script(string dataset) =>
        LazyScripts.Value.TryGetValue(dataset, out var script)
            ? script
            : throw new ArgumentException(
                $"No silver script for dataset '{dataset}'. Known: {string.Join(", ", Datasets)}.", nameof(dataset));

    /// <summary>The DDL of <paramref name="source"/>'s silver tables.</summary>
    /// <exception cref="ArgumentException">The source has no silver schema.</exception>
    public static string Schema(string source) =>
        TryRead($"{Prefix}{source}.{SchemaName}.sql")
        ?? throw new ArgumentException($"No silver schema for source '{source}'.", nameof(source));

    private static FrozenDictionary<string, SilverScript> LoadScripts()
    {
        var scripts = new Dictionary<string, SilverScript>(StringComparer.Ordinal);
        foreach (var resource in LazyResources.Value.Keys)
        {
            // Lakehouse.Silver.Sql.{source}.{name}.sql; common.sql has no source and is not a dataset.
            if (!resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = resource[Prefix.Length..^".sql".Length].Split('.');
            if (parts.Length != 2 || parts[1] == SchemaName)
            {
                continue;
            }

            var dataset = $"{parts[0]}.{parts[1]}";
            var sql = Read(resource);
            scripts[dataset] = new SilverScript(dataset, parts[0], parts[1], sql, Produces(resource, sql)) { Elements = Elements(resource, sql) };
        }

        return scripts.ToFrozenDictionary(StringComparer.Ordinal);
    }

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
    /// default, SpaceX's <c>/query</c>), <c>results</c> (RAWG), <c>near_earth_objects.*</c> for an object whose
    /// values are arrays (NeoWs' feed), or <c>.</c> for a body that is one document (RAWG's <c>/games/{id}</c>).
    /// A body that is a bare array is read as its elements whatever the line says.
    /// </summary>
    private static string Elements(string resource, string sql)
    {
        using var reader = new StringReader(sql);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith(ElementsMarker, StringComparison.Ordinal))
            {
                var member = line[ElementsMarker.Length..].Trim();
                if (member == SilverScript.WholeBody)
                {
                    return member;
                }

                var name = member.EndsWith(".*", StringComparison.Ordinal) ? member[..^2] : member;
                return name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                    ? member
                    : throw new InvalidOperationException($"The silver script {resource} has an invalid '{ElementsMarker}' line: \"{member}\".");
            }
        }

        return "docs";
    }

    private static string Read(string resource) =>
        TryRead(resource) ?? throw new InvalidOperationException($"The embedded resource {resource} is missing.");

    private static string? TryRead(string resource)
    {
        using var stream = LazyResources.Value.TryGetValue(resource, out var name)
            ? typeof(SilverScripts).Assembly.GetManifestResourceStream(name)
            : null;
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
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
    /// <summary>The envelope member holding the elements (<c>-- elements:</c>); see <c>common.sql</c>.</summary>
    public string Elements { get; init; } = "docs";

    /// <summary>The <c>-- elements:</c> value for bodies that are one document each, not an envelope.</summary>
    public const string WholeBody = ".";

    /// <summary>The quarantine table of the script's source, e.g. <c>spacex_quarantine</c>.</summary>
    public string QuarantineTable => Source + "_quarantine";
}
