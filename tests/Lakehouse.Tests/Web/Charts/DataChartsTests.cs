using System.Globalization;
using Lakehouse.Web.Charts;
using static Lakehouse.Tests.Web.Charts.DemoLake;

namespace Lakehouse.Tests.Web.Charts;

/// <summary>
/// The charts of the data, read from the demo lake's gold and checked mark by mark against numbers DuckDB computes
/// from the silver Parquet files (each entity's latest observation, as silver defines it), not from gold.
/// </summary>
public sealed class DataChartsTests(DemoLake lake) : IClassFixture<DemoLake>
{
    [Fact]
    public async Task Launches_per_year_draw_a_bar_for_every_year_from_the_first_to_the_last_with_its_launch_count_and_success_rate()
    {
        // Given the flown launches per year in silver: each launch's latest landing, upcoming ones left out
        var expected = lake.Silver(
            """
            SELECT year(date_utc), count(*), count(*) FILTER (WHERE success), count(success)
            FROM (SELECT * FROM {spacex/launches} QUALIFY row_number() OVER (PARTITION BY launch_id ORDER BY _landed_at DESC, _bronze_key DESC) = 1)
            WHERE upcoming IS NOT TRUE AND date_utc IS NOT NULL
            GROUP BY 1
            """).ToDictionary(r => (int)Whole(r[0]), r => (Launches: Whole(r[1]), Successes: Whole(r[2]), Known: Whole(r[3])));
        expected.Count.ShouldBeGreaterThan(5);

        // When the charts are read from gold
        var svg = new ChartSvg((await PanelAsync("launches-per-year")).Svg());

        // Then there is one bar per year, first to last, a year without launches included, each as tall as its count
        var years = Enumerable.Range(expected.Keys.Min(), expected.Keys.Max() - expected.Keys.Min() + 1).ToList();
        svg.Groups.Select(g => g.Label).ShouldBe(years.Select(y => y.ToString(CultureInfo.InvariantCulture)));
        foreach (var group in svg.Groups)
        {
            var launches = expected.GetValueOrDefault(int.Parse(group.Label, CultureInfo.InvariantCulture)).Launches;
            group.Total.ShouldBe(launches, group.Label);
            group.Bars.Sum(b => b.Value).ShouldBe(launches, group.Label);
            group.ValueLabel.ShouldBe(launches == 0 ? null : launches.ToString(CultureInfo.InvariantCulture), group.Label);
        }

        ShouldBeProportional(svg);

        // And the success-rate line has a point for each year with a known outcome, at successes / known outcomes
        svg.PercentPoints.Select(p => p.Label).ShouldBe(years.Where(y => expected.GetValueOrDefault(y).Known > 0).Select(y => y.ToString(CultureInfo.InvariantCulture)));
        foreach (var (label, value, _) in svg.PercentPoints)
        {
            var year = expected[int.Parse(label, CultureInfo.InvariantCulture)];
            value.ShouldBe(100.0 * year.Successes / year.Known, 0.0001, label);
        }
    }

    [Fact]
    public async Task Close_approaches_are_counted_by_the_size_band_of_their_asteroids_estimated_diameter_with_the_hazardous_ones_apart()
    {
        // Given each close approach in silver with its asteroid's latest diameter range and hazard flag, banded here
        var expected = Approaches()
            .GroupBy(a => Band(a.DiameterM))
            .ToDictionary(g => g.Key, g => (All: g.LongCount(), Hazardous: g.LongCount(a => a.Hazardous)));

        // When the charts are read
        var svg = new ChartSvg((await PanelAsync("approaches-by-size")).Svg());

        // Then the four bands come in size order (Unknown only when an asteroid has no diameter), each with its counts
        string[] bands = ["under 25 m", "25-140 m", "140 m-1 km", "over 1 km"];
        svg.Groups.Select(g => g.Label).ShouldBe(expected.ContainsKey("Unknown") ? [.. bands, "Unknown"] : bands);
        foreach (var group in svg.Groups)
        {
            var (all, hazardous) = expected.GetValueOrDefault(group.Label);
            group.Total.ShouldBe(all, group.Label);
            group.Bars.Where(b => b.Series == "potentially hazardous").Sum(b => b.Value).ShouldBe(hazardous, group.Label);
            group.Bars.Where(b => b.Series == "not flagged").Sum(b => b.Value).ShouldBe(all - hazardous, group.Label);
        }

        expected.Values.Sum(v => v.All).ShouldBeGreaterThan(100);
        ShouldBeProportional(svg);
    }

