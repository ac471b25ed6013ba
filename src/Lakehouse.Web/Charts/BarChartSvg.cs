namespace Lakehouse.Web.Charts;

/// <summary>
/// Draws a <see cref="BarChart"/> as inline SVG: value axis with round ticks from zero, one <c>g.bar-group</c> per
/// category holding one <c>rect.bar</c> per non-zero series value (stacked), the total above (or beside) each bar, an
/// optional percentage line on a 0–100 % axis, and a legend when there is more than one thing to tell apart.
/// Every mark carries its numbers (<c>data-label</c>, <c>data-value</c>, <c>data-total</c>) and a tooltip.
/// </summary>
/// <remarks>
/// Our own writer rather than OxyPlot's SvgExporter (which restores and draws well): several charts share one page,
/// and OxyPlot numbers its clip paths from 1 in every export, so their ids collide; it also writes an XML prolog
/// and gives marks neither tooltips nor the numbers behind them. A bar chart is a few rectangles on a linear scale.
/// </remarks>
internal static class BarChartSvg
{
    private const double Width = 760;
    private const string AxisColor = "#888";
    private const string GridColor = "#e4e4e4";
    private const string PercentColor = "#b22222";

    public static string Render(BarChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return chart.Horizontal ? RenderHorizontal(chart) : RenderVertical(chart);
    }

    /// <summary>
    /// A round step (1, 2, 2.5 or 5 × 10ⁿ) for an axis from zero past <paramref name="maximum"/>: the smallest that
    /// needs at most <paramref name="ticks"/> + 2 intervals, so the axis ends close above the tallest bar.
    /// </summary>
    internal static double TickStep(double maximum, int ticks, bool wholeNumbers)
    {
        if (maximum <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(maximum / ticks)));
        foreach (var factor in new[] { 1, 2, 2.5, 5, 10 })
        {
            var step = factor * magnitude;
            // 2.5 launches is no step for a count; 25 is.
            if (wholeNumbers && step != Math.Round(step))
            {
                continue;
            }

            if (Math.Ceiling(maximum / step) <= ticks + 2)
            {
                return wholeNumbers ? Math.Max(1, step) : step;
            }
        }

