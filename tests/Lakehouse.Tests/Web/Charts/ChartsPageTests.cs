using System.Text.RegularExpressions;
using Lakehouse.Tests.Support;
using ChartsPage = Lakehouse.Web.Components.Pages.Charts;

namespace Lakehouse.Tests.Web.Charts;

/// <summary>The <c>/charts</c> page component, rendered over the real composition root: the demo lake, an empty one, hostile data.</summary>
public sealed class ChartsPageTests(DemoLake lake) : IClassFixture<DemoLake>, IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_page_draws_each_chart_of_the_demo_lake_with_its_caption_and_its_numbers_as_a_table()
    {
        // Given the demo lake's services
        using var host = new PipelineHostBuilder(lake.Root).Build();

        // When the page is rendered
        var html = await PageRendering.RenderAsync<ChartsPage>(host.Services, "charts.html");

        // Then six charts are drawn, each with bars, and none says it has no data
        var svgs = PageRendering.Svgs(html).Select(s => new ChartSvg(s)).ToList();
        svgs.Select(s => (string)s.Root.Attribute("id")!).ShouldBe(
            ["launches-per-year", "approaches-by-size", "approaches-by-risk", "space-weather-per-month", "games-per-genre", "rating-per-platform"]);
        svgs.ShouldAllBe(s => s.Groups.Count > 0 && s.Groups.Any(g => g.Bars.Count > 0));
        html.ShouldNotContain("No data yet");

        // And under each chart, its caption and one table row per bar
        Regex.Count(html, "<figcaption>").ShouldBe(6);
        var tables = Regex.Matches(html, "<details class=\"chart-numbers\">.*?</details>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        tables.Select(t => Regex.Count(t, "<th scope=\"row\">")).ShouldBe(svgs.Select(s => s.Groups.Count));
    }

    [Fact]
    public async Task On_a_lake_without_gold_the_page_says_for_each_chart_which_source_to_run()
    {
        // Given a lake where nothing ran yet
        using var host = new PipelineHostBuilder(temp.Path).Build();

        // When the page is rendered
        var html = await PageRendering.RenderAsync<ChartsPage>(host.Services, "charts-empty.html");

        // Then no chart is drawn, and each says how to fill it
        html.ShouldNotContain("<svg");
        Regex.Matches(html, "No data yet: run <code>lakehouse run --source (\\w+)</code>").Select(m => m.Groups[1].Value)
            .ShouldBe(["spacex", "nasa", "nasa", "nasa", "rawg", "rawg"]);
    }

    [Fact]
    public async Task Markup_in_a_data_value_is_shown_as_text_in_the_chart_and_the_table_and_never_becomes_an_element()
    {
        // Given a gold database whose only genre is named with markup (and no other table: those charts cannot be read)
        const string Hostile = "<script>alert('charts')</script> & <b>\"bold\"</b>";
        var gold = temp.Combine("lake", "gold", "lakehouse.duckdb");
        Directory.CreateDirectory(Path.GetDirectoryName(gold)!);
        using (var connection = DuckDbTestConnections.OpenFile(gold))
        {
            connection.Execute("CREATE TABLE dim_genre (genre_key BIGINT, name VARCHAR); INSERT INTO dim_genre VALUES (7, $1)", Hostile);
            connection.Execute("CREATE TABLE bridge_game_genre (game_key BIGINT, genre_ordinal INTEGER, genre_key BIGINT); INSERT INTO bridge_game_genre VALUES (1, 0, 7), (2, 0, 7)");
        }

        using var host = new PipelineHostBuilder(temp.Path).Build();

        // When the page is rendered
        var html = await PageRendering.RenderAsync<ChartsPage>(host.Services, "charts-hostile.html");

        // Then the genre's name is text: escaped in the SVG and in the table, no script or b element anywhere
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<b>");
        Regex.Count(html, "&lt;script&gt;alert\\(").ShouldBeGreaterThanOrEqualTo(2);
        var genres = new ChartSvg(PageRendering.Svgs(html).Single());
        genres.Root.Descendants().Select(e => e.Name.LocalName).ShouldNotContain("script");
        genres.Groups.Single().Label.ShouldBe(Hostile);
        genres.Groups.Single().CategoryLabel.ShouldBe(Hostile[..27] + "…");
        genres.Groups.Single().CategoryTooltip.ShouldBe(Hostile);
        genres.Groups.Single().Total.ShouldBe(2);

        // And the charts whose tables are missing say that gold could not be read, naming the fix
        Regex.Count(html, "Gold could not be read for this chart: .*?lakehouse model --rebuild").ShouldBe(5);
    }
}