    [Fact]
    public async Task Close_approaches_are_counted_in_bands_of_ten_risk_points_as_the_documented_formula_scores_them()
    {
        // Given each approach's risk score computed here from silver by the formula fact_close_approach documents
        var expected = Approaches().GroupBy(a => Math.Min((int)Math.Floor(RiskScore(a) / 10), 9)).ToDictionary(g => g.Key, g => g.LongCount());

        // When the charts are read
        var svg = new ChartSvg((await PanelAsync("approaches-by-risk")).Svg());

        // Then there are ten bands 0-10 .. 90-100, each with its count of approaches
        svg.Groups.Select(g => g.Label).ShouldBe(Enumerable.Range(0, 10).Select(b => $"{b * 10}–{(b + 1) * 10}"));
        for (var band = 0; band < 10; band++)
        {
            svg.Groups[band].Total.ShouldBe(expected.GetValueOrDefault(band), svg.Groups[band].Label);
        }

        expected.Count.ShouldBeGreaterThan(2, "the demo's approaches spread over several bands");
        ShouldBeProportional(svg);
    }

    [Fact]
    public async Task Space_weather_events_are_stacked_by_kind_in_every_month_from_the_first_event_to_the_last()
    {
        // Given DONKI's events in silver, each counted once in the month it started
        var expected = lake.Silver(
            """
            SELECT strftime(start_time, '%Y-%m'), 'CME', count(DISTINCT activity_id) FROM {nasa/donki_cme} GROUP BY 1
            UNION ALL SELECT strftime(begin_time, '%Y-%m'), 'FLR', count(DISTINCT flr_id) FROM {nasa/donki_flr} GROUP BY 1
            UNION ALL SELECT strftime(start_time, '%Y-%m'), 'GST', count(DISTINCT gst_id) FROM {nasa/donki_gst} GROUP BY 1
            """).ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => Whole(r[2]));
        expected.Values.Sum().ShouldBeGreaterThan(10);

        // When the charts are read
        var svg = new ChartSvg((await PanelAsync("space-weather-per-month")).Svg());

