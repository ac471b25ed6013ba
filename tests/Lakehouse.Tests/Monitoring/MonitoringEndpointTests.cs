using System.Net;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Monitoring;

/// <summary>
/// <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> as <c>schedule --serve</c> serves them, after real runs against
/// the recorded SpaceX API: every number is checked against the lake's own records (run records, manifests, dataset
/// state), read here as plain JSON files.
/// </summary>
public sealed class MonitoringEndpointTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() => server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Metrics_after_two_runs_show_the_runs_calls_retries_rows_and_ages_that_the_lake_records()
    {
        // Given the endpoints over a folder lake, and an API that answers the first rockets request with a 503
        await using var host = await MonitoredHost.StartAsync(temp.Path, PipelineHost.Settings(temp.Path, server.BaseAddress));
        var failedOnce = 0;
        server.Intercept = async context =>
        {
            if (context.Request.Path.StartsWithSegments("/v4/rockets") && Interlocked.Exchange(ref failedOnce, 1) == 0)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsync("busy");
                return true;
            }

            return false;
        };

        // When two runs go through (the second stops at the change probe) and /metrics is scraped
        var first = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var second = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        using var response = await host.Http.GetAsync("metrics");
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());

        // Then it is Prometheus text, and the runs are counted by status as their records say
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        first.Status.ShouldBe(RunStatus.Succeeded);
        second.Status.ShouldBe(RunStatus.Succeeded);
        var records = ReadJson("_meta/runs");
        records.Count.ShouldBe(2);
        metrics.Value("lakehouse_runs_total", ("status", "succeeded"), ("trigger", "test")).ShouldBe(records.Count(r => r.GetProperty("status").GetString() == "succeeded"));
        metrics.Values("lakehouse_runs_total", ("status", "failed")).ShouldBeEmpty();

        // And the API calls are those the records count (every dataset's and the probes'), the one 503 a retry that
        // the manifests show as a second attempt
        var recordedCalls = records.Sum(r => r.GetProperty("probeCalls").GetInt64() + r.GetProperty("datasets").EnumerateArray().Sum(d => d.GetProperty("apiCalls").GetInt64()));
        recordedCalls.ShouldBeGreaterThan(8);
        metrics.Value("lakehouse_api_calls_total", ("source", "spacex"), ("outcome", "succeeded")).ShouldBe(recordedCalls);
        metrics.Values("lakehouse_api_calls_total", ("outcome", "failed")).ShouldBeEmpty();
        var manifests = ReadJson("_meta/manifests");
        metrics.Value("lakehouse_api_retries_total", ("source", "spacex")).ShouldBe(manifests.Sum(m => m.GetProperty("attempts").GetInt32() - 1));
        metrics.Value("lakehouse_api_retries_total", ("source", "spacex")).ShouldBe(1);

        // And per dataset, the objects landed and rows transformed and quarantined add up to the records' numbers
        foreach (var dataset in records.SelectMany(r => r.GetProperty("datasets").EnumerateArray()).GroupBy(d => d.GetProperty("dataset").GetString()!))
        {
            var label = ("dataset", dataset.Key);
            metrics.Value("lakehouse_bronze_objects_landed_total", label).ShouldBe(dataset.Sum(d => d.GetProperty("objectsLanded").GetInt64()), dataset.Key);
            metrics.Value("lakehouse_silver_rows_transformed_total", label).ShouldBe(dataset.Sum(d => d.GetProperty("rowsTransformed").GetInt64()), dataset.Key);
            metrics.Value("lakehouse_silver_rows_quarantined_total", label).ShouldBe(dataset.Sum(d => d.GetProperty("rowsQuarantined").GetInt64()), dataset.Key);
        }

        metrics.Value("lakehouse_bronze_objects_landed_total", ("dataset", "spacex.launches")).ShouldBe(manifests.Count(m => m.GetProperty("dataset").GetString() == "launches"));
        metrics.Value("lakehouse_silver_rows_transformed_total", ("dataset", "spacex.launches")).ShouldBeGreaterThanOrEqualTo(205, "v4-launches.json holds 205 launches");

        // And gold was built once (the second run changed nothing), and its time is a positive number of seconds
        metrics.Value("lakehouse_gold_builds_total").ShouldBe(1);
        metrics.Value("lakehouse_gold_build_seconds").ShouldBeGreaterThan(0);

        // And each dataset's age is the time since its state record says it last landed
        var state = JsonDocument.Parse(File.ReadAllText(temp.Combine("lake", "_meta", "state", "spacex", "launches.json"))).RootElement;
        var expected = (TimeProvider.System.GetUtcNow() - state.GetProperty("lastLandedAt").GetDateTimeOffset()).TotalSeconds;
        metrics.Value("lakehouse_dataset_age_seconds", ("dataset", "spacex.launches")).ShouldBe(expected, 30);
        metrics.Values("lakehouse_dataset_age_seconds", ("dataset", "nasa.apod")).ShouldBeEmpty("nothing of NASA landed");
    }

    [Fact]
    public async Task Healthz_answers_and_readyz_counts_a_lake_without_gold_as_ready_then_reads_gold_once_built()
    {
        // Given the endpoints over an empty folder lake
        await using var host = await MonitoredHost.StartAsync(temp.Path, PipelineHost.Settings(temp.Path, server.BaseAddress));

        // When they are asked before any run
        var alive = await host.Http.GetAsync("healthz");
        var ready = await ReadyAsync(host);

        // Then the process is alive, and ready: the lake answers, and no gold yet is not a reason to wait
        alive.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.Status.ShouldBe(HttpStatusCode.OK);
        ready.Body.GetProperty("checks").GetProperty("lake").GetProperty("status").GetString().ShouldBe("Healthy");
        ready.Body.GetProperty("checks").GetProperty("gold").GetProperty("description").GetString()!.ShouldStartWith("no gold yet");

        // And after a run, gold is read: it names as many tables as the gold file holds
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        using var gold = PipelineHost.Create(PipelineHost.Settings(temp.Path, server.BaseAddress));
        var tables = gold.Scalar<long>("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'");
        var after = await ReadyAsync(host);
        after.Status.ShouldBe(HttpStatusCode.OK);
        after.Body.GetProperty("checks").GetProperty("gold").GetProperty("description").GetString().ShouldBe($"gold readable: {tables} tables");
    }

    [Fact]
    public async Task A_gold_file_that_cannot_be_read_is_degraded_and_the_process_stays_ready()
    {
        // Given a gold path that holds something that is not a DuckDB database
        await using var host = await MonitoredHost.StartAsync(temp.Path, PipelineHost.Settings(temp.Path, server.BaseAddress));
        Directory.CreateDirectory(temp.Combine("lake", "gold"));
        await File.WriteAllTextAsync(temp.Combine("lake", "gold", "lakehouse.duckdb"), "not a database");

        // When readiness is asked
        var ready = await ReadyAsync(host);

        // Then gold is reported degraded with DuckDB's reason, and the process is still ready (200): the lake answers
        ready.Status.ShouldBe(HttpStatusCode.OK);
        ready.Body.GetProperty("status").GetString().ShouldBe("Degraded");
        ready.Body.GetProperty("checks").GetProperty("gold").GetProperty("status").GetString().ShouldBe("Degraded");
        ready.Body.GetProperty("checks").GetProperty("gold").GetProperty("description").GetString()!.ShouldStartWith("gold cannot be read:");
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(MonitoredHost host)
    {
        using var response = await host.Http.GetAsync("readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    /// <summary>Every JSON record under a folder of the lake.</summary>
    private List<JsonElement> ReadJson(string folder) =>
        [.. Directory.GetFiles(temp.Combine(["lake", .. folder.Split('/')]), "*.json", SearchOption.AllDirectories)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())];
}

/// <summary><c>/readyz</c> over an S3 lake on a moto of its own, which the test stops.</summary>
public sealed class S3ReadinessTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task Readyz_passes_while_the_S3_store_answers_and_is_503_naming_the_store_once_it_is_stopped()
    {
        // Given the endpoints over a lake in a bucket on moto
        var moto = await MotoFixture.StartAsync();
        try
        {
            RealDependency.Require(moto.MissingReason);
            string bucket;
            using (var store = await moto.CreateStoreAsync())
            {
                bucket = store.Describe.Split('/')[2];
            }

            var settings = PipelineHostBuilder.LakeSettings(temp.Path);
            settings["Lakehouse:Storage:Kind"] = "S3";
            settings["Lakehouse:Storage:S3:ServiceUrl"] = moto.ServiceUrl.ToString();
            settings["Lakehouse:Storage:S3:Bucket"] = bucket;
            settings["Lakehouse:Storage:S3:MaxAttempts"] = "2";
            settings["Lakehouse:Storage:S3:RequestTimeout"] = "00:00:01";
            settings["Lakehouse:Storage:S3:RetryBaseDelay"] = "00:00:00.100";
            var credentials = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = moto.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = moto.SecretKey };
            await using var host = await MonitoredHost.StartAsync(temp.Path, settings, credentials);

            // When readiness is asked while the store answers, then after it is stopped
            var up = await MonitoringEndpointTests.ReadyAsync(host);
            await moto.StopAsync();
            var down = await MonitoringEndpointTests.ReadyAsync(host);
            var alive = await host.Http.GetAsync("healthz");

            // Then it is ready first, and 503 after, naming the store; the process itself is still alive
            up.Status.ShouldBe(HttpStatusCode.OK, up.Body.ToString());
            up.Body.GetProperty("checks").GetProperty("lake").GetProperty("description").GetString()!.ShouldContain(bucket);
            down.Status.ShouldBe(HttpStatusCode.ServiceUnavailable, down.Body.ToString());
            down.Body.GetProperty("checks").GetProperty("lake").GetProperty("status").GetString().ShouldBe("Unhealthy");
            down.Body.GetProperty("checks").GetProperty("lake").GetProperty("description").GetString()!.ShouldContain("does not answer");
            alive.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await moto.DisposeAsync();
        }
    }
}
