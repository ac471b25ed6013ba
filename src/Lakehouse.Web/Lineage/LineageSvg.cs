using Lakehouse.Web.Charts;

namespace Lakehouse.Web.Lineage;

/// <summary>
/// Draws a <see cref="LineageGraph"/> as inline SVG in four columns, left to right: sources, datasets, silver tables,
/// gold tables. Each column spreads its nodes over the height of the tallest, in the graph's order (which keeps
/// related nodes level); an edge between columns is a curve from the right side of one node to the left side of the
/// next, and an edge between two gold tables an arc on the right of the gold column. Every node is a
/// <c>g.node</c> with <c>data-id</c>, every edge a <c>path.edge</c> with <c>data-from</c> and <c>data-to</c>.
/// </summary>
/// <remarks>A plain layered layout: the graph's layers are given, so a general layout engine (MSAGL) would add a
/// dependency to find what the declarations already say.</remarks>
internal static class LineageSvg
{
    private const double Top = 34;
    private const double Row = 24;
    private const double NodeHeight = 18;
    private const double Gap = 120;
    private const double CharWidth = 6.8;
    private const double GoldArcRoom = 150;

    private static readonly (LineageLayer Layer, string Title, string Fill, string Stroke)[] Columns =
    [
        (LineageLayer.Source, "Sources", "#dbe7f3", "#4e79a7"),
        (LineageLayer.Dataset, "Datasets (bronze)", "#fde5cc", "#e07b12"),
        (LineageLayer.Silver, "Silver tables", "#e9ecef", "#7f8a96"),
        (LineageLayer.Gold, "Gold tables", "#fbf0c6", "#b8860b"),
    ];

    public static string Render(LineageGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var byLayer = Columns.Select(c => graph.Nodes.Where(n => n.Layer == c.Layer).ToList()).ToList();
        var tallest = Math.Max(1, byLayer.Max(l => l.Count));
        var height = Top + (tallest * Row) + 10;

        // Column x positions and widths, each wide enough for its longest name.
        var boxes = new Dictionary<string, (double X, double Y, double Width)>(StringComparer.Ordinal);
        var x = 10.0;
        var columnX = new List<(double X, double Width)>();
        for (var c = 0; c < Columns.Length; c++)
        {
            var nodes = byLayer[c];
            var width = Math.Max(90, (nodes.Select(n => n.Name.Length).DefaultIfEmpty(0).Max() * CharWidth) + 16);
            var slot = (height - Top - 10) / Math.Max(1, nodes.Count);
            for (var i = 0; i < nodes.Count; i++)
            {
                boxes[nodes[i].Id] = (x, Top + (i * slot) + ((slot - NodeHeight) / 2), width);
            }

            columnX.Add((x, width));
            x += width + Gap;
        }

        var totalWidth = x - Gap + GoldArcRoom;
        using var svg = new SvgWriter(
            totalWidth, height, "lineage", "Lineage: sources, datasets, silver tables and gold tables",
            $"{graph.Nodes.Count} nodes and {graph.Edges.Count} edges; the table below lists every edge.", "lineage-graph");

        svg.Start("defs").Start("marker").Attribute("id", "lineage-arrow").Attribute("viewBox", "0 0 8 8").Attribute("refX", "8").Attribute("refY", "4")
            .Attribute("markerWidth", "7").Attribute("markerHeight", "7").Attribute("orient", "auto-start-reverse")
            .Path("M 0 0 L 8 4 L 0 8 z", "arrow", null, ("fill", "#8a8a8a")).End().End();

        svg.Group("column-titles");
        for (var c = 0; c < Columns.Length; c++)
        {
            svg.Text(columnX[c].X, 16, Columns[c].Title, "column-title", fontWeight: "600");
        }

        svg.End();

        svg.Group("edges");
        foreach (var edge in graph.Edges)
        {
            if (!boxes.TryGetValue(edge.From, out var from) || !boxes.TryGetValue(edge.To, out var to))
            {
                continue;
            }

            var fromNode = graph.ById[edge.From];
            var toNode = graph.ById[edge.To];
            string data;
            var cssClass = "edge";
            if (fromNode.Layer == toNode.Layer)
            {
                // Two gold tables: an arc out of the right side of one into the right side of the other.
                var side = from.X + from.Width;
                var y1 = from.Y + (NodeHeight / 2);
                var y2 = to.Y + (NodeHeight / 2);
                var bulge = Math.Min(GoldArcRoom - 20, 24 + (Math.Abs(y2 - y1) * 0.25));
                data = $"M {SvgWriter.Number(side)} {SvgWriter.Number(y1)} C {SvgWriter.Number(side + bulge)} {SvgWriter.Number(y1)}, {SvgWriter.Number(side + bulge)} {SvgWriter.Number(y2)}, {SvgWriter.Number(side + 2)} {SvgWriter.Number(y2)}";
                cssClass = "edge edge-within";
            }
            else
            {
                var x1 = from.X + from.Width;
                var y1 = from.Y + (NodeHeight / 2);
                var x2 = to.X - 2;
                var y2 = to.Y + (NodeHeight / 2);
                var middle = (x1 + x2) / 2;
                data = $"M {SvgWriter.Number(x1)} {SvgWriter.Number(y1)} C {SvgWriter.Number(middle)} {SvgWriter.Number(y1)}, {SvgWriter.Number(middle)} {SvgWriter.Number(y2)}, {SvgWriter.Number(x2)} {SvgWriter.Number(y2)}";
            }

            svg.Path(
                data, cssClass, $"{fromNode.Name} {edge.Relation} {toNode.Name}",
                ("data-from", edge.From), ("data-to", edge.To), ("fill", "none"),
                ("stroke", fromNode.Layer == toNode.Layer ? "#d4b45a" : "#a8a8a8"), ("stroke-width", "1.2"), ("marker-end", "url(#lineage-arrow)"));
        }

        svg.End();

        svg.Group("nodes");
        for (var c = 0; c < Columns.Length; c++)
        {
            var (layer, _, fill, stroke) = Columns[c];
            var kind = layer.ToString().ToLowerInvariant();
            foreach (var node in byLayer[c])
            {
                var (nodeX, nodeY, width) = boxes[node.Id];
                svg.Group(node.Landed ? $"node node-{kind}" : $"node node-{kind} not-landed", ("data-id", node.Id), ("data-layer", kind));
                var title = node.Owner == node.Name ? $"{kind} {node.Name}" : $"{kind} {node.Name} ({node.Owner})";
                svg.Title(node.Landed ? title : $"{title}: not landed with the current settings");
                svg.Rect(
                    nodeX, nodeY, width, NodeHeight, "node-box", null,
                    [("rx", "4"), ("fill", fill), ("stroke", stroke), .. node.Landed ? Array.Empty<(string, string)>() : [("stroke-dasharray", "4 3")]]);
                svg.Text(nodeX + 8, nodeY + 13, node.Name, "node-label");
                svg.End();
            }
        }

        svg.End();
        return svg.Finish();
    }
}