        return 10 * magnitude;
    }

    private static (double Maximum, double Step) ValueAxis(BarChart chart, int ticks)
    {
        var wholeNumbers = !chart.ValueFormat.Contains('.', StringComparison.Ordinal);
        if (chart.ValueMaximum is { } fixedMaximum)
        {
            return (fixedMaximum, TickStep(fixedMaximum, ticks, wholeNumbers));
        }

        var largest = chart.Bars.Select(b => b.Total).DefaultIfEmpty(0).Max();
        var step = TickStep(largest, ticks, wholeNumbers);
        return (Math.Max(step, Math.Ceiling(largest / step) * step), step);
    }

    private static string RenderVertical(BarChart chart)
    {
        var rotateLabels = chart.Bars.Count > 12 || chart.Bars.Any(b => b.Label.Length > 10);
        var hasLegend = chart.Series.Count > 1 || chart.PercentName is not null;
        double left = 56, right = chart.PercentName is null ? 20 : 56, top = hasLegend ? 40 : 20, bottom = rotateLabels ? 72 : 40;
        const double height = 340;
        var plotWidth = Width - left - right;
        var plotHeight = height - top - bottom;
        var (maximum, step) = ValueAxis(chart, 5);
        double Y(double value) => top + plotHeight - (value / maximum * plotHeight);

        using var svg = new SvgWriter(Width, height, "chart bar-chart", chart.Title, chart.Caption, chart.Id);
        Legend(svg, chart, left);

        svg.Group("axis value-axis");
        for (var tick = 0.0; tick <= maximum + (step / 1000); tick += step)
        {
            svg.Line(left, Y(tick), left + plotWidth, Y(tick), tick == 0 ? "baseline" : "grid", tick == 0 ? AxisColor : GridColor);
            svg.Text(left - 6, Y(tick) + 4, Tick(tick), "tick-label", "end");
        }

        svg.Text(14, top + (plotHeight / 2), chart.ValueName, "axis-title", "middle", rotate: -90);
        svg.End();

        if (chart.PercentName is not null)
        {
            svg.Group("axis percent-axis");
            for (var percent = 0; percent <= 100; percent += 25)
            {
                svg.Text(left + plotWidth + 6, top + plotHeight - (percent / 100.0 * plotHeight) + 4, $"{percent} %", "tick-label");
            }

            svg.End();
        }

        var band = chart.Bars.Count == 0 ? plotWidth : plotWidth / chart.Bars.Count;
        var barWidth = Math.Max(2, band * 0.7);
        svg.Group("bars");
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var x = left + (i * band) + ((band - barWidth) / 2);
            svg.Group("bar-group", ("data-label", bar.Label), ("data-total", Data(bar.Total)));
            var stacked = 0.0;
            for (var s = 0; s < chart.Series.Count; s++)
            {
                var value = bar.Values[s];
                if (value <= 0)
                {
                    continue;
                }

                svg.Rect(
                    x, Y(stacked + value), barWidth, Y(stacked) - Y(stacked + value), "bar", Tooltip(chart, bar, s),
                    ("fill", chart.Series[s].Color), ("data-series", chart.Series[s].Name), ("data-value", Data(value)));
                stacked += value;
            }

            if (bar.Total > 0)
            {
                svg.Text(x + (barWidth / 2), Y(bar.Total) - 4, chart.Format(bar.Total), "value-label", "middle");
            }

            var labelX = x + (barWidth / 2);
            var labelY = top + plotHeight + 16;
            if (rotateLabels)
            {
                svg.Text(labelX + 4, labelY - 4, bar.Label, "category-label", "end", rotate: -45);
            }
            else
            {
                svg.Text(labelX, labelY, bar.Label, "category-label", "middle");
            }

            svg.End();
        }

        svg.End();

        if (chart.PercentName is not null)
        {
            var points = chart.Bars
                .Select((bar, i) => (bar, X: left + (i * band) + (band / 2)))
                .Where(p => p.bar.Percent is not null)
                .Select(p => (p.bar, p.X, Y: top + plotHeight - (p.bar.Percent!.Value / 100 * plotHeight)))
                .ToList();
            svg.Group("percent");

            // The line is broken where a bar has no percentage (a year without launches): nothing is drawn across it.
            var run = new List<(double X, double Y)>();
            for (var i = 0; i <= chart.Bars.Count; i++)
            {
                if (i < chart.Bars.Count && chart.Bars[i].Percent is { } percent)
                {
                    run.Add((left + (i * band) + (band / 2), top + plotHeight - (percent / 100 * plotHeight)));
                }
                else if (run.Count > 0)
                {
                    svg.Polyline(run, "percent-line", PercentColor);
                    run = [];
                }
            }

            foreach (var (bar, x, y) in points)
            {
                svg.Circle(
                    x, y, 3.5, "percent-point", $"{bar.Label}: {chart.PercentName} {bar.Percent!.Value:0.#} %",
                    ("fill", PercentColor), ("data-label", bar.Label), ("data-value", Data(bar.Percent.Value)));
            }

            svg.End();
        }

        return svg.Finish();
    }

    private static string RenderHorizontal(BarChart chart)
    {
        const double labelWidth = 180, right = 110, top = 24, bottom = 28, row = 24;
        var hasLegend = chart.Series.Count > 1;
        var first = top + (hasLegend ? 20 : 0);
        var height = first + (Math.Max(1, chart.Bars.Count) * row) + bottom;
        var plotWidth = Width - labelWidth - right;
        var (maximum, step) = ValueAxis(chart, 5);
        double X(double value) => labelWidth + (value / maximum * plotWidth);

        using var svg = new SvgWriter(Width, height, "chart bar-chart horizontal", chart.Title, chart.Caption, chart.Id);
        Legend(svg, chart, labelWidth);

        var axisY = first + (chart.Bars.Count * row);
        svg.Group("axis value-axis");
        for (var tick = 0.0; tick <= maximum + (step / 1000); tick += step)
        {
            svg.Line(X(tick), first - 4, X(tick), axisY, tick == 0 ? "baseline" : "grid", tick == 0 ? AxisColor : GridColor);
            svg.Text(X(tick), axisY + 14, Tick(tick), "tick-label", "middle");
        }

        svg.Text(labelWidth + (plotWidth / 2), 14, chart.ValueName, "axis-title", "middle");
        svg.End();

        svg.Group("bars");
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var y = first + (i * row) + 3;
            var barHeight = row - 6;
            svg.Group("bar-group", ("data-label", bar.Label), ("data-total", Data(bar.Total)));
            var label = bar.Label.Length > 28 ? bar.Label[..27] + "…" : bar.Label;
            svg.Text(labelWidth - 8, y + (barHeight / 2) + 4, label, "category-label", "end", title: label == bar.Label ? null : bar.Label);
            var stacked = 0.0;
            for (var s = 0; s < chart.Series.Count; s++)
            {
                var value = bar.Values[s];
                if (value <= 0)
                {
                    continue;
                }

                svg.Rect(
                    X(stacked), y, X(stacked + value) - X(stacked), barHeight, "bar", Tooltip(chart, bar, s),
                    ("fill", chart.Series[s].Color), ("data-series", chart.Series[s].Name), ("data-value", Data(value)));
                stacked += value;
            }

            var text = bar.Detail is null ? chart.Format(bar.Total) : $"{chart.Format(bar.Total)} ({bar.Detail})";
            svg.Text(X(bar.Total) + 6, y + (barHeight / 2) + 4, text, "value-label");
            svg.End();
        }

        svg.End();
        return svg.Finish();
    }

    private static void Legend(SvgWriter svg, BarChart chart, double left)
    {
        if (chart.Series.Count <= 1 && chart.PercentName is null)
        {
            return;
        }

        svg.Group("legend");
        var x = left;
        foreach (var series in chart.Series)
        {
            svg.Rect(x, 8, 12, 12, "legend-swatch", null, ("fill", series.Color));
            svg.Text(x + 16, 18, series.Name, "legend-label");
            x += 28 + (series.Name.Length * 6.5);
        }

        if (chart.PercentName is not null)
        {
            svg.Line(x, 14, x + 14, 14, "legend-line", PercentColor);
            svg.Text(x + 18, 18, $"{chart.PercentName} (right axis)", "legend-label");
        }

        svg.End();
    }

    private static string Tooltip(BarChart chart, ChartBar bar, int series)
    {
        var what = chart.Series.Count > 1 ? $"{chart.Series[series].Name}: " : string.Empty;
        var detail = bar.Detail is null ? string.Empty : $" ({bar.Detail})";
        return $"{bar.Label}: {what}{chart.Format(bar.Values[series])} {chart.ValueName}{detail}";
    }

    private static string Tick(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static string Data(double value) => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
