using System.Diagnostics;
using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Web;

/// <summary>
/// <c>serve</c> beside the pipeline: pages keep loading while gold is rebuilt, and a query whose page is left stops.
/// Plain HTTP here (the browser tests are in <see cref="WebPageTests"/>): what matters is what the server does.
/// </summary>
public sealed class ServeWhileGoldBuildsTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;
    private PipelineHost host = null!;

    public async Task InitializeAsync()
    {
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        host = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        run.Status.ShouldBe(RunStatus.Succeeded);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await server.DisposeAsync();
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Pages_and_queries_keep_answering_with_whole_gold_while_gold_is_rebuilt()
    {
        // Given serve over the lake
        var (app, address) = await ServedLake.ServeAsync(temp.Path);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var count = "/gold?sql=" + Uri.EscapeDataString("SELECT count(*) * 1000 + 7 FROM fact_launch");

        // When gold is rebuilt, twice, while the pages are loaded over and over
        var builds = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                await host.Pipeline.BuildGoldAsync("test", rebuild: true, CancellationToken.None);
            }
        });
        var loads = 0;
        while (!builds.IsCompleted || loads < 6)
        {
            foreach (var path in new[] { "/", "/gold", count })
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();

                // Then every page answers, none with a problem, and the count is always the whole of gold's
                response.IsSuccessStatusCode.ShouldBeTrue(body);
                body.ShouldNotContain("class=\"problem\"");
                if (path == count)
                {
                    body.ShouldContain("<td class=\"num\">205007</td>");
                }

                loads++;
            }
        }

        await builds;
        loads.ShouldBeGreaterThanOrEqualTo(6);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_query_whose_page_is_left_is_cancelled_before_its_time_limit()
    {
        // Given serve with a long time limit, logging at Information
        var (app, address) = await ServedLake.ServeAsync(temp.Path, new Dictionary<string, string?>
        {
            ["Lakehouse:Serve:QueryTimeout"] = "00:10:00",
            ["Lakehouse:Logging:Level"] = "Information",
        });
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };

        // When a query that would run for minutes is started and its page left after a second
        using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await Should.ThrowAsync<OperationCanceledException>(() => http.GetAsync(
            "/gold?sql=" + Uri.EscapeDataString("SELECT count(*) FROM range(100000) a, range(100000) b WHERE (a.range * b.range) % 7 = 3"), leave.Token));

        // Then the server logs, within seconds rather than the ten-minute limit, that it stopped the query for that reason
        var logs = temp.Combine("logs");
        while (!LogSays(logs, "its page was left"))
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the query was not cancelled when its page was left");
            await Task.Delay(100);
        }

        // And the server still answers
        (await http.GetAsync("/")).IsSuccessStatusCode.ShouldBeTrue();
        await app.StopAsync();
    }

    private static bool LogSays(string folder, string text) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.jsonl").Any(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
        });
}
