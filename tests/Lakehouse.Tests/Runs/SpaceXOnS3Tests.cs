using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// The end-to-end flow on an S3 lake on moto: the pipeline's state lives in the bucket, DuckDB works on local copies,
/// every command works the same as on a folder, and an outage of the store fails a run clearly, within its budget,
/// and is healed by the next run.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class SpaceXOnS3Tests(MotoFixture moto) : IAsyncLifetime, IDisposable
{
    /// <summary>python3: len(json.load(open('v4-launches.json'))); the payload masses summed the same way.</summary>
    private const long Launches = 205;

    private const double PayloadMassKg = 1298715.55 + 13888 + 385;

    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task On_an_S3_lake_a_run_builds_the_same_gold_and_a_second_run_stops_at_the_probe()
    {
        // Given an empty bucket
        RealDependency.Require(moto.MissingReason);
        using var host = await S3HostAsync(moto);

        // When two runs go through
        var first = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var second = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the first built gold from the bucket, the second made one call
        first.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", first.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(Launches);
        host.Scalar<double>("SELECT sum(payload_mass_kg) FROM fact_launch").ShouldBe(PayloadMassKg, 0.01);
        (await host.Store.ListAllAsync("silver/spacex/launches/", CancellationToken.None)).ShouldNotBeEmpty();
        (await host.Store.ListAllAsync("_meta/runs/", CancellationToken.None)).Count.ShouldBe(2);
        (await host.Store.ListAllAsync("_meta/leases/", CancellationToken.None)).ShouldBeEmpty("every lease was released");
        second.EarlyExit.ShouldBeTrue();
        second.ApiCalls.ShouldBe(1);
        Directory.Exists(temp.Combine("lake")).ShouldBeFalse("the lake is the bucket, not a local folder");
    }

    [SkippableFact]
    public async Task A_store_frozen_mid_run_fails_the_run_within_its_budget_and_the_next_run_heals()
    {
        // Given a moto of its own (this test freezes it), and an API that freezes it with SIGSTOP while payloads are
        // fetched, for longer than the store's timeout, then lets it go on (SIGCONT)
        await using var own = await MotoFixture.StartAsync();
        RealDependency.Require(own.MissingReason);
        using var host = await S3HostAsync(own);
        var budget = host.S3Options.FailureBudget;
        var frozenFor = budget + TimeSpan.FromSeconds(1);
        var frozen = 0;
        Task? thaw = null;
        var clock = new Stopwatch();
        server.Intercept = context =>
        {
            if (context.Request.Path.StartsWithSegments("/v4/payloads") && Interlocked.Exchange(ref frozen, 1) == 0)
            {
                own.Freeze();
                clock.Start();
                thaw = Task.Delay(frozenFor).ContinueWith(_ => own.Thaw(), TaskScheduler.Default);
            }

            return Task.FromResult(false);
        };

        try
        {
            // When a run goes through the freeze
            var broken = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
            clock.Stop();

            // Then the payloads failed, naming the store and what timed out, and the run did not wait much longer
            // than the freeze plus one budget
            frozen.ShouldBe(1);
            broken.Status.ShouldNotBe(RunStatus.Succeeded);
            var payloads = broken.Datasets.Single(d => d.Dataset == "spacex.payloads");
            payloads.Status.ShouldBe(DatasetStatus.Failed);
            payloads.Message.ShouldNotBeNull().ShouldContain($"S3 endpoint {own.ServiceUrl.GetLeftPart(UriPartial.Authority)} (bucket ");
            payloads.Message.ShouldContain("in time; tried 2 times, each with a 1 s timeout");
            clock.Elapsed.ShouldBeLessThan(frozenFor + budget + TimeSpan.FromSeconds(30), "the budget bounds the wait; the rest is the run's own work");
        }
        finally
        {
            if (thaw is not null)
            {
                await thaw;
            }

            own.Thaw();
            server.Intercept = null;
        }

        // And the next run, once the store answers again (the store pauses sending for a second after most of its
        // requests went unanswered), lands what was missing and builds the full gold
        var answering = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await host.Store.ListAllAsync(LakeKeys.RunRecordPrefix, CancellationToken.None);
                break;
            }
            catch (ObjectStoreException) when (answering.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }

        var healed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        healed.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", healed.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(Launches);
        host.Scalar<double>("SELECT sum(payload_mass_kg) FROM fact_launch").ShouldBe(PayloadMassKg, 0.01);
    }

    [SkippableFact]
    public async Task A_store_that_is_down_before_a_run_is_one_clear_error_exit_1_and_nothing_local_a_later_run_would_trust()
    {
        // Given a lake bucket on a moto that is then stopped
        var own = await MotoFixture.StartAsync();
        string bucket;
        try
        {
            RealDependency.Require(own.MissingReason);
            using (var store = await own.CreateStoreAsync())
            {
                bucket = store.Describe.Split('/')[2];
            }
        }
        finally
        {
            await own.DisposeAsync();
        }

        var work = temp.Combine("node");
        Directory.CreateDirectory(work);
        var config = WriteConfig(own, bucket);
        var options = S3Options(own, bucket);

        // When a run starts
        var clock = Stopwatch.StartNew();
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(work, Credentials(own), "run", "--source", "spacex", "--config", config);

        // Then it fails at once with one line that names the endpoint and the key to check, exit 1
        exitCode.ShouldBe(1, stderr);
        clock.Elapsed.ShouldBeLessThan(options.FailureBudget + TimeSpan.FromSeconds(20), "process start-up included");
        var error = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldHaveSingleItem();
        error.ShouldStartWith($"error: S3 endpoint {own.ServiceUrl.GetLeftPart(UriPartial.Authority)} (bucket {bucket}) could not be reached");
        error.ShouldContain("Connection refused");
        error.ShouldContain("Check Lakehouse:Storage:S3:ServiceUrl and that the server is running.");
        stderr.ShouldNotContain("   at ");
        server.RequestCount.ShouldBe(0);

        // And nothing was written locally: no gold, no working copies (the logs aside)
        Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(temp.Combine("logs"), StringComparison.Ordinal) && f != config)
            .ShouldBeEmpty();

        // And when the store is there again (a fresh server, the same bucket name), a run builds the whole lake
        await using var again = await MotoFixture.StartAsync();
        using (var store = new S3ObjectStore(S3Options(again, bucket)))
        {
            await store.EnsureBucketAsync(CancellationToken.None);
        }

        var healed = await LakehouseProcess.RunAsync(work, Credentials(again), "run", "--source", "spacex", "--config", WriteConfig(again, bucket));
        healed.ExitCode.ShouldBe(0, healed.Stderr);
        using var gold = PipelineHost.Create(Settings(again, bucket), Credentials(again));
        gold.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(Launches);
    }

    [SkippableFact]
    public async Task Every_command_works_on_an_S3_lake_run_backfill_rebuilds_status_and_query()
    {
        // Given an empty bucket on moto, and the lakehouse command configured for it
        RealDependency.Require(moto.MissingReason);
        string bucket;
        using (var store = await moto.CreateStoreAsync())
        {
            bucket = store.Describe.Split('/')[2];
        }

        var work = temp.Combine("node");
        Directory.CreateDirectory(work);
        var config = WriteConfig(moto, bucket);
        var environment = Credentials(moto);
        Task<(int ExitCode, string Stdout, string Stderr)> Lakehouse(params string[] args) =>
            LakehouseProcess.RunAsync(work, environment, [.. args, "--config", config]);

        // When the whole command set runs against it
        var run = await Lakehouse("run", "--source", "spacex");
        var backfill = await Lakehouse("backfill", "--source", "spacex", "--dataset", "launches", "--force", "--format", "json");
        var gold = temp.Combine("gold", "lakehouse.duckdb");
        var before = temp.Combine("before.duckdb");
        File.Copy(gold, before);
        var transform = await Lakehouse("transform", "--rebuild");
        var model = await Lakehouse("model", "--rebuild");
        var status = await Lakehouse("status", "--format", "json");
        var query = await Lakehouse("query", "SELECT count(*) AS launches, round(sum(payload_mass_kg), 2) AS mass FROM fact_launch", "--format", "csv");

        // Then each succeeded
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("spacex.launches");
        backfill.ExitCode.ShouldBe(0, backfill.Stderr);
        using (var landed = JsonDocument.Parse(backfill.Stdout))
        {
            var launches = landed.RootElement.GetProperty("datasets").EnumerateArray().Single();
            launches.GetProperty("apiCalls").GetInt32().ShouldBeGreaterThan(0);
            launches.GetProperty("objectsUnchanged").GetInt32().ShouldBe(launches.GetProperty("apiCalls").GetInt32(), "the API did not change since the run");
        }

        transform.ExitCode.ShouldBe(0, transform.Stderr);
        model.ExitCode.ShouldBe(0, model.Stderr);
        GoldComparison.Differences(before, gold).ShouldBeEmpty("rebuilt from the bucket alone, gold is the same");
        status.ExitCode.ShouldBe(0, status.Stderr);
        using (var rows = JsonDocument.Parse(status.Stdout))
        {
            var launches = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "spacex.launches");
            launches.GetProperty("silverRows").GetInt64().ShouldBe(Launches);
            launches.GetProperty("goldRows").GetInt64().ShouldBe(Launches);
            launches.GetProperty("bronzeObjects").GetInt32().ShouldBeGreaterThan(0);
        }

        query.ExitCode.ShouldBe(0, query.Stderr);
        query.Stdout.ReplaceLineEndings("\n").ShouldBe($"launches,mass\n{Launches},{PayloadMassKg.ToString("0.00", CultureInfo.InvariantCulture)}\n");

        // And the lake is the bucket: bronze, silver and the lake's state are there, and not in a local folder
        using var lake = new S3ObjectStore(S3Options(moto, bucket));
        foreach (var layer in new[] { "bronze/spacex/", "silver/spacex/", "_meta/runs/", "_meta/state/spacex/" })
        {
            (await lake.ListAllAsync(layer, CancellationToken.None)).ShouldNotBeEmpty(layer);
        }

        Directory.Exists(Path.Combine(work, "lake", "bronze")).ShouldBeFalse();
    }

    private async Task<S3Host> S3HostAsync(MotoFixture fixture)
    {
        string bucket;
        using (var store = await fixture.CreateStoreAsync())
        {
            bucket = store.Describe.Split('/')[2];
        }

        var settings = Settings(fixture, bucket);
        return new S3Host(PipelineHost.Create(settings, Credentials(fixture)), S3Options(fixture, bucket));
    }

    /// <summary>The pipeline's settings for a lake in <paramref name="bucket"/>: short timeouts and few attempts, so that failures show in seconds.</summary>
    private Dictionary<string, string?> Settings(MotoFixture fixture, string bucket)
    {
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Storage:Kind"] = "S3";
        settings["Lakehouse:Storage:S3:ServiceUrl"] = fixture.ServiceUrl.ToString();
        settings["Lakehouse:Storage:S3:Bucket"] = bucket;
        settings["Lakehouse:Storage:S3:MaxAttempts"] = "2";
        settings["Lakehouse:Storage:S3:RequestTimeout"] = "00:00:01";
        settings["Lakehouse:Storage:S3:RetryBaseDelay"] = "00:00:00.100";
        settings["Lakehouse:Gold:DatabasePath"] = temp.Combine("gold", "lakehouse.duckdb");
        return settings;
    }

    private string WriteConfig(MotoFixture fixture, string bucket)
    {
        var path = temp.Combine($"config-{fixture.Port}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(Settings(fixture, bucket))));
        return path;
    }

    private static S3ObjectStoreOptions S3Options(MotoFixture fixture, string bucket) => new()
    {
        ServiceUrl = fixture.ServiceUrl,
        Bucket = bucket,
        AccessKey = fixture.AccessKey,
        SecretKey = fixture.SecretKey,
        MaxAttempts = 2,
        RequestTimeout = TimeSpan.FromSeconds(1),
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
    };

    private static Dictionary<string, string> Credentials(MotoFixture fixture) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = fixture.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = fixture.SecretKey,
    };

    private sealed class S3Host(PipelineHost host, S3ObjectStoreOptions options) : IDisposable
    {
        public S3ObjectStoreOptions S3Options => options;

        public LakehousePipeline Pipeline => host.Pipeline;

        public IObjectStore Store => host.Store;

        public T Scalar<T>(string sql) => host.Scalar<T>(sql);

        public void Dispose() => host.Dispose();
    }
}
