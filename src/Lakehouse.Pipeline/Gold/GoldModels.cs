using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Lakehouse.Sources;

namespace Lakehouse.Gold;

/// <summary>
/// The gold models: the core's (<c>Gold/Models/common/*.sql</c>, embedded) and each registered source's, in build order. A model
/// depends on another when its SQL names it outside comments and string literals and not as the member of a
/// qualified name (<c>silver.spacex_launches</c> names no model), so a CTE must not be named after a model. A
/// source's <c>Gold/macros.sql</c> is no model: it holds the macros its models share (<see cref="MacrosOf"/>).
/// </summary>
internal static partial class GoldModels
{
    /// <summary>The file of a source's gold folder that holds the macros its models share.</summary>
    public const string MacrosFile = "macros.sql";

    private const string ResourcePrefix = "Lakehouse.Gold.Models.";
    private const string DeclaredDateKeys = "declared_date_keys";
    private const string DateDimension = "dim_date";
    private const string DateKeyColumn = "date_key";
    private static readonly Lazy<IReadOnlyList<KeyValuePair<string, string>>> LazyCommon = new(LoadCommon);

    /// <summary>
    /// The core's models and those of <paramref name="sources"/> (each in a folder named after its source), each
    /// after every model it depends on.
    /// </summary>
    public static IReadOnlyList<GoldModel> Of(IEnumerable<SourceSql> sources) =>
        FromSources(LazyCommon.Value.Concat(sources.SelectMany(s => s.Gold
            .Where(m => m.Key != MacrosFile)
            .Select(m => KeyValuePair.Create($"{s.Source}/{m.Key}", m.Value)))));

    /// <summary>
    /// Models from their files' paths, the folder naming whose they are (<c>spacex/fact_launch.sql</c>), and SQL, ordered so
    /// that each comes after its dependencies; ties go by name, so the order is the same on every build.
    /// </summary>
    public static IReadOnlyList<GoldModel> FromSources(IEnumerable<KeyValuePair<string, string>> sources)
    {
        var files = new SortedDictionary<string, (string Folder, string Sql)>(StringComparer.Ordinal);
        foreach (var (path, sql) in sources)
        {
            var normalised = path.Replace('\\', '/');
            var slash = normalised.LastIndexOf('/');
            var fileName = normalised[(slash + 1)..];
            if (!fileName.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = fileName[..^".sql".Length];
            var folder = slash < 0 ? string.Empty : normalised[..slash];
            if (!Name().IsMatch(name))
            {
                throw new GoldBuildException($"The gold model file {normalised} needs a name made of lower-case letters, digits and underscores.", name);
            }

            if (files.TryGetValue(name, out var existing))
            {
                throw new GoldBuildException($"Two gold models are named {name} (in '{existing.Folder}' and '{folder}'); a table name must be unique.", name);
            }

            files.Add(name, (folder, sql.Trim().TrimEnd(';')));
        }

        files = DeclareDateKeys(files);
        var models = files.ToDictionary(
            f => f.Key,
            f => new GoldModel(
                f.Key,
                f.Value.Folder,
                f.Value.Sql,
                DataTestParser.Parse(f.Key, f.Value.Sql),
                ReferencedNames(f.Value.Sql).Where(n => n != f.Key && files.ContainsKey(n)).Order(StringComparer.Ordinal).ToArray())
            {
                Incremental = IncrementalSpec.Parse(f.Key, f.Value.Sql),
                SilverTables = [.. SilverReference().Matches(f.Value.Sql).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)],
                ReadsBuildInputs = InputReference().IsMatch(f.Value.Sql),
            },
            StringComparer.Ordinal);

        foreach (var model in models.Values.Where(m => m.Incremental?.With is { } with && !(models.TryGetValue(with, out var parent) && parent.Incremental is not null)))
        {
            throw new GoldBuildException($"Gold model {model.Name}: with={model.Incremental!.With} names no incremental gold model.", model.Name);
        }

        foreach (var test in models.Values.SelectMany(m => m.Tests))
        {
            var missing = test.ReferencedModels.FirstOrDefault(r => !models.ContainsKey(r));
            if (missing is not null)
            {
                throw new GoldBuildException($"Gold model {test.Model}: the data test {test.Declaration} names {missing}, which is no gold model.", test.Model);
            }
        }

        return InBuildOrder(models);
    }

    /// <summary>
    /// Each source's gold macros (its <c>Gold/macros.sql</c>), in registration order, which the build runs before any
    /// model. Every macro is a <c>TEMP</c> one, so it stays out of the gold file (a copy of which the next build
    /// starts from), and no two sources, nor a source and the core, name one alike: the later would replace the other
    /// silently.
    /// </summary>
    /// <exception cref="GoldBuildException">A macro is not TEMP, or two define one name.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> MacrosOf(IEnumerable<SourceSql> sources)
    {
        var owners = MacroDefinition().Matches(GoldInputs.Macros).ToDictionary(m => m.Groups["name"].Value.ToLowerInvariant(), _ => "the core", StringComparer.Ordinal);
        var macros = new List<KeyValuePair<string, string>>();
        foreach (var source in sources)
        {
            if (source.Gold.GetValueOrDefault(MacrosFile) is not { } sql || string.IsNullOrWhiteSpace(sql))
            {
                continue;
            }

            foreach (Match definition in MacroDefinition().Matches(sql))
            {
                var name = definition.Groups["name"].Value.ToLowerInvariant();
                if (!definition.Groups["temp"].Success)
                {
                    throw new GoldBuildException(
                        $"The gold macro {name} in {source.Source}/{MacrosFile} is not TEMP; write 'CREATE OR REPLACE TEMP MACRO {name}' so that it stays out of the gold file.");
                }

                if (!owners.TryAdd(name, source.Source))
                {
                    throw new GoldBuildException(
                        $"The gold macro {name} is defined by {owners[name]} and by {source.Source}/{MacrosFile}; one would replace the other, so rename one.");
                }
            }

            macros.Add(KeyValuePair.Create(source.Source, sql));
        }

        return macros;
    }

