using Lakehouse.Gold;
using Lakehouse.Sources;

namespace Lakehouse.Web.Lineage;

/// <summary>The four layers of the lake's lineage, left to right.</summary>
internal enum LineageLayer
{
    Source,
    Dataset,
    Silver,
    Gold,
}

/// <summary>A node of the lineage graph.</summary>
/// <param name="Id">Unique in the graph: the layer and the name (<c>silver:spacex_launches</c>).</param>
/// <param name="Layer">Its column.</param>
/// <param name="Name">The source, dataset or table as the lake names it.</param>
/// <param name="Owner">The source it belongs to (<c>common</c> for the core's gold models).</param>
internal sealed record LineageNode(string Id, LineageLayer Layer, string Name, string Owner)
{
    /// <summary>
    /// False for a dataset its source declares silver for but does not land with the current settings (RAWG's
    /// <c>game_details</c> while its option is off): drawn, so that its tables have a parent, but marked.
    /// </summary>
    public bool Landed { get; init; } = true;
}

/// <summary>An edge of the lineage graph: data flows from <paramref name="From"/> to <paramref name="To"/>.</summary>
/// <param name="From">A node's id.</param>
/// <param name="To">A node's id.</param>
/// <param name="Relation">What the edge means, in words (<c>lands</c>, <c>is transformed into</c>, <c>is read by</c>).</param>
internal sealed record LineageEdge(string From, string To, string Relation);

/// <summary>
/// Source → dataset → silver tables → gold tables, from the declarations alone (no lake is read): the registered
/// sources and their datasets, each dataset's silver tables (the tables its silver script produces, written from the
/// source's silver declarations), and each gold model's inputs as the build finds them in its SQL (the silver tables
/// and the other gold tables it reads). The quarantine tables, which every dataset of a source may write, are left
/// out unless a model reads one.
/// </summary>
internal sealed class LineageGraph
{
    private LineageGraph(IReadOnlyList<LineageNode> nodes, IReadOnlyList<LineageEdge> edges)
    {
        Nodes = nodes;
        Edges = edges;
        ById = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
    }

    /// <summary>Every node, by layer, each layer in the order it is drawn.</summary>
    public IReadOnlyList<LineageNode> Nodes { get; }

    /// <summary>Every edge: source → dataset, dataset → silver, silver → gold, gold → gold.</summary>
    public IReadOnlyList<LineageEdge> Edges { get; }

    public IReadOnlyDictionary<string, LineageNode> ById { get; }

    public static string IdOf(LineageLayer layer, string name) => $"{layer.ToString().ToLowerInvariant()}:{name}";

    /// <summary>The graph of the registered <paramref name="sources"/> and the <paramref name="catalog"/> made from their SQL.</summary>
    public static LineageGraph From(IEnumerable<ISource> sources, SourceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(catalog);
        var registered = sources.ToList();
        var nodes = new List<LineageNode>();
        var edges = new List<LineageEdge>();

        // Sources in registration order: those with a client first, then any that only bring SQL.
        var sourceNames = registered.Select(s => s.Name).Concat(catalog.Sql.Select(s => s.Source)).Distinct(StringComparer.Ordinal).ToList();
        nodes.AddRange(sourceNames.Select(s => new LineageNode(IdOf(LineageLayer.Source, s), LineageLayer.Source, s, s)));

        // Datasets grouped by source, in the order a run lands them; a silver script without a registered dataset still counts.
        var datasets = new List<(string Name, string Source)>();
        var landed = registered.SelectMany(s => s.Datasets).Select(d => d.Name.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var source in sourceNames)
        {
            var names = registered.Where(s => s.Name == source).SelectMany(s => s.Datasets).Select(d => d.Name.ToString())
                .Concat(catalog.Silver.Datasets.Where(d => d.StartsWith(source + ".", StringComparison.Ordinal)))
                .Distinct(StringComparer.Ordinal);
            datasets.AddRange(names.Select(n => (n, source)));
        }

        foreach (var (dataset, source) in datasets)
        {
            nodes.Add(new LineageNode(IdOf(LineageLayer.Dataset, dataset), LineageLayer.Dataset, dataset, source) { Landed = landed.Contains(dataset) });
            edges.Add(new LineageEdge(IdOf(LineageLayer.Source, source), IdOf(LineageLayer.Dataset, dataset), "lands"));
        }

        // Silver tables in the order of the first dataset that produces them, so that edges run roughly level.
        var silver = new List<string>();
        foreach (var (dataset, _) in datasets.Where(d => catalog.Silver.Datasets.Contains(d.Name)))
        {
            foreach (var table in catalog.Silver.TablesOf(dataset))
            {
                if (!silver.Contains(table))
                {
                    silver.Add(table);
                }

                edges.Add(new LineageEdge(IdOf(LineageLayer.Dataset, dataset), IdOf(LineageLayer.Silver, table), "is transformed into"));
            }
        }

        var read = catalog.Gold.SelectMany(m => m.SilverTables).ToHashSet(StringComparer.Ordinal);
        var quarantines = catalog.Silver.Sources.Select(Lakehouse.Silver.SilverTables.QuarantineTable).ToHashSet(StringComparer.Ordinal);
        silver.AddRange(catalog.SilverTables.Keys
            .Where(t => !silver.Contains(t) && (!quarantines.Contains(t) || read.Contains(t)))
            .Order(StringComparer.Ordinal));
        nodes.AddRange(silver.Select(t => new LineageNode(IdOf(LineageLayer.Silver, t), LineageLayer.Silver, t, catalog.SilverTables.GetValueOrDefault(t, "?"))));

        foreach (var model in OrderedGold(catalog.Gold, silver))
        {
            nodes.Add(new LineageNode(IdOf(LineageLayer.Gold, model.Name), LineageLayer.Gold, model.Name, model.Folder));
            edges.AddRange(model.SilverTables.Select(t => new LineageEdge(IdOf(LineageLayer.Silver, t), IdOf(LineageLayer.Gold, model.Name), "is read by")));
            edges.AddRange(model.DependsOn.Select(d => new LineageEdge(IdOf(LineageLayer.Gold, d), IdOf(LineageLayer.Gold, model.Name), "is read by")));
        }

        return new LineageGraph(nodes, edges);
    }

    /// <summary>
    /// Gold models ordered by the mean position of the silver tables they read (which keeps their edges short and
    /// few of them crossing); models that read no silver (the calendar, the build's own records) come last, by name.
    /// </summary>
    private static IEnumerable<GoldModel> OrderedGold(IReadOnlyList<GoldModel> models, List<string> silver) =>
        models
            .Select(m => (Model: m, Positions: m.SilverTables.Select(t => silver.IndexOf(t)).Where(i => i >= 0).ToList()))
            .OrderBy(m => m.Positions.Count == 0 ? double.MaxValue : m.Positions.Average())
            .ThenBy(m => m.Model.Name, StringComparer.Ordinal)
            .Select(m => m.Model);
}
