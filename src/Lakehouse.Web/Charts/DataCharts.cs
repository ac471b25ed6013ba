using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Querying;

namespace Lakehouse.Web.Charts;

/// <summary>A chart of the lake's data, or why it has none.</summary>
/// <param name="Chart">The chart, empty when gold holds no rows for it.</param>
/// <param name="Source">The source whose gold it reads, for the hint to run it.</param>
/// <param name="Problem">Why gold could not be read for it (locked, damaged), in one line; null when it was read.</param>
internal sealed record ChartPanel(BarChart Chart, string Source, string? Problem = null)
{
    /// <summary>What the page says instead of drawing the chart; null when there is something to draw.</summary>
    public string? Message => Problem ?? (Chart.IsEmpty ? $"No data yet: run `lakehouse run --source {Source}`." : null);

    /// <summary>The chart as inline SVG markup, every data label escaped.</summary>
    public string Svg() => BarChartSvg.Render(Chart);
}

/// <summary>
/// The charts of the data itself, each from one SQL query over gold, opened read-only the way <c>query</c> opens it
/// (<see cref="GoldDatabase"/>): launches per year with their success rate (SpaceX), close approaches by size band and
/// by risk score (NASA NeoWs), space-weather events per month by kind (NASA DONKI), games per genre and the average
/// rating per platform (RAWG). A chart whose gold has no rows yet comes back empty, with the command that fills it.
/// </summary>
internal static class DataCharts
{
    /// <summary>The genres and platforms drawn at most (the ones with the most games).</summary>
    public const int MostCategories = 20;

    private const string SpaceX = "spacex";
    private const string Nasa = "nasa";
    private const string Rawg = "rawg";

    /// <summary>dim_asteroid's size bands, smallest first (its model says what each means).</summary>
    private static readonly string[] SizeBands = ["under 25 m", "25-140 m", "140 m-1 km", "over 1 km", "Unknown"];

    /// <summary>DONKI's kinds in fact_space_weather_event, with their colours.</summary>
    private static readonly (string Kind, string Name, string Color)[] EventKinds =
    [
        ("CME", "CME (coronal mass ejection)", "#4e79a7"),
        ("FLR", "FLR (solar flare)", "#f28e2b"),
        ("GST", "GST (geomagnetic storm)", "#59a14f"),
    ];