    /// <summary>
    /// Replaces <c>declared_date_keys</c> in a model's SQL (dim_date's) with every date key the models declare: each
    /// column with a data test <c>relationships(column -> dim_date.date_key)</c>, as one <c>date_key</c> column, so
    /// the calendar covers every source's facts without naming any.
    /// </summary>
    private static SortedDictionary<string, (string Folder, string Sql)> DeclareDateKeys(SortedDictionary<string, (string Folder, string Sql)> files)
    {
        var readers = files.Where(f => DeclaredDateKeysReference().IsMatch(f.Value.Sql)).Select(f => f.Key).ToList();
        if (readers.Count == 0)
        {
            return files;
        }

        var keys = files
            .SelectMany(f => DataTestParser.Parse(f.Key, f.Value.Sql).OfType<RelationshipsTest>())
            .Where(t => t.TargetModel == DateDimension && t.TargetColumn == DateKeyColumn && t.Model != DateDimension)
            .Select(t => $"select {t.Column} as {DateKeyColumn} from {t.Model}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .DefaultIfEmpty($"select null::integer as {DateKeyColumn} where false");
        var relation = $"({string.Join(" union all ", keys)}) as {DeclaredDateKeys}";
        var expanded = new SortedDictionary<string, (string Folder, string Sql)>(files, StringComparer.Ordinal);
        foreach (var reader in readers)
        {
            var (folder, sql) = files[reader];
            expanded[reader] = (folder, DeclaredDateKeysReference().Replace(sql, relation));
        }

        return expanded;
    }

    private static List<KeyValuePair<string, string>> LoadCommon()
    {
        var assembly = typeof(GoldModels).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
            .Select(r => KeyValuePair.Create(r[ResourcePrefix.Length..], Read(assembly, r)))];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // Kahn's algorithm, always taking the alphabetically first model that is ready.
    private static List<GoldModel> InBuildOrder(Dictionary<string, GoldModel> models)
    {
        var waitingOn = models.Values.ToDictionary(m => m.Name, m => m.DependsOn.Count, StringComparer.Ordinal);
        var dependents = models.Values
            .SelectMany(m => m.DependsOn.Select(d => (Dependency: d, Dependent: m.Name)))
            .ToLookup(p => p.Dependency, p => p.Dependent, StringComparer.Ordinal);
        var ready = new SortedSet<string>(waitingOn.Where(w => w.Value == 0).Select(w => w.Key), StringComparer.Ordinal);
        var ordered = new List<GoldModel>(models.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min!;
            ready.Remove(next);
            ordered.Add(models[next]);
            foreach (var dependent in dependents[next])
            {
                if (--waitingOn[dependent] == 0)
                {
                    ready.Add(dependent);
                }
            }
        }

        if (ordered.Count < models.Count)
        {
            var cycle = waitingOn.Where(w => w.Value > 0).Select(w => w.Key).Order(StringComparer.Ordinal);
            throw new GoldBuildException($"The gold models {string.Join(", ", cycle)} depend on each other in a cycle; no build order exists.");
        }

        return ordered;
    }

    /// <summary>The unqualified names in <paramref name="sql"/>, skipping comments and string literals.</summary>
    private static HashSet<string> ReferencedNames(string sql)
    {
        var code = new StringBuilder(sql.Length);
        for (var i = 0; i < sql.Length; i++)
        {
            if (sql[i] == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end : sql.Length;
                code.Append('\n');
            }
            else if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 1 : sql.Length;
                code.Append(' ');
            }
            else if (sql[i] == '\'')
            {
                // '' inside a literal ends one literal and starts the next, which skips the same characters.
                i = sql.IndexOf('\'', i + 1) is var end and >= 0 ? end : sql.Length;
                code.Append(' ');
            }
            else
            {
                code.Append(sql[i] == '"' ? ' ' : sql[i]);
            }
        }

        return UnqualifiedWord().Matches(code.ToString()).Select(m => m.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Name();

    [GeneratedRegex(@"(?<![\w.])silver\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex SilverReference();

    [GeneratedRegex(@"(?<![\w.])input\.[A-Za-z_]")]
    private static partial Regex InputReference();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex UnqualifiedWord();

    [GeneratedRegex(@"(?<![\w.])declared_date_keys(?!\w)")]
    private static partial Regex DeclaredDateKeysReference();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?<temp>(?:TEMP|TEMPORARY)\s+)?(?:MACRO|FUNCTION)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.]*)", RegexOptions.IgnoreCase)]
    private static partial Regex MacroDefinition();
}
