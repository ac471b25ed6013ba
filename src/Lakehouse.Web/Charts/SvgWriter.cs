using System.Globalization;
using System.Text;
using System.Xml;

namespace Lakehouse.Web.Charts;

/// <summary>
/// Writes one inline <c>&lt;svg&gt;</c> element for a page, through <see cref="XmlWriter"/>: every label and value
/// that comes from the lake is written as XML text or an attribute value, so <c>&lt;</c>, <c>&amp;</c> and quotes in
/// data stay text and never become markup. Coordinates are written with the invariant culture and two decimals.
/// </summary>
internal sealed class SvgWriter : IDisposable
{
    private const string Namespace = "http://www.w3.org/2000/svg";

    private readonly StringBuilder text = new();
    private readonly XmlWriter xml;
    private bool finished;

    /// <param name="width">The drawing's width in user units (the viewBox's).</param>
    /// <param name="height">The drawing's height in user units.</param>
    /// <param name="cssClass">The svg element's class, for the page's style sheet and the browser tests.</param>
    /// <param name="title">What the drawing shows (its accessible name).</param>
    /// <param name="description">A longer description (the caption), or null.</param>
    /// <param name="id">A prefix unique on the page, for the ids of the title and description.</param>
    public SvgWriter(double width, double height, string cssClass, string title, string? description, string id)
    {
        xml = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment, Indent = false });
        xml.WriteStartElement("svg", Namespace);
        Attribute("id", id);
        Attribute("class", cssClass);
        Attribute("viewBox", $"0 0 {Number(width)} {Number(height)}");
        Attribute("width", Number(width));
        Attribute("height", Number(height));
        Attribute("role", "img");
        Attribute("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif");
        Attribute("font-size", "12");
        Attribute("fill", "#222");
        Attribute("aria-labelledby", description is null ? $"{id}-title" : $"{id}-title {id}-desc");
        xml.WriteStartElement("title", Namespace);
        Attribute("id", $"{id}-title");
        xml.WriteString(title);
        xml.WriteEndElement();
        if (description is not null)
        {
            xml.WriteStartElement("desc", Namespace);
            Attribute("id", $"{id}-desc");
            xml.WriteString(description);
            xml.WriteEndElement();
        }
    }

    /// <summary>Formats a coordinate or a value: invariant culture, at most two decimals.</summary>
    public static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Opens a <c>g</c> element; close it with <see cref="End"/>.</summary>
    public SvgWriter Group(string cssClass, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement("g", Namespace);
        Attribute("class", cssClass);
        Attributes(attributes);
        return this;
    }

    /// <summary>Opens any element; add attributes with <see cref="Attribute"/>, close it with <see cref="End"/>.</summary>
    public SvgWriter Start(string element, string? cssClass = null)
    {
        xml.WriteStartElement(element, Namespace);
        if (cssClass is not null)
        {
            Attribute("class", cssClass);
        }

        return this;
    }

    /// <summary>An attribute of the element just opened.</summary>
    public SvgWriter Attribute(string name, string value)
    {
        xml.WriteAttributeString(name, value);
        return this;
    }

    /// <summary>A <c>title</c> child: the tooltip a browser shows over the element, and its accessible name.</summary>
    public SvgWriter Title(string title)
    {
        xml.WriteStartElement("title", Namespace);
        xml.WriteString(title);
        xml.WriteEndElement();
        return this;
    }

    public SvgWriter End()
    {
        xml.WriteEndElement();
        return this;
    }

    /// <summary>A rectangle; <paramref name="title"/>, when given, becomes its tooltip.</summary>
    public SvgWriter Rect(double x, double y, double width, double height, string cssClass, string? title = null, params (string Name, string Value)[] attributes)
    {
        Start("rect", cssClass);
        Attribute("x", Number(x)).Attribute("y", Number(y)).Attribute("width", Number(Math.Max(0, width))).Attribute("height", Number(Math.Max(0, height)));
        Attributes(attributes);
        if (title is not null)
        {
            Title(title);
        }

        return End();
    }

    public SvgWriter Line(double x1, double y1, double x2, double y2, string cssClass, string stroke)
    {
        Start("line", cssClass).Attribute("x1", Number(x1)).Attribute("y1", Number(y1)).Attribute("x2", Number(x2)).Attribute("y2", Number(y2));
        return Attribute("stroke", stroke).End();
    }

    public SvgWriter Circle(double cx, double cy, double r, string cssClass, string? title = null, params (string Name, string Value)[] attributes)
    {
        Start("circle", cssClass).Attribute("cx", Number(cx)).Attribute("cy", Number(cy)).Attribute("r", Number(r));
        Attributes(attributes);
        if (title is not null)
        {
            Title(title);
        }

        return End();
    }

    public SvgWriter Polyline(IEnumerable<(double X, double Y)> points, string cssClass, string stroke)
    {
        Start("polyline", cssClass).Attribute("points", string.Join(' ', points.Select(p => $"{Number(p.X)},{Number(p.Y)}")));
        return Attribute("fill", "none").Attribute("stroke", stroke).Attribute("stroke-width", "2").End();
    }

    /// <summary>A path (<paramref name="data"/> is built from numbers by the caller, never from data values).</summary>
    public SvgWriter Path(string data, string cssClass, string? title = null, params (string Name, string Value)[] attributes)
    {
        Start("path", cssClass).Attribute("d", data);
        Attributes(attributes);
        if (title is not null)
        {
            Title(title);
        }

        return End();
    }

    /// <summary>Text at (<paramref name="x"/>, <paramref name="y"/>); <paramref name="anchor"/> is start, middle or end.</summary>
    public SvgWriter Text(double x, double y, string content, string cssClass, string anchor = "start", double? rotate = null, string? title = null, string? fontWeight = null)
    {
        Start("text", cssClass).Attribute("x", Number(x)).Attribute("y", Number(y)).Attribute("text-anchor", anchor);
        if (fontWeight is not null)
        {
            Attribute("font-weight", fontWeight);
        }

        if (rotate is { } degrees)
        {
            Attribute("transform", $"rotate({Number(degrees)} {Number(x)} {Number(y)})");
        }

        if (title is not null)
        {
            Title(title);
        }

        xml.WriteString(content);
        return End();
    }

    /// <summary>Closes the svg element and returns the markup.</summary>
    public string Finish()
    {
        if (!finished)
        {
            xml.WriteEndElement();
            xml.Flush();
            finished = true;
        }

        return text.ToString();
    }

    public void Dispose() => xml.Dispose();

    private void Attributes((string Name, string Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            xml.WriteAttributeString(name, value);
        }
    }
}