    private static readonly string[] ExtraColors = ["#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];

    private static readonly Definition[] Definitions =
    [
        new(SpaceX,
            """
            SELECT year(date_utc) AS year, count(*) AS launches, count(*) FILTER (WHERE success) AS successes, count(success) AS known
            FROM fact_launch
            WHERE upcoming IS NOT TRUE AND date_utc IS NOT NULL
            GROUP BY ALL ORDER BY year
            """,
            LaunchesPerYear),
        new(Nasa,
            """
            SELECT a.size_band, count(*) AS approaches, count(*) FILTER (WHERE f.is_potentially_hazardous) AS hazardous
            FROM fact_close_approach f JOIN dim_asteroid a USING (asteroid_key)
            GROUP BY ALL
            """,
            ApproachesBySize),
        new(Nasa,
            """
            SELECT least(floor(risk_score / 10), 9)::INTEGER AS band, count(*) AS approaches
            FROM fact_close_approach
            WHERE risk_score IS NOT NULL
            GROUP BY ALL ORDER BY band
            """,
            ApproachesByRisk),
        new(Nasa,
            """
            SELECT strftime(start_time, '%Y-%m') AS month, event_kind, count(*) AS events
            FROM fact_space_weather_event
            WHERE start_time IS NOT NULL
            GROUP BY ALL ORDER BY month, event_kind
            """,
            SpaceWeatherPerMonth),
        new(Rawg,
            """
            SELECT g.name AS genre, count(DISTINCT b.game_key) AS games
            FROM bridge_game_genre b JOIN dim_genre g USING (genre_key)
            GROUP BY g.genre_key, g.name ORDER BY games DESC, genre
            """,
            GamesPerGenre),
        new(Rawg,
            """
            WITH game_platforms AS (SELECT DISTINCT game_key, platform_key FROM bridge_game_platform)
            SELECT p.name AS platform, avg(f.rating) AS rating, count(*) AS games
            FROM game_platforms gp
            JOIN dim_platform p USING (platform_key)
            JOIN fact_game f USING (game_key)
            WHERE f.ratings_count > 0 AND f.rating IS NOT NULL
            GROUP BY p.platform_key, p.name ORDER BY games DESC, platform
            """,
            RatingPerPlatform),
    ];

    /// <summary>
    /// Reads every chart from the gold database at <paramref name="goldPath"/>. A missing database gives empty charts
    /// (nothing was built yet); one that cannot be opened (locked by a build for longer than <paramref name="lockWait"/>,
    /// damaged) gives every chart that problem; a query that fails gives its chart the problem and the others go on.
    /// </summary>
    public static async Task<IReadOnlyList<ChartPanel>> ReadAsync(string goldPath, TimeSpan lockWait, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(goldPath);
        if (goldPath != GoldDatabase.InMemory && !File.Exists(goldPath))
        {
            return [.. Definitions.Select(d => new ChartPanel(d.Build([]), d.Source))];
        }

        DuckDBConnection connection;
        try
        {
            connection = await GoldDatabase.OpenReadOnlyAsync(goldPath, lockWait, time, ct);
        }
        catch (GoldDatabaseException e)
        {
            return [.. Definitions.Select(d => new ChartPanel(d.Build([]), d.Source, e.Message))];
        }

        await using (connection)
        {
            var panels = new List<ChartPanel>(Definitions.Length);
            foreach (var definition in Definitions)
            {
                try
                {
                    var rows = connection.Query(definition.Sql, ReadRow, ct);
                    panels.Add(new ChartPanel(definition.Build(rows), definition.Source));
                }
                catch (DuckDBException e)
                {
                    panels.Add(new ChartPanel(
                        definition.Build([]), definition.Source, $"Gold could not be read for this chart: {DuckDbConnections.MessageOf(e)} Rebuild it with 'lakehouse model --rebuild'."));
                }
            }

            return panels;
        }
    }

    private static object?[] ReadRow(DbDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return row;
    }

    private static BarChart LaunchesPerYear(IReadOnlyList<object?[]> rows)
    {
        var byYear = rows.ToDictionary(r => Whole(r[0]), r => (Launches: Whole(r[1]), Successes: Whole(r[2]), Known: Whole(r[3])));
        var bars = new List<ChartBar>();
        if (byYear.Count > 0)
        {
            // Every year from the first launch to the last, so a year without launches shows as a gap, not as nothing.
            for (var year = byYear.Keys.Min(); year <= byYear.Keys.Max(); year++)
            {
                var (launches, successes, known) = byYear.GetValueOrDefault(year);
                bars.Add(new ChartBar(year.ToString(CultureInfo.InvariantCulture), [launches])
                {
                    Percent = known > 0 ? 100.0 * successes / known : null,
                    Detail = known > 0 ? $"{successes} of {known} with a known outcome succeeded" : null,
                });
            }
        }

        return new BarChart(
            "launches-per-year",
            "SpaceX launches per year, with the success rate",
            "Launches that have flown (upcoming ones left out), by the UTC year of their date. The line is the share of " +
            "that year's launches with a known outcome that succeeded.",
            "launches",
            [new ChartSeries("launches", "#4e79a7")],
            bars)
        {
            PercentName = "success rate",
        };
    }

    private static BarChart ApproachesBySize(IReadOnlyList<object?[]> rows)
    {
        var byBand = rows.ToDictionary(r => (string)r[0]!, r => (Approaches: Whole(r[1]), Hazardous: Whole(r[2])), StringComparer.Ordinal);
        var bands = SizeBands.Where(b => b != "Unknown" || byBand.ContainsKey(b))
            .Concat(byBand.Keys.Where(k => !SizeBands.Contains(k)).Order(StringComparer.Ordinal));
        var bars = rows.Count == 0
            ? []
            : bands.Select(b => byBand.GetValueOrDefault(b)).Zip(bands, (v, b) => new ChartBar(b, [v.Approaches - v.Hazardous, v.Hazardous])).ToList();
        return new BarChart(
            "approaches-by-size",
            "Close approaches by asteroid size",
            "Each close approach of an asteroid to a body, by the asteroid's estimated diameter (the midpoint of NeoWs' " +
            "range): under 25 m mostly burns up in the atmosphere; 25-140 m could do local to regional damage; 140 m is " +
            "the size NASA's survey goal and its 'potentially hazardous' definition use; over 1 km would have global " +
            "effects. The red part is approaches of asteroids NeoWs flags as potentially hazardous.",
            "close approaches",
            [new ChartSeries("not flagged", "#76b7b2"), new ChartSeries("potentially hazardous", "#e15759")],
            bars);
    }

    private static BarChart ApproachesByRisk(IReadOnlyList<object?[]> rows)
    {
        var byBand = rows.ToDictionary(r => Whole(r[0]), r => Whole(r[1]));
        var bars = rows.Count == 0
            ? []
            : Enumerable.Range(0, 10).Select(b => new ChartBar($"{b * 10}–{(b + 1) * 10}", [byBand.GetValueOrDefault(b)])).ToList();
        return new BarChart(
            "approaches-by-risk",
            "Close approaches by risk score",
            "The risk score (0-100, fact_close_approach) adds four parts: size up to 40 (10 m gives 0, 1 km 27, 10 km 40), " +
            "closeness up to 35 (a miss at the Moon's distance gives 30, at 100 lunar distances 0), speed up to 15 " +
            "(40 km/s and more) and 10 when NeoWs flags the asteroid potentially hazardous. Bands of 10 points, lower " +
            "bound included; 100 falls in the last.",
            "close approaches",
            [new ChartSeries("close approaches", "#f28e2b")],
            bars);
    }

    private static BarChart SpaceWeatherPerMonth(IReadOnlyList<object?[]> rows)
    {
        var counts = rows.ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => Whole(r[2]));
        var kinds = EventKinds.Select(k => (k.Kind, k.Name, k.Color)).ToList();
        foreach (var (kind, i) in counts.Keys.Select(k => k.Item2).Distinct(StringComparer.Ordinal).Where(k => EventKinds.All(e => e.Kind != k))
                     .Order(StringComparer.Ordinal).Select((k, i) => (k, i)))
        {
            kinds.Add((kind, kind, ExtraColors[i % ExtraColors.Length]));
        }

        var bars = new List<ChartBar>();
        if (counts.Count > 0)
        {
            // Every month from the first event to the last: a quiet month shows as an empty slot.
            var months = counts.Keys.Select(k => DateOnly.ParseExact(k.Item1 + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
            for (var month = months.Min(); month <= months.Max(); month = month.AddMonths(1))
            {
                var label = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
                bars.Add(new ChartBar(label, [.. kinds.Select(k => (double)counts.GetValueOrDefault((label, k.Kind)))]));
            }
        }

        return new BarChart(
            "space-weather-per-month",
            "Space-weather events per month, by kind",
            "DONKI's events by the month (UTC) they started in: coronal mass ejections (CME), solar flares (FLR, by their " +
            "begin time) and geomagnetic storms (GST), each event once in its latest revision.",
            "events",
            [.. kinds.Select(k => new ChartSeries(k.Name, k.Color))],
            bars);
    }

    private static BarChart GamesPerGenre(IReadOnlyList<object?[]> rows)
    {
        var bars = rows.Take(MostCategories).Select(r => new ChartBar((string?)r[0] ?? "(no name)", [Whole(r[1])])).ToList();
        var shown = rows.Count > MostCategories ? $" The {MostCategories} genres with the most games, of {rows.Count}." : string.Empty;
        return new BarChart(
            "games-per-genre",
            "Games per genre",
            "Games in gold by each of their RAWG genres: a game with several genres counts once in each, so the bars add " +
            "up to more than the number of games." + shown,
            "games",
            [new ChartSeries("games", "#59a14f")],
            bars)
        {
            Horizontal = true,
        };
    }

    private static BarChart RatingPerPlatform(IReadOnlyList<object?[]> rows)
    {
        var bars = rows.Take(MostCategories)
            .Select(r => new ChartBar((string?)r[0] ?? "(no name)", [Convert.ToDouble(r[1], CultureInfo.InvariantCulture)])
            {
                Detail = Whole(r[2]) == 1 ? "1 game" : $"{Whole(r[2])} games",
            })
            .OrderByDescending(b => b.Total)
            .ThenBy(b => b.Label, StringComparer.Ordinal)
            .ToList();
        var shown = rows.Count > MostCategories ? $" The {MostCategories} platforms with the most rated games, of {rows.Count}." : string.Empty;
        return new BarChart(
            "rating-per-platform",
            "Average rating per platform",
            "The mean RAWG user rating (0 to 5) of the games on each platform, counting only games that have at least " +
            "one rating; beside each bar, how many games that is." + shown,
            "average rating",
            [new ChartSeries("average rating", "#b07aa1")],
            bars)
        {
            Horizontal = true,
            ValueFormat = "0.00",
            ValueMaximum = 5,
        };
    }

    private static int Whole(object? value) => value is null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private sealed record Definition(string Source, string Sql, Func<IReadOnlyList<object?[]>, BarChart> Build);
}
