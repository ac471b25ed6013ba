using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// The same end-to-end flow on an S3 lake (s3rver on loopback): the pipeline's state lives in the bucket, DuckDB works
/// on local copies, and an outage of the store mid-run fails the run clearly and is healed by the next one.
/// </summary>
[Collection(UsesS3rver.Name)]
public sealed class SpaceXOnS3Tests(S3rverFixture s3) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(SpaceXCatalog.FromFixtures(Path.Combine(RepositoryPaths.SharedFixtures, "spacex")));

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task On_an_S3_lake_a_run_builds_the_same_gold_and_a_second_run_stops_at_the_probe()
    {
        // Given an empty bucket
        RealDependency.Require(s3.MissingReason);
        using var host = await S3HostAsync(s3);

        // When two runs go through
        var first = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var second = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then the first built gold from the bucket (205 launches; python3 over v4-launches.json), the second made one call
        first.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", first.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
        host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
        host.Scalar<double>("SELECT sum(payload_mass_kg) FROM fact_launch").ShouldBe(1298715.55 + 13888 + 385, 0.01);
        (await host.Store.ListAllAsync("silver/spacex/launches/", CancellationToken.None)).ShouldNotBeEmpty();
        (await host.Store.ListAllAsync("_meta/runs/", CancellationToken.None)).Count.ShouldBe(2);
        second.EarlyExit.ShouldBeTrue();
        second.ApiCalls.ShouldBe(1);
    }

    [SkippableFact]
    public async Task The_store_going_down_mid_run_fails_the_run_clearly_and_the_next_run_heals()
    {
        // Given a server of its own (this test stops it), and an API that takes it down while payloads are fetched
        var own = new S3rverFixture();
        await own.InitializeAsync();
        try
        {
            RealDependency.Require(own.MissingReason);
            using var host = await S3HostAsync(own);
            var stopped = 0;
            server.Intercept = async context =>
            {
                if (context.Request.Path.StartsWithSegments("/v4/payloads") && Interlocked.Exchange(ref stopped, 1) == 0)
                {
                    await own.StopAsync();
                }

                return false;
            };

            // When a run goes through the outage
            var broken = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

            // Then it failed, says which store was unreachable, and no gold was published
            broken.Status.ShouldNotBe(RunStatus.Succeeded);
            var payloads = broken.Datasets.Single(d => d.Dataset == "spacex.payloads");
            payloads.Status.ShouldBe(DatasetStatus.Failed);
            payloads.Message.ShouldNotBeNull().ShouldContain(own.ServiceUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Exists(host.GoldPath).ShouldBeFalse();

            // And when the store is back, the next run lands what was missing and builds the full gold
            server.Intercept = null;
            await own.RestartAsync();
            var healed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
            healed.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", healed.Datasets.Select(d => $"{d.Dataset}: {d.Message}")));
            host.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(205);
            host.Scalar<double>("SELECT sum(payload_mass_kg) FROM fact_launch").ShouldBe(1298715.55 + 13888 + 385, 0.01);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private async Task<PipelineHost> S3HostAsync(S3rverFixture fixture)
    {
        var bucket = "";
        await fixture.CreateStoreAsync(o => bucket = o.Bucket);
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Storage:Kind"] = "S3";
        settings["Lakehouse:Storage:S3:ServiceUrl"] = fixture.ServiceUrl.ToString();
        settings["Lakehouse:Storage:S3:Bucket"] = bucket;
        settings["Lakehouse:Storage:S3:MaxAttempts"] = "2";
        settings["Lakehouse:Storage:S3:RequestTimeout"] = "00:00:03";
        return PipelineHost.Create(settings, new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = S3rverFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverFixture.SecretKey,
        });
    }
}
