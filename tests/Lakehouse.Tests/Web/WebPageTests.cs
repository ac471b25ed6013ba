using System.Globalization;
using System.Text.Json;
using Apache.Arrow.Ipc;
using Lakehouse.Tests.Support;
using Microsoft.Playwright;

namespace Lakehouse.Tests.Web;

/// <summary>
/// The pages of <c>lakehouse serve</c> in a real browser (headless chromium) over a lake the real pipeline built. What a
/// page shows is checked against the lake read another way: the run records' JSON, the bronze folder, gold through its
/// own DuckDB connection, and <c>lakehouse query</c> for the guard's messages.
/// </summary>
public sealed class WebPageTests(ServedLake lake) : IClassFixture<ServedLake>
{
    /// <summary>The recorded SpaceX dump: <c>python3 -c "import json; print(len(json.load(open('v4-launches.json'))))"</c>.</summary>
    private const long Launches = 205;

    [SkippableFact]
    public async Task The_datasets_page_shows_each_layers_rows_the_last_run_and_which_datasets_are_stale()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        // When the Datasets page is opened
        await tab.GoAsync("/");
        await tab.ScreenshotAsync("datasets");

        // Then spacex.launches shows the bronze objects on disk, every recorded launch in silver and in gold
        var launches = tab.Page.Locator("tr[data-dataset='spacex.launches']");
        var bronzeFiles = Directory.EnumerateFiles(Path.Combine(lake.LakePath, "bronze", "spacex", "launches"), "*.json", SearchOption.AllDirectories).Count();
        bronzeFiles.ShouldBeGreaterThan(0);
        (await NumberAsync(launches, "bronze")).ShouldBe(bronzeFiles);
        (await NumberAsync(launches, "silver")).ShouldBe(Launches);
        (await NumberAsync(launches, "quarantined")).ShouldBe(0);
        (await NumberAsync(launches, "gold")).ShouldBe(GoldScalar("SELECT count(*) FROM fact_launch"));
        GoldScalar("SELECT count(*) FROM fact_launch").ShouldBe(Launches);

        // And its last run is the newest run record, which failed (the API answered 500), with that record's message as
        // its last error, shown as text
        var newest = RunRecords().Last();
        var own = newest.GetProperty("datasets").EnumerateArray().Single(d => d.GetProperty("dataset").GetString() == "spacex.launches");
        own.GetProperty("status").GetString().ShouldBe("failed");
        (await launches.Locator("[data-field=run]").InnerTextAsync()).ShouldBe($"failed {newest.GetProperty("runId").GetString()}");
        var message = own.GetProperty("message").GetString();
        message.ShouldNotBeNullOrEmpty();
        (await launches.Locator("[data-field=error]").InnerTextAsync()).ShouldBe(message);
        (await tab.Page.EvaluateAsync<bool>("() => window.__lakehouseXss === undefined")).ShouldBeTrue();
        (await tab.Page.Locator("script, main h1 ~ * h1").CountAsync()).ShouldBe(0);

        // And the NASA datasets, scheduled but never landed, stand out as stale; the fresh SpaceX ones do not
        (await tab.Page.Locator("tr[data-dataset='nasa.apod']").GetAttributeAsync("class")).ShouldBe("stale");
        (await launches.GetAttributeAsync("class")).ShouldBeNull();
        (await tab.Page.Locator("tr[data-dataset='nasa.apod'] [data-field=freshness]").InnerTextAsync()).ShouldContain("never");
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Serve_answers_the_health_and_metrics_endpoints_beside_its_pages()
    {
        RealDependency.Require(lake.MissingReason);
        using var http = new HttpClient { BaseAddress = lake.Address };

        // When the monitoring endpoints are asked
        (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        // Then the metrics carry each dataset's age, spacex.launches among them (it has landed, so it has an age)
        metrics.ShouldContain("lakehouse_dataset_age_seconds{dataset=\"spacex.launches\"}");
    }

    [SkippableFact]
    public async Task The_charts_page_draws_a_bar_per_year_of_launches_in_gold_and_the_lineage_page_draws_the_graph()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        // When the Charts page is opened
        await tab.GoAsync("/charts");
        await tab.ScreenshotAsync("charts");

        // Then launches per year has one bar group per year from the first launch to the last, and its bars add up to
        // the launches gold holds (counted here with gold's own connection)
        var first = GoldScalar("SELECT min(year(date_utc)) FROM fact_launch WHERE upcoming IS NOT TRUE AND date_utc IS NOT NULL");
        var last = GoldScalar("SELECT max(year(date_utc)) FROM fact_launch WHERE upcoming IS NOT TRUE AND date_utc IS NOT NULL");
        var launched = GoldScalar("SELECT count(*) FROM fact_launch WHERE upcoming IS NOT TRUE AND date_utc IS NOT NULL");
        launched.ShouldBeGreaterThan(0);
        var groups = tab.Page.Locator("svg#launches-per-year g.bar-group");
        (await groups.CountAsync()).ShouldBe((int)(last - first + 1));
        var totals = await tab.Page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('svg#launches-per-year g.bar-group')].map(g => Number(g.dataset.total))");
        totals.Sum().ShouldBe(launched);
        (await tab.Page.Locator("svg#launches-per-year rect.bar").CountAsync()).ShouldBeGreaterThan(0);
        tab.Errors.ShouldBeEmpty();

