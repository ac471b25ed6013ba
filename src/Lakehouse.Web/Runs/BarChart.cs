using System.Globalization;

namespace Lakehouse.Web.Runs;

/// <summary>
/// A bar chart as plain SVG geometry, one bar per value in order (the Runs page: a bar per run, oldest first). The
/// page draws it with Razor, which encodes every label, so no script is needed and nothing in the data can run.
/// </summary>
internal sealed record BarChart(string Title, IReadOnlyList<ChartBar> Bars, IReadOnlyList<ChartTick> Ticks, string FirstLabel, string LastLabel)
{
    public const double Width = 720;
    public const double Height = 200;
    public const double Left = 56;
    public const double Right = 8;
    public const double Top = 10;
    public const double Bottom = 24;

    public static double PlotWidth => Width - Left - Right;

    public static double PlotHeight => Height - Top - Bottom;

    public static double Baseline => Top + PlotHeight;

    /// <param name="title">What the bars measure, with the unit.</param>
    /// <param name="points">Each bar's label (its run) and value, in order.</param>
    /// <param name="format">How a value reads, in ticks and in each bar's tooltip.</param>
    public static BarChart Of(string title, IReadOnlyList<(string Label, double Value)> points, Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(format);
        var top = NiceCeiling(points.Count == 0 ? 0 : points.Max(p => p.Value));
        var slot = PlotWidth / Math.Max(points.Count, 1);
        var gap = Math.Min(slot * 0.2, 6);
        var bars = new List<ChartBar>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var (label, value) = points[i];
            var height = top <= 0 ? 0 : Math.Max(value, 0) / top * PlotHeight;

            // A zero still shows: a hairline, so every run has its mark.
            height = Math.Max(height, 1);
            bars.Add(new ChartBar(Left + (i * slot) + (gap / 2), Baseline - height, Math.Max(slot - gap, 1), height, $"{label}: {format(value)}"));
        }

        var ticks = Enumerable.Range(0, 5)
            .Select(i => top * i / 4)
            .Select(v => new ChartTick(Baseline - (top <= 0 ? 0 : v / top * PlotHeight), format(v)))
            .ToList();
        return new BarChart(title, bars, ticks, points.Count > 0 ? points[0].Label : string.Empty, points.Count > 0 ? points[^1].Label : string.Empty);
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at least <paramref name="max"/>: round ticks.</summary>
    internal static double NiceCeiling(double max)
    {
        if (max <= 0 || !double.IsFinite(max))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= max)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    /// <summary>A coordinate as SVG wants it: invariant, two decimals at most.</summary>
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

internal sealed record ChartBar(double X, double Y, double Width, double Height, string Title);

internal sealed record ChartTick(double Y, string Label);
