using System.Reflection;
using System.Text;
using Lakehouse.Silver.Declarations;

namespace Lakehouse.Sources;

/// <summary>
/// The SQL a source brings besides its client: its silver files (<c>schema.sql</c> and one script per dataset, written
/// from its declarations by <see cref="WithSilver"/>, and an optional <c>macros.sql</c>) and its gold models (and an optional <c>macros.sql</c> they share), each by file name. The
/// pipeline's core reads them only through the sources registered (<see cref="SourceCatalog"/>), so a source's SQL
/// lives in the source's own folder.
/// </summary>
/// <param name="Source">The source's name, e.g. <c>spacex</c>: its datasets are <c>{Source}.{script}</c>.</param>
/// <param name="Silver">File name (<c>launches.sql</c>) to SQL.</param>
/// <param name="Gold">File name (<c>fact_launch.sql</c>) to SQL.</param>
internal sealed record SourceSql(string Source, IReadOnlyDictionary<string, string> Silver, IReadOnlyDictionary<string, string> Gold)
{
    /// <summary>The silver declarations <see cref="WithSilver"/> wrote the scripts from, by dataset name (<c>launches</c>).</summary>
    public IReadOnlyDictionary<string, SilverDataset> Declared { get; init; } = new Dictionary<string, SilverDataset>();

    /// <summary>Where the SQL comes from (the namespace it is embedded under), for messages; the source's name by default.</summary>
    public string Origin { get; init; } = Source;

    /// <summary>
    /// The SQL embedded beside <typeparamref name="TSource"/>: the <c>.sql</c> files of its folder's <c>Silver/</c>
    /// and <c>Gold/</c> subfolders, embedded under names that start with the type's namespace
    /// (<c>Lakehouse.Sources.SpaceX.Silver.launches.sql</c>). The project names resources after their folders, so a
    /// source whose namespace follows its folder needs nothing more than its files.
    /// </summary>
    public static SourceSql Beside<TSource>(string source)
    {
        var type = typeof(TSource);
        return FromResources(source, type.Assembly, type.Namespace ?? throw new ArgumentException($"{type} has no namespace.", nameof(TSource)));
    }

    /// <summary>The <c>.sql</c> resources of <paramref name="assembly"/> named <c>{prefix}.Silver.*</c> and <c>{prefix}.Gold.*</c>.</summary>
    public static SourceSql FromResources(string source, Assembly assembly, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(assembly);
        var silver = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var gold = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // MSBuild spells a resource's folder with a slash ("SpaceX/Silver/launches.sql") or a dot: either is found.
            var name = resource.Replace('/', '.').Replace('\\', '.');
            if (!name.StartsWith(prefix + ".", StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = name[(prefix.Length + 1)..];
            var folder = rest.StartsWith("Silver.", StringComparison.Ordinal) ? silver : rest.StartsWith("Gold.", StringComparison.Ordinal) ? gold : null;
            var file = rest[(rest.IndexOf('.', StringComparison.Ordinal) + 1)..];
            if (folder is not null && file.Count(c => c == '.') == 1)
            {
                folder[file] = Read(assembly, resource);
            }
        }

        return new SourceSql(source, silver, gold) { Origin = prefix };
    }

    /// <summary>
    /// This SQL with the silver of <paramref name="datasets"/>, written from their declarations: the schema (every
    /// declared table and the quarantine) and one script per dataset. A <c>macros.sql</c> among the files stays.
    /// </summary>
    public SourceSql WithSilver(IEnumerable<SilverDataset> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var list = datasets.ToList();
        var silver = new SortedDictionary<string, string>(Silver.ToDictionary(), StringComparer.Ordinal)
        {
            [SchemaFile] = SilverSqlWriter.Schema(Source, list),
        };
        foreach (var dataset in list)
        {
            silver[dataset.Name + ".sql"] = SilverSqlWriter.Script(dataset);
        }

        return this with { Silver = silver, Declared = list.ToDictionary(d => d.Name, StringComparer.Ordinal) };
    }

    private const string SchemaFile = "schema.sql";

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