        // And the Lineage page draws spacex_launches as a node with edges
        await tab.GoAsync("/lineage");
        await tab.ScreenshotAsync("lineage");
        (await tab.Page.Locator("svg g.node", new() { HasText = "spacex_launches" }).CountAsync()).ShouldBeGreaterThan(0);
        (await tab.Page.Locator("svg path.edge").CountAsync()).ShouldBeGreaterThan(0);
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task The_runs_page_lists_every_run_record_with_its_calls_and_rows_and_charts_one_mark_per_run()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        await tab.GoAsync("/runs");
        await tab.ScreenshotAsync("runs");

        var records = RunRecords();
        records.Count.ShouldBe(3);
        (await tab.Page.Locator("#runs > tbody > tr").CountAsync()).ShouldBe(records.Count);
        foreach (var record in records)
        {
            var row = tab.Page.Locator($"tr[data-run='{record.GetProperty("runId").GetString()}']");
            var datasets = record.GetProperty("datasets").EnumerateArray().ToList();
            var calls = datasets.Sum(d => d.GetProperty("apiCalls").GetInt64()) + (record.TryGetProperty("probeCalls", out var probe) ? probe.GetInt64() : 0);
            (await NumberAsync(row, "calls")).ShouldBe(calls);
            (await NumberAsync(row, "rows")).ShouldBe(datasets.Sum(d => d.GetProperty("rowsTransformed").GetInt64()));
            (await row.Locator("[data-field=duration]").GetAttributeAsync("data-ms")).ShouldBe(record.GetProperty("durationMs").GetInt64().ToString(CultureInfo.InvariantCulture));
        }

        // The first run landed and transformed every launch (and more); the second found nothing new, the third failed
        (await NumberAsync(tab.Page.Locator($"tr[data-run='{records[0].GetProperty("runId").GetString()}']"), "rows")).ShouldBeGreaterThanOrEqualTo(Launches);

        // Two charts (duration, rows), each a bar per run, each bar's tooltip naming its value
        var charts = tab.Page.Locator("svg.run-chart");
        (await charts.CountAsync()).ShouldBe(2);
        for (var i = 0; i < 2; i++)
        {
            (await charts.Nth(i).Locator("rect.mark").CountAsync()).ShouldBe(records.Count);
        }

        var firstSeconds = records[0].GetProperty("durationMs").GetInt64() / 1000.0;
        (await charts.Nth(0).Locator("rect.mark title").First.TextContentAsync())
            .ShouldEndWith($": {firstSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task The_gold_page_lists_every_gold_table_with_its_row_count()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        await tab.GoAsync("/gold");
        await tab.ScreenshotAsync("gold");

        List<string> tables;
        using (var connection = DuckDbTestConnections.OpenFile(lake.GoldPath, readOnly: true))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1";
            using var reader = command.ExecuteReader();
            tables = [];
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.ShouldContain("fact_launch");
        (await tab.Page.Locator("#gold-tables > tbody > tr").CountAsync()).ShouldBe(tables.Count);
        foreach (var table in tables)
        {
            (await NumberAsync(tab.Page.Locator($"tr[data-table='{table}']"), "rows")).ShouldBe(GoldScalar($"SELECT count(*) FROM {table}"), table);
        }

        // A table's columns are listed, in order
        var columns = await tab.Page.Locator("tr[data-table='dim_rocket'] .column-name").AllTextContentsAsync();
        columns.ShouldBe(GoldColumns("dim_rocket"));
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task The_sql_box_runs_a_select_typed_into_the_form()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);
        await tab.GoAsync("/gold");

