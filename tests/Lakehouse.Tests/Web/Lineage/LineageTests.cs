using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Lakehouse.Sources;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.Rawg;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;
using Lakehouse.Tests.Web.Charts;
using Lakehouse.Web.Lineage;
using Microsoft.Extensions.DependencyInjection;
using LineagePage = Lakehouse.Web.Components.Pages.Lineage;

namespace Lakehouse.Tests.Web.Lineage;

/// <summary>
/// The lineage graph of the built-in sources, as the composition root registers them, checked against the
/// declarations themselves (the sources' silver declarations, the gold models' SQL files read here) and drawn.
/// </summary>
public sealed partial class LineageTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly TempDirectory temp = new();
    private readonly PipelineHost host;
    private readonly LineageGraph graph;

    public LineageTests()
    {
        host = new PipelineHostBuilder(temp.Path).Build();
        graph = LineageGraph.From(host.Services.GetServices<ISource>(), host.Get<SourceCatalog>());
    }

    public void Dispose()
    {
        host.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Every_source_has_an_edge_to_each_dataset_it_registers_or_declares_silver_for()
    {
        // Given the registered sources and their datasets, and those a source declares silver for but does not land
        // with the default settings (RAWG's game details, an option)
        var registered = host.Services.GetServices<ISource>()
            .SelectMany(s => s.Datasets.Select(d => (From: $"source:{s.Name}", To: $"dataset:{d.Name}")))
            .ToList();
        registered.Count.ShouldBeGreaterThan(15);
        (string From, string To) details = ("source:rawg", "dataset:rawg.game_details");
        registered.ShouldNotContain(details);

        // Then the graph's source edges are exactly those, the one not landed marked as such
        graph.Edges.Where(e => e.From.StartsWith("source:", StringComparison.Ordinal)).Select(e => (e.From, e.To))
            .ShouldBe([.. registered, details], ignoreOrder: true);
        graph.Nodes.Where(n => !n.Landed).Select(n => n.Id).ShouldBe([details.To]);
    }

    [Fact]
    public void Every_silver_table_the_sources_declare_is_a_node_with_an_edge_from_its_dataset()
    {
        // Given the silver tables of each dataset, from the sources' declarations
        var declared = new[] { ("spacex", SpaceXSilver.Datasets), ("nasa", NasaSilver.Datasets), ("rawg", RawgSilver.Datasets) }
            .SelectMany(s => s.Item2.SelectMany(d => d.Tables.Select(t => (From: $"dataset:{s.Item1}.{d.Name}", To: $"silver:{t.Name}"))))
            .ToList();
        declared.Count.ShouldBeGreaterThan(30);

        // Then each is a node, and the edges into silver are exactly dataset → declared table
        declared.Select(d => d.To).Distinct().ShouldAllBe(id => graph.ById.ContainsKey(id));
        graph.Edges.Where(e => e.To.StartsWith("silver:", StringComparison.Ordinal)).Select(e => (e.From, e.To))
            .ShouldBe(declared, ignoreOrder: true);
        graph.Nodes.Where(n => n.Layer == LineageLayer.Silver).Select(n => n.Id).ShouldBe(declared.Select(d => d.To).Distinct(), ignoreOrder: true);
    }

    [Fact]
    public void Every_gold_model_file_is_a_node_with_an_edge_from_each_silver_table_its_sql_reads()
    {
        // Given the gold model files in the repository, and the silver tables each one's SQL names (comments aside)
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src", "Lakehouse.Pipeline"), "*.sql", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "Gold" || f.Contains(Path.Combine("Gold", "Models"), StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "macros.sql")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => LineComment().Replace(File.ReadAllText(f), string.Empty), StringComparer.Ordinal);
        files.Count.ShouldBeGreaterThan(25);

        // Then the gold nodes are those models
        graph.Nodes.Where(n => n.Layer == LineageLayer.Gold).Select(n => n.Name).ShouldBe(files.Keys, ignoreOrder: true);
        foreach (var (model, sql) in files)
        {
            // And the edges from silver into each are the silver tables its SQL reads
            var silver = SilverName().Matches(sql).Select(m => $"silver:{m.Groups[1].Value}").Distinct();
            graph.Edges.Where(e => e.To == $"gold:{model}" && e.From.StartsWith("silver:", StringComparison.Ordinal)).Select(e => e.From)
                .ShouldBe(silver, ignoreOrder: true, model);

            // And every other model it selects from or joins has an edge into it
            var models = FromOrJoin().Matches(sql).Select(m => m.Groups[1].Value).Where(n => n != model && files.ContainsKey(n)).Distinct();
            graph.Edges.Where(e => e.To == $"gold:{model}").Select(e => e.From).ShouldBeSubsetOf(graph.ById.Keys);
            models.Select(n => $"gold:{n}").ShouldBeSubsetOf(graph.Edges.Where(e => e.To == $"gold:{model}").Select(e => e.From), model);
        }
    }

    [Fact]
    public void The_drawing_has_a_labelled_box_per_node_in_its_layers_column_and_a_curve_from_box_to_box_per_edge()
    {
        // When the graph is drawn
        var root = XElement.Parse(LineageSvg.Render(graph));

        // Then every node is a box labelled with its name, in its layer's column, columns left to right
        var nodes = root.Descendants(Svg + "g").Where(g => ChartSvg.HasClass(g, "node")).ToList();
        nodes.Select(n => (string)n.Attribute("data-id")!).ShouldBe(graph.Nodes.Select(n => n.Id), ignoreOrder: true);
        var boxes = nodes.ToDictionary(
            n => (string)n.Attribute("data-id")!,
            n => (Rect: n.Element(Svg + "rect")!, Label: string.Concat(n.Element(Svg + "text")!.Nodes().OfType<XText>().Select(t => t.Value))));
        foreach (var node in graph.Nodes)
        {
            boxes[node.Id].Label.ShouldBe(node.Name);
        }

        var columns = graph.Nodes.GroupBy(n => n.Layer).OrderBy(g => g.Key)
            .Select(g => g.Select(n => ChartSvg.Number(boxes[n.Id].Rect, "x")).Distinct().ShouldHaveSingleItem()).ToList();
        columns.Count.ShouldBe(4);
        columns.ShouldBeInOrder();

        // And every edge is one curve that starts at the right side of its from-box and ends at its to-box
        var paths = root.Descendants(Svg + "path").Where(p => ChartSvg.HasClass(p, "edge")).ToList();
        paths.Select(p => ((string)p.Attribute("data-from")!, (string)p.Attribute("data-to")!))
            .ShouldBe(graph.Edges.Select(e => (e.From, e.To)), ignoreOrder: true);
        foreach (var path in paths)
        {
            var (from, to) = (boxes[(string)path.Attribute("data-from")!].Rect, boxes[(string)path.Attribute("data-to")!].Rect);
            var numbers = PathNumber().Matches((string)path.Attribute("d")!).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
            (numbers[0], numbers[1]).ShouldBe((Right(from), Middle(from)));
            var within = ChartSvg.HasClass(path, "edge-within");
            (numbers[^2], numbers[^1]).ShouldBe((within ? Right(to) + 2 : ChartSvg.Number(to, "x") - 2, Middle(to)));
        }
    }

    [Fact]
    public async Task The_page_draws_the_graph_and_lists_every_edge_in_a_table()
    {
        // When the page is rendered
        var html = await PageRendering.RenderAsync<LineagePage>(host.Services, "lineage.html");

        // Then it holds the drawing, and one table row per edge naming both ends
        PageRendering.Svgs(html).ShouldHaveSingleItem();
        var rows = TableRow().Matches(html).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        rows.ShouldBe(graph.Edges.Select(e => (e.From, e.To)), ignoreOrder: true);
        html.ShouldContain("<code>spacex_launches</code></td>");
    }

    private static double Right(XElement rect) => Math.Round(ChartSvg.Number(rect, "x") + ChartSvg.Number(rect, "width"), 2);

    private static double Middle(XElement rect) => Math.Round(ChartSvg.Number(rect, "y") + (ChartSvg.Number(rect, "height") / 2), 2);

    [GeneratedRegex("--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"(?<![\w.])silver\.([a-z0-9_]+)")]
    private static partial Regex SilverName();

    [GeneratedRegex(@"\b(?:from|join)\s+([a-z0-9_]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FromOrJoin();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?")]
    private static partial Regex PathNumber();

    [GeneratedRegex("<tr data-from=\"([^\"]+)\" data-to=\"([^\"]+)\">")]
    private static partial Regex TableRow();
}
