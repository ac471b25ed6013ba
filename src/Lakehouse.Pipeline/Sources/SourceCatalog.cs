using System.Text.RegularExpressions;
using Lakehouse.Configuration;
using Lakehouse.Gold;
using Lakehouse.Silver;

namespace Lakehouse.Sources;

/// <summary>
/// What the registered sources declare, put together once: their silver scripts and tables, and the gold models
/// (the core's <c>common</c> ones and every source's). Built at start-up from each source's <see cref="SourceSql"/>, it
/// refuses, with one message naming both sides, what would otherwise fail half-way through a run: two sources by one
/// name and a gold model that reads a silver table no source declares.
/// </summary>
internal sealed partial class SourceCatalog
{
    private readonly Lazy<SilverContracts> contracts;

    /// <exception cref="ConfigurationException">The sources' declarations contradict each other.</exception>
    public SourceCatalog(IEnumerable<SourceSql> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var list = sources.ToList();
        foreach (var pair in list.GroupBy(s => s.Source, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new ConfigurationException(
                $"Two sources are registered as '{pair.Key}' ({string.Join(" and ", pair.Select(s => s.Origin))}), so both would register the datasets {pair.Key}.*; give each source its own name.");
        }

        foreach (var source in list.Where(s => s.Silver.Count > 0 && !s.Silver.ContainsKey("schema.sql")))
        {
            throw new ConfigurationException(
                $"The source {source.Source} ({source.Origin}) has silver scripts ({string.Join(", ", source.Silver.Keys)}) but no Silver/schema.sql declaring their tables; add one.");
        }

        Sql = list;
        Silver = new SilverScripts(list);
        Gold = GoldModels.Of(list);
        GoldMacros = GoldModels.MacrosOf(list);
        SilverTables = DeclaredTables(Silver);
        CheckSilverTables(Silver, SilverTables);
        CheckSilverReferences(Gold, SilverTables);
        contracts = new(() => SilverContracts.FromDdl(Silver.AllSchemasSql()));
    }

    /// <summary>The sources' SQL as registered, in order.</summary>
    public IReadOnlyList<SourceSql> Sql { get; }

    /// <summary>The registered sources' silver scripts.</summary>
    public SilverScripts Silver { get; }

    /// <summary>Every gold model, the core's and the sources', each after the models it reads.</summary>
    public IReadOnlyList<GoldModel> Gold { get; }

    /// <summary>Per source with a <c>Gold/macros.sql</c>, its SQL: the macros its models share, run before the models.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GoldMacros { get; }

    /// <summary>Every silver table a source's <c>schema.sql</c> creates, by name, with the source that declares it.</summary>
    public IReadOnlyDictionary<string, string> SilverTables { get; }

    /// <summary>What every silver table promises (from the sources' schemas), read once.</summary>
    public SilverContracts Contracts => contracts.Value;

    /// <summary>
    /// Refuses two sources that register the same dataset: each dataset name (<c>spacex.launches</c>) is a folder in
    /// the lake and a key in every run record, so two owners would write over each other.
    /// </summary>
    /// <exception cref="ConfigurationException">Two sources register one dataset.</exception>
    public static void CheckDatasets(IEnumerable<ISource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var owners = new Dictionary<string, ISource>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var dataset in source.Datasets.Select(d => d.Name.ToString()).Distinct(StringComparer.Ordinal))
            {
                if (owners.TryGetValue(dataset, out var owner))
                {
                    throw new ConfigurationException(
                        $"The dataset {dataset} is registered by two sources, {Describe(owner)} and {Describe(source)}; a dataset name must be unique, so rename one source or its dataset.");
                }

                owners.Add(dataset, source);
            }
        }
    }

    private static string Describe(ISource source) => $"{source.GetType().Name} ('{source.Name}')";

    private static Dictionary<string, string> DeclaredTables(SilverScripts silver)
    {
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in silver.Sources)
        {
            foreach (var table in CreateTable().Matches(silver.Schema(source)).Select(m => m.Groups[1].Value.ToLowerInvariant()))
            {
                if (tables.TryGetValue(table, out var other) && other != source)
                {
                    throw new ConfigurationException(
                        $"The silver table {table} is declared by two sources, {other} and {source}; a silver table belongs to one source, so rename one.");
                }

                tables[table] = source;
            }
        }

        return tables;
    }

    /// <summary>Each source with silver has its quarantine table, and each script fills tables its own source declares.</summary>
    private static void CheckSilverTables(SilverScripts silver, IReadOnlyDictionary<string, string> tables)
    {
        foreach (var source in silver.Sources)
        {
            var quarantine = Lakehouse.Silver.SilverTables.QuarantineTable(source);
            if (tables.GetValueOrDefault(quarantine) != source)
            {
                throw new ConfigurationException(
                    $"The source {source} declares no {quarantine} table in its silver schema.sql; every source with silver needs one for the rows that fail its checks (copy another source's).");
            }
        }

        foreach (var script in silver.Datasets.Select(silver.Script))
        {
            var missing = script.Produces.FirstOrDefault(t => tables.GetValueOrDefault(t) != script.Source);
            if (missing is not null)
            {
                throw new ConfigurationException(
                    $"The silver script of {script.Dataset} produces {missing}, which the source {script.Source}'s schema.sql does not declare; declare it there or fix the script's '-- produces:' line.");
            }
        }
    }

    private static void CheckSilverReferences(IReadOnlyList<GoldModel> models, IReadOnlyDictionary<string, string> tables)
    {
        foreach (var model in models)
        {
            var missing = model.SilverTables.FirstOrDefault(t => !tables.ContainsKey(t));
            if (missing is not null)
            {
                throw new ConfigurationException(
                    $"The gold model {model.Name} (in {model.Folder}) reads silver.{missing}, which no source declares; declare the table in a source's silver schema.sql or fix the model.");
            }
        }
    }

    // A commented-out CREATE TABLE counts as declared here; DuckDB, which runs the DDL, then finds the table missing.
    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();
}
