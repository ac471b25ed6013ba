namespace Lakehouse.Web.Charts;

/// <summary>A series of a bar chart: one colour, one segment of every bar when several are stacked.</summary>
/// <param name="Name">What the series counts, for the legend and the tooltips.</param>
/// <param name="Color">A CSS colour.</param>
internal sealed record ChartSeries(string Name, string Color);

/// <summary>One bar: its label on the category axis and its value in each series, stacked in the series' order.</summary>
/// <param name="Label">The category (a year, a size band, a genre).</param>
/// <param name="Values">One value per series of the chart.</param>
internal sealed record ChartBar(string Label, IReadOnlyList<double> Values)
{
    public double Total => Values.Sum();

    /// <summary>A second measure in percent, drawn as a line over the bars (a year's launch success rate); null where unknown.</summary>
    public double? Percent { get; init; }

    /// <summary>Said after the value in the bar's label and tooltip, e.g. <c>12 games</c>.</summary>
    public string? Detail { get; init; }
}

/// <summary>
/// A bar chart of numbers from gold: categories with one value per series (stacked when there are several),
/// optionally a percentage line over vertical bars. <see cref="BarChartSvg"/> draws it.
/// </summary>
/// <param name="Id">Unique on the page; the SVG's ids start with it.</param>
/// <param name="Title">What the chart shows.</param>
/// <param name="Caption">How to read it: what a band, a score or a bar means.</param>
/// <param name="ValueName">What the value axis measures (<c>launches</c>).</param>
/// <param name="Series">The series, in stacking order.</param>
/// <param name="Bars">The bars, in axis order.</param>
internal sealed record BarChart(string Id, string Title, string Caption, string ValueName, IReadOnlyList<ChartSeries> Series, IReadOnlyList<ChartBar> Bars)
{
    /// <summary>Bars grow to the right, labels on the left: for many categories with long names (genres, platforms).</summary>
    public bool Horizontal { get; init; }

    /// <summary>The name of <see cref="ChartBar.Percent"/> (<c>success rate</c>); null when the chart has no percentage line.</summary>
    public string? PercentName { get; init; }

    /// <summary>How values are written (.NET format): whole numbers by default, <c>0.00</c> for averages.</summary>
    public string ValueFormat { get; init; } = "0";

    /// <summary>The value axis's end when it is fixed by what the value is (a rating out of 5); else it fits the data.</summary>
    public double? ValueMaximum { get; init; }

    /// <summary>True when no bar has a value: the page says how to get data instead of drawing empty axes.</summary>
    public bool IsEmpty => Bars.All(b => b.Total == 0);

    /// <summary>A value written as the chart writes it.</summary>
    public string Format(double value) => value.ToString(ValueFormat, System.Globalization.CultureInfo.InvariantCulture);
}