        // When a SELECT is typed and run
        await tab.Page.FillAsync("#sql", "SELECT count(*) AS flown FROM fact_launch WHERE NOT upcoming");
        await tab.Page.ClickAsync("#sql-form button[type=submit]");
        await tab.Page.WaitForSelectorAsync("#result");
        await tab.ScreenshotAsync("gold-sql-select");

        // Then its one row is gold's own count
        (await tab.Page.Locator("#result thead th").AllTextContentsAsync()).ShouldBe(["flown"]);
        (await tab.Page.Locator("#result tbody td").InnerTextAsync()).ShouldBe(GoldScalar("SELECT count(*) FROM fact_launch WHERE NOT upcoming").ToString(CultureInfo.InvariantCulture));
        (await tab.Page.InputValueAsync("#sql")).ShouldBe("SELECT count(*) AS flown FROM fact_launch WHERE NOT upcoming");
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableTheory]
    [InlineData("DELETE FROM fact_launch")]
    [InlineData("ATTACH 'other.duckdb' AS other")]
    [InlineData("COPY fact_launch TO 'launches.csv'")]
    [InlineData("SELECT * FROM read_text('/etc/passwd')")]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO dim_rocket SELECT * FROM dim_rocket")]
    public async Task The_sql_box_refuses_what_query_refuses_with_the_same_message(string sql)
    {
        RealDependency.Require(lake.MissingReason);

        // Given what `lakehouse query` says of the statement
        var cli = await CliRunner.RunAsync("query", "--db", lake.GoldPath, sql);
        cli.ExitCode.ShouldNotBe(0);
        var expected = cli.Error.Trim();
        expected.ShouldStartWith("error: ");

        // When the SQL box runs it
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);
        await tab.GoAsync("/gold?sql=" + Uri.EscapeDataString(sql));

        // Then the page says the same, and shows no result (nor any line of /etc/passwd)
        (await tab.Page.Locator("#query-error").InnerTextAsync()).Trim().ShouldBe(expected["error: ".Length..]);
        (await tab.Page.Locator("#result").CountAsync()).ShouldBe(0);
        (await tab.Page.ContentAsync()).ShouldNotContain("root:x:0");
        if (sql.StartsWith("DELETE", StringComparison.Ordinal))
        {
            await tab.ScreenshotAsync("gold-sql-refused");
        }

        // And gold is untouched
        GoldScalar("SELECT count(*) FROM fact_launch").ShouldBe(Launches);
        File.Exists(Path.Combine(AppContext.BaseDirectory, "launches.csv")).ShouldBeFalse();
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Html_and_script_in_data_are_shown_as_text_and_never_run()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        // When the launch whose name holds a script is queried
        await tab.GoAsync("/gold?sql=" + Uri.EscapeDataString("SELECT name FROM fact_launch WHERE name LIKE '%<script>%'"));

        // Then the cell reads exactly the name, the script did not run, and the page holds no script or bold element at all
        (await tab.Page.Locator("#result tbody td").InnerTextAsync()).ShouldBe(ServedLake.ScriptName);
        (await tab.Page.EvaluateAsync<bool>("() => window.__lakehouseXss === undefined")).ShouldBeTrue();
        (await tab.Page.Locator("script").CountAsync()).ShouldBe(0);
        (await tab.Page.Locator("#result b, #result i").CountAsync()).ShouldBe(0);
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task A_million_row_result_is_shown_a_page_at_a_time_to_its_last_row()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);
        var sql = "SELECT range AS n FROM range(1000000)";

        // The first page: rows 0 to 99, and a link on
        await tab.GoAsync("/gold?sql=" + Uri.EscapeDataString(sql));
        var cells = tab.Page.Locator("#result tbody td");
        (await cells.CountAsync()).ShouldBe(100);
        (await cells.First.InnerTextAsync()).ShouldBe("0");
        (await cells.Last.InnerTextAsync()).ShouldBe("99");
        await tab.ScreenshotAsync("gold-sql-paged");

        // Following it: rows 100 to 199
        await tab.Page.ClickAsync("#next");
        await tab.Page.WaitForURLAsync("**page=2");
        (await cells.First.InnerTextAsync()).ShouldBe("100");
        (await tab.Page.Locator("#previous").CountAsync()).ShouldBe(1);

        // The last page ends at the millionth row, with nothing after it
        await tab.GoAsync("/gold?page=10000&sql=" + Uri.EscapeDataString(sql));
        (await cells.CountAsync()).ShouldBe(100);
        (await cells.Last.InnerTextAsync()).ShouldBe("999999");
        (await tab.Page.Locator("#next").CountAsync()).ShouldBe(0);
        (await tab.Page.Locator("#result-range").InnerTextAsync()).ShouldBe("Rows 999,901–1,000,000.");

        // And a page of an ordered result follows its order
        await tab.GoAsync("/gold?page=3&sql=" + Uri.EscapeDataString("SELECT range FROM range(1000) ORDER BY range DESC"));
        (await cells.First.InnerTextAsync()).ShouldBe("799");
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task A_query_over_the_time_limit_is_cancelled_with_a_message_naming_the_limit()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);

        // When a query that would run for minutes (ten billion pairs) is run
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await tab.GoAsync("/gold?sql=" + Uri.EscapeDataString("SELECT count(*) FROM range(100000) a, range(100000) b WHERE (a.range * b.range) % 7 = 3"));
        clock.Stop();

        // Then the page comes back soon after the limit, saying what happened and which setting raises it
        var message = await tab.Page.Locator("#query-error").InnerTextAsync();
        message.ShouldContain("ran longer than 00:00:05, the limit, and was cancelled");
        message.ShouldContain("Lakehouse:Serve:QueryTimeout");
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(ServedLake.QueryTimeout - TimeSpan.FromMilliseconds(100));
        clock.Elapsed.ShouldBeLessThan(ServedLake.QueryTimeout + TimeSpan.FromSeconds(20));
        await tab.ScreenshotAsync("gold-sql-timeout");
        tab.Errors.ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Downloads_hold_the_whole_result_as_csv_parquet_and_arrow()
    {
        RealDependency.Require(lake.MissingReason);
        await using var tab = await BrowserTab.OpenAsync(lake.Chromium, lake.Address);
        var sql = "SELECT launch_key, name FROM fact_launch";
        await tab.GoAsync("/gold?sql=" + Uri.EscapeDataString(sql));
        var folder = Path.Combine(BrowserTab.ArtifactsFolder, "downloads");
        Directory.CreateDirectory(folder);

        // Each link downloads a file, through the browser
        var files = new Dictionary<string, string>();
        foreach (var format in new[] { "csv", "parquet", "arrow" })
        {
            var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.ClickAsync($"a.download[data-format={format}]"));
            (await download.FailureAsync()).ShouldBeNull();
            files[format] = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(files[format]);
        }

        // CSV: a header and one line per launch (names hold no line break)
        var lines = await File.ReadAllLinesAsync(files["csv"]);
        lines[0].ShouldBe("launch_key,name");
        lines.Length.ShouldBe((int)Launches + 1);

        // Parquet, read by another library: every launch, the scripted name among them
        await using (var stream = File.OpenRead(files["parquet"]))
        {
            await using var parquet = await Parquet.ParquetReader.CreateAsync(stream);
            Enumerable.Range(0, parquet.RowGroupCount).Sum(i => parquet.OpenRowGroupReader(i).RowCount).ShouldBe(Launches);
        }

        // Arrow IPC stream: every launch
        await using (var stream = File.OpenRead(files["arrow"]))
        {
            using var reader = new ArrowStreamReader(stream);
            long rows = 0;
            while (await reader.ReadNextRecordBatchAsync() is { } batch)
            {
                rows += batch.Length;
                batch.Dispose();
            }

            rows.ShouldBe(Launches);
            reader.Schema.FieldsList.Select(f => f.Name).ShouldBe(["launch_key", "name"]);
        }

        tab.Errors.ShouldBeEmpty();
    }

    private static async Task<long> NumberAsync(ILocator row, string field)
    {
        var text = await row.Locator($"[data-field={field}]").InnerTextAsync();
        return long.Parse(text.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private long GoldScalar(string sql)
    {
        using var connection = DuckDbTestConnections.OpenFile(lake.GoldPath, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private List<string> GoldColumns(string table)
    {
        using var connection = DuckDbTestConnections.OpenFile(lake.GoldPath, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}' ORDER BY column_index";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The run records' JSON as the lake holds it, oldest first.</summary>
    private List<JsonElement> RunRecords() =>
        [.. Directory.EnumerateFiles(Path.Combine(lake.LakePath, "_meta", "runs"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)];
}
