using Lakehouse.Web.Charts;

namespace Lakehouse.Tests.Web.Charts;

public sealed class BarChartSvgTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(151)]
    [InlineData(192)]
    [InlineData(999)]
    [InlineData(12345)]
    public void A_count_axis_steps_by_whole_round_numbers_and_ends_within_one_step_above_the_tallest_bar(int tallest)
    {
        // Given bars up to tallest
        var chart = Chart([.. Enumerable.Range(1, 5).Select(i => new ChartBar($"c{i}", [tallest * i / 5.0]))]);

        // When drawn
        var ticks = new ChartSvg(BarChartSvg.Render(chart)).Root.Descendants(ChartSvg.Svg + "text")
            .Where(t => ChartSvg.HasClass(t, "tick-label")).Select(t => double.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        // Then the ticks run from 0 in one whole step of 1, 2, 2.5 or 5 × 10ⁿ, no more than 7 of them, the last at or above the tallest bar
        ticks[0].ShouldBe(0);
        var step = ticks[1] - ticks[0];
        step.ShouldBe(Math.Round(step));
        (step / Math.Pow(10, Math.Floor(Math.Log10(step)))).ShouldBeOneOf(1, 2, 2.5, 5);
        ticks.Zip(ticks.Skip(1), (a, b) => b - a).ShouldAllBe(d => d == step);
        (ticks.Count - 1).ShouldBeLessThanOrEqualTo(7);
        ticks[^1].ShouldBeGreaterThanOrEqualTo(tallest);
        ticks[^1].ShouldBeLessThan(tallest + step);
    }

    [Fact]
    public void Markup_in_labels_and_series_names_stays_text()
    {
        // Given a chart whose title, category and series carry markup
        const string Hostile = "</text><script>alert(1)</script><text>&amp;";
        var chart = new BarChart("x", Hostile, Hostile, Hostile, [new ChartSeries(Hostile, "#000"), new ChartSeries("b", "#111")], [new ChartBar(Hostile, [1, 2])]);

        // When drawn, vertically and horizontally
        foreach (var svg in new[] { BarChartSvg.Render(chart), BarChartSvg.Render(chart with { Horizontal = true }) })
        {
            // Then it parses, holds no script element, and gives the text back as it was
            var parsed = new ChartSvg(svg);
            parsed.Root.Descendants().Select(e => e.Name.LocalName).ShouldNotContain("script");
            parsed.Root.Element(ChartSvg.Svg + "title")!.Value.ShouldBe(Hostile);
            parsed.Groups.Single().Label.ShouldBe(Hostile);
            parsed.Groups.Single().Bars.Select(b => b.Series).ShouldBe([Hostile, "b"]);
        }
    }

    private static BarChart Chart(IReadOnlyList<ChartBar> bars) =>
        new("t", "title", "caption", "things", [new ChartSeries("things", "#123456")], bars);
}