        // Then every month from the first to the last has a bar, whose segments are its counts of each kind
        var first = DateOnly.ParseExact(expected.Keys.Min(k => k.Item1) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = DateOnly.ParseExact(expected.Keys.Max(k => k.Item1) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var months = new List<string>();
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            months.Add(month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }

        svg.Groups.Select(g => g.Label).ShouldBe(months);
        foreach (var group in svg.Groups)
        {
            foreach (var kind in new[] { "CME", "FLR", "GST" })
            {
                group.Bars.Where(b => b.Series.StartsWith(kind + " ", StringComparison.Ordinal)).Sum(b => b.Value)
                    .ShouldBe(expected.GetValueOrDefault((group.Label, kind)), $"{group.Label} {kind}");
            }
        }

        ShouldBeProportional(svg);
    }

    [Fact]
    public async Task Games_per_genre_show_the_genres_with_the_most_games_each_with_its_number_of_games()
    {
        // Given, per genre, the games whose current observation in silver lists it
        var expected = lake.Silver(
            $"""
            WITH games AS (
                SELECT game_id, updated, _bronze_key FROM {Games}
                QUALIFY row_number() OVER (PARTITION BY game_id ORDER BY updated DESC, _landed_at DESC, _bronze_key DESC) = 1)
            SELECT e.genre_name, count(DISTINCT e.game_id) AS games
            FROM {"{rawg/game_genres}"} e JOIN games USING (game_id, updated, _bronze_key)
            GROUP BY 1 ORDER BY games DESC, 1
            """).Select(r => (Genre: (string)r[0]!, Games: Whole(r[1]))).ToList();
        expected.Count.ShouldBeGreaterThan(3);

        // When the charts are read
        var svg = new ChartSvg((await PanelAsync("games-per-genre")).Svg());

        // Then the genres with the most games come first, each bar as long as its count
        var shown = expected.Take(DataCharts.MostCategories).ToList();
        svg.Groups.Select(g => g.Label).ShouldBe(shown.Select(g => g.Genre));
        svg.Groups.Select(g => (long)g.Total).ShouldBe(shown.Select(g => g.Games));
        svg.Groups.Select(g => g.ValueLabel).ShouldBe(shown.Select(g => g.Games.ToString(CultureInfo.InvariantCulture)));
        ShouldBeProportional(svg);
    }

    [Fact]
    public async Task Each_platform_shows_the_average_rating_of_its_rated_games_on_a_scale_to_five()
    {
        // Given, per platform, the mean rating of the games whose current observation lists it and has ratings
        var expected = lake.Silver(
            $"""
            WITH games AS (
                SELECT game_id, updated, _bronze_key, rating, ratings_count FROM {Games}
                QUALIFY row_number() OVER (PARTITION BY game_id ORDER BY updated DESC, _landed_at DESC, _bronze_key DESC) = 1),
            on_platform AS (
                SELECT DISTINCT e.game_id, e.platform_name FROM {"{rawg/game_platforms}"} e JOIN games USING (game_id, updated, _bronze_key))
            SELECT platform_name, avg(rating), count(*) AS games
            FROM on_platform JOIN games USING (game_id)
            WHERE ratings_count > 0 AND rating IS NOT NULL
            GROUP BY 1 ORDER BY games DESC, 1
            """).Select(r => (Platform: (string)r[0]!, Rating: Real(r[1]), Games: Whole(r[2]))).ToList();
        expected.Count.ShouldBeGreaterThan(3);

        // When the charts are read
        var svg = new ChartSvg((await PanelAsync("rating-per-platform")).Svg());

        // Then the platforms with the most rated games are shown, best rated first, each with its mean and game count
        var shown = expected.Take(DataCharts.MostCategories).OrderByDescending(p => Math.Round(p.Rating, 10)).ThenBy(p => p.Platform, StringComparer.Ordinal).ToList();
        svg.Groups.Select(g => g.Label).ShouldBe(shown.Select(p => p.Platform));
        foreach (var (group, platform) in svg.Groups.Zip(shown))
        {
            group.Total.ShouldBe(platform.Rating, 0.0001, platform.Platform);
            group.ValueLabel.ShouldBe(
                $"{platform.Rating.ToString("0.00", CultureInfo.InvariantCulture)} ({platform.Games} game{(platform.Games == 1 ? "" : "s")})");
        }

        // And the axis runs to 5, so a bar's length is its rating's share of the plot's width (760 - 180 - 110)
        foreach (var group in svg.Groups)
        {
            group.Bars.Single().Length.ShouldBe(group.Total / 5 * 470, 0.02, group.Label);
        }
    }

    [Fact]
    public async Task Without_gold_every_chart_says_which_source_to_run_instead_of_drawing_empty_axes()
    {
        // Given no gold database at all
        var panels = await DataCharts.ReadAsync(Path.Combine(lake.Root, "nothing", "lakehouse.duckdb"), TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None);

        // Then each chart is empty and names the run that fills it
        panels.Select(p => p.Source).ShouldBe(["spacex", "nasa", "nasa", "nasa", "rawg", "rawg"]);
        panels.ShouldAllBe(p => p.Chart.IsEmpty && p.Problem == null);
        panels.Select(p => p.Message).ShouldBe(panels.Select(p => $"No data yet: run `lakehouse run --source {p.Source}`."));
    }

    [Fact]
    public async Task With_only_spacex_in_gold_its_chart_is_drawn_and_the_others_say_which_source_to_run()
    {
        // Given gold built by the real builder from the demo's SpaceX silver alone
        using var temp = new Lakehouse.Tests.Support.TempDirectory();
        var silver = Directory.GetDirectories(Path.Combine(lake.LakePath, "silver", "spacex")).ToDictionary(
            folder => "spacex_" + Path.GetFileName(folder),
            folder => (IReadOnlyList<string>)[.. Directory.GetFiles(folder, "*.parquet", SearchOption.AllDirectories)],
            StringComparer.Ordinal);
        var gold = temp.Combine("lakehouse.duckdb");
        var builder = new Lakehouse.Gold.StarSchemaBuilder(
            Lakehouse.Sources.BuiltInSources.Catalog, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Lakehouse.Gold.StarSchemaBuilder>.Instance);
        await builder.BuildAsync(gold, silver, Lakehouse.Sources.BuiltInSources.Catalog.Silver.AllSchemasSql(), [], "fp-spacex-only", CancellationToken.None);

        // When the charts are read
        var panels = await DataCharts.ReadAsync(gold, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);

        // Then the launches are drawn, and every NASA and RAWG chart names its run instead
        panels.Single(p => p.Source == "spacex").Message.ShouldBeNull();
        panels.Where(p => p.Source != "spacex").Select(p => p.Message).ShouldBe(
        [
            .. Enumerable.Repeat("No data yet: run `lakehouse run --source nasa`.", 3),
            .. Enumerable.Repeat("No data yet: run `lakehouse run --source rawg`.", 2),
        ]);
    }

    [Fact]
    public async Task While_another_process_writes_gold_every_chart_says_so_once_the_wait_is_over()
    {
        // Given gold held by a writer in another process (a gold build)
        using (new Lakehouse.Tests.Support.ForeignFileLock(lake.GoldPath))
        {
            // When the charts are read with a short wait
            var panels = await DataCharts.ReadAsync(lake.GoldPath, TimeSpan.FromMilliseconds(300), TimeProvider.System, CancellationToken.None);

            // Then each chart carries the one-line reason instead of data
            panels.Count.ShouldBe(6);
            panels.ShouldAllBe(p => p.Chart.IsEmpty && p.Message == p.Problem);
            panels[0].Problem.ShouldNotBeNull().ShouldContain("is being written by another process");
        }

        // And once the writer is gone the charts are back
        (await PanelAsync("launches-per-year")).Chart.IsEmpty.ShouldBeFalse();
    }

    private async Task<ChartPanel> PanelAsync(string id)
    {
        var panels = await DataCharts.ReadAsync(lake.GoldPath, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);
        var panel = panels.Single(p => p.Chart.Id == id);
        panel.Message.ShouldBeNull();
        return panel;
    }

    private const string Games = "{rawg/games}";

    /// <summary>The approaches in silver (the latest landing of each asteroid and epoch) with their asteroid's latest facts.</summary>
    private List<Approach> Approaches() =>
        [.. lake.Silver(
            """
            WITH asteroids AS (
                SELECT * FROM {nasa/asteroids}
                QUALIFY row_number() OVER (PARTITION BY asteroid_id ORDER BY _landed_at DESC, _bronze_key DESC) = 1),
            approaches AS (
                SELECT * FROM {nasa/close_approaches}
                QUALIFY row_number() OVER (PARTITION BY asteroid_id, epoch_date_close_approach ORDER BY _landed_at DESC, _bronze_key DESC) = 1)
            SELECT (a.estimated_diameter_min_km + a.estimated_diameter_max_km) / 2 * 1000, coalesce(a.is_potentially_hazardous, false),
                   c.miss_distance_lunar, c.relative_velocity_km_s
            FROM approaches c LEFT JOIN asteroids a USING (asteroid_id)
            """).Select(r => new Approach(r[0] is null ? null : Real(r[0]), (bool)r[1]!, r[2] is null ? null : Real(r[2]), r[3] is null ? null : Real(r[3])))];

    private static string Band(double? diameterM) => diameterM switch
    {
        null => "Unknown",
        < 25 => "under 25 m",
        < 140 => "25-140 m",
        < 1000 => "140 m-1 km",
        _ => "over 1 km",
    };

    /// <summary>fact_close_approach's documented score: size 40, proximity 35, speed 15, hazard 10; each part clamped to 0..1.</summary>
    private static double RiskScore(Approach a)
    {
        static double Clamp(double v) => Math.Max(0, Math.Min(1, v));
        var size = a.DiameterM is { } d ? Clamp(Math.Log10(d / 10) / 3) : 0;
        var proximity = a.MissLunar is { } m ? Clamp(1 - (Math.Log10(1 + m) / Math.Log10(101))) : 0;
        var speed = a.VelocityKmS is { } v ? Clamp(v / 40) : 0;
        return Math.Round((40 * size) + (35 * proximity) + (15 * speed) + (a.Hazardous ? 10 : 0), 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>Every bar's drawn length is its value times one scale: no bar is stretched or cut.</summary>
    private static void ShouldBeProportional(ChartSvg svg)
    {
        var bars = svg.Groups.SelectMany(g => g.Bars).ToList();
        bars.ShouldNotBeEmpty();
        var scale = bars.Max(b => b.Length) / bars.Max(b => b.Value);
        foreach (var (series, value, length) in bars)
        {
            length.ShouldBe(value * scale, 0.02 + (value * scale * 0.001), $"{series} {value}");
        }
    }

    private sealed record Approach(double? DiameterM, bool Hazardous, double? MissLunar, double? VelocityKmS);
}
