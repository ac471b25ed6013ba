using System.Globalization;
using System.Xml.Linq;

namespace Lakehouse.Tests.Web.Charts;

/// <summary>An SVG chart read back as XML: its bar groups, bars, labels and percentage points, as the browser gets them.</summary>
internal sealed class ChartSvg
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public ChartSvg(string markup)
    {
        // Parsing is itself a check: the markup is well-formed XML, whatever the data's labels held.
        Root = XElement.Parse(markup);
        Root.Name.ShouldBe(Svg + "svg");
    }

    public XElement Root { get; }

    public IReadOnlyList<BarGroup> Groups => [.. Root.Descendants(Svg + "g").Where(g => HasClass(g, "bar-group")).Select(g => new BarGroup(g, HasClass(Root, "horizontal")))];

    public IReadOnlyList<(string Label, double Value, double Y)> PercentPoints =>
        [.. Root.Descendants(Svg + "circle").Where(c => HasClass(c, "percent-point"))
            .Select(c => ((string)c.Attribute("data-label")!, Number(c, "data-value"), Number(c, "cy")))];

    public static bool HasClass(XElement element, string cssClass) =>
        ((string?)element.Attribute("class"))?.Split(' ').Contains(cssClass) == true;

    public static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    internal sealed class BarGroup(XElement element, bool horizontal)
    {
        public string Label => (string)element.Attribute("data-label")!;

        public double Total => Number(element, "data-total");

        /// <summary>The bar's segments by series: the value it carries and its drawn length along the value axis.</summary>
        public IReadOnlyList<(string Series, double Value, double Length)> Bars =>
            [.. element.Elements(Svg + "rect").Where(r => HasClass(r, "bar"))
                .Select(r => ((string)r.Attribute("data-series")!, Number(r, "data-value"), Number(r, horizontal ? "width" : "height")))];

        public string? ValueLabel => element.Elements(Svg + "text").FirstOrDefault(t => HasClass(t, "value-label"))?.Value;

        /// <summary>The label's text as drawn (a long one cut short), without its tooltip.</summary>
        public string CategoryLabel => string.Concat(CategoryText.Nodes().OfType<XText>().Select(t => t.Value));

        /// <summary>The label's tooltip, which a label cut short carries in full.</summary>
        public string? CategoryTooltip => CategoryText.Element(Svg + "title")?.Value;

        private XElement CategoryText => element.Elements(Svg + "text").Single(t => HasClass(t, "category-label"));
    }
}
