using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// A transform SIGKILLed at the two points of a silver publish: after its files are staged but before the commit
/// marker (nothing appears under <c>silver/</c>; the next run publishes once), and after the marker while the files
/// are being moved into <c>silver/</c> (the next run, or a gold build, finishes it). Gold then equals the gold of a run
/// that was never interrupted. The real <c>lakehouse run</c> process is killed while it waits on the exact step: on
/// the folder lake strace holds every rename (how a folder lake publishes an object) for a moment, on moto a proxy
/// holds the very request.
/// </summary>
public abstract class SilverCrashTests : IAsyncLifetime, IDisposable
{
    private SpaceXApiServer server = null!;
    private string? reference;

    internal TempDirectory Temp { get; } = new();

    internal static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The command every test runs: one dataset keeps the runs short.</summary>
    internal static string[] RunLaunches(string config) => ["run", "--source", "spacex", "--dataset", "spacex.launches", "--config", config];

    /// <summary>The gold of an uninterrupted run of the same command, on a folder lake of its own.</summary>
    internal async Task<string> ReferenceGoldAsync()
    {
        if (reference is null)
        {
            var root = Temp.Combine("reference");
            var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(Directory.CreateDirectory(root).FullName, RunLaunches(WriteConfig(root, Settings(root))));
            exitCode.ShouldBe(0, stderr);
            reference = Path.Combine(root, "lake", "gold", "lakehouse.duckdb");
        }

        return reference;
    }

    /// <summary>Settings for a folder lake under <paramref name="root"/>, logging at Information (the kill points are log lines).</summary>
    internal Dictionary<string, string?> Settings(string root)
    {
        var settings = PipelineHost.Settings(root, server.BaseAddress);
        settings["Lakehouse:Logging:Level"] = "Information";
        return settings;
    }

    internal static string WriteConfig(string root, Dictionary<string, string?> settings)
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, "test-config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        return path;
    }

    /// <summary>The run id of the landing the killed run made: the one run whose bronze there is.</summary>
    internal static async Task<string> LandingRunAsync(IObjectStore store)
    {
        var runs = (await store.ListAllAsync("bronze/spacex/launches/", Ct))
            .Select(o => o.Key.Value.Split('/')[^1])
            .Select(name => name[..name.LastIndexOf('-')])
            .Distinct()
            .ToList();
        return runs.ShouldHaveSingleItem();
    }

    /// <summary>After the run that heals: one complete commit of that landing, silver/ holds exactly its files, nothing staged.</summary>
    internal static async Task ShouldBePublishedOnceAsync(IObjectStore store, string landingRun)
    {
        var commit = (await SilverPublishTests.CommitsAsync(store, "spacex")).ShouldHaveSingleItem();
        commit.LandingRunId.ShouldBe(landingRun);
        commit.Promoted.ShouldBeTrue();
        commit.Files.Where(f => f.Table == "spacex_launches").Sum(f => f.Rows).ShouldBe(205, "python3: len(json.load(open('v4-launches.json')))");
        (await store.ListAllAsync("silver/", Ct)).Select(o => o.Key.Value)
            .ShouldBe(commit.Files.Select(f => f.Key).Order(StringComparer.Ordinal));
        (await store.ListAllAsync("_meta/staging/", Ct)).ShouldBeEmpty();
    }

    internal static async Task<SilverCommit> OnlyCommitAsync(IObjectStore store) =>
        (await SilverPublishTests.CommitsAsync(store, "spacex")).ShouldHaveSingleItem();
}

/// <summary>On the folder lake, with strace holding each rename for a moment so that the kill lands before it.</summary>
public sealed class SilverCrashOnFolderTests : SilverCrashTests
{
    /// <summary>
    /// Long beside the time from a log line to the kill, also on a loaded machine (250 ms once let the marker's rename
    /// through while the whole suite ran); short enough for a run of ~40 renames.
    /// </summary>
    private static readonly TimeSpan RenameDelay = TimeSpan.FromMilliseconds(750);

    [SkippableFact]
    public async Task Killed_after_staging_before_the_marker_nothing_is_in_silver_and_the_next_run_publishes_once()
    {
        // Given a run of spacex.launches under strace, killed once it logged that its files are staged (the marker's
        // rename is what it would do next)
        RealDependency.Require(await Strace.MissingReasonAsync());
        var root = Temp.Combine("before-marker");
        var config = WriteConfig(root, Settings(root));
        await using (var killed = KillableLakehouse.Start(root, null, Strace.DelayingRenames(RenameDelay), RunLaunches(config)))
        {
            (await killed.WaitForLogAsync("Staged spacex.launches committing", TimeSpan.FromMinutes(3))).ShouldBeTrue(killed.Log);
            await killed.KillAsync();
        }

        // Then there is no marker, nothing under silver/ for an engine to find, and the staged files wait outside it
        var store = new FileSystemObjectStore(Path.Combine(root, "lake"));
        (await store.ListAllAsync("_meta/silver/", Ct)).ShouldBeEmpty();
        (await store.ListAllAsync("silver/", Ct)).ShouldBeEmpty();
        (await store.ListAllAsync("_meta/staging/silver/spacex/launches/", Ct)).Count.ShouldBe(6, "five launch tables and the quarantine");
        var landing = await LandingRunAsync(store);

        // When the next run goes to the end
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root, RunLaunches(config));

        // Then the landing is published once, and gold equals an uninterrupted run's
        exitCode.ShouldBe(0, stderr);
        await ShouldBePublishedOnceAsync(store, landing);
        GoldComparison.Differences(await ReferenceGoldAsync(), Path.Combine(root, "lake", "gold", "lakehouse.duckdb")).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Killed_after_the_marker_while_moving_files_into_silver_the_next_run_finishes_it()
    {
        // Given a run killed once it logged its commit (moving the first file into silver/ is what it would do next)
        RealDependency.Require(await Strace.MissingReasonAsync());
        var root = Temp.Combine("during-promotion");
        var config = WriteConfig(root, Settings(root));
        await using (var killed = KillableLakehouse.Start(root, null, Strace.DelayingRenames(RenameDelay), RunLaunches(config)))
        {
            (await killed.WaitForLogAsync("Committed silver of spacex.launches", TimeSpan.FromMinutes(3))).ShouldBeTrue(killed.Log);
            await killed.KillAsync();
        }

        // Then the marker commits the files but says they are not all moved, and silver/ holds none that it does not name
        var store = new FileSystemObjectStore(Path.Combine(root, "lake"));
        var commit = await OnlyCommitAsync(store);
        commit.Promoted.ShouldBeFalse();
        var inSilver = (await store.ListAllAsync("silver/", Ct)).Select(o => o.Key.Value).ToList();
        inSilver.ShouldBeSubsetOf(commit.Files.Select(f => f.Key));
        inSilver.Count.ShouldBeLessThan(commit.Files.Count);
        var landing = await LandingRunAsync(store);

        // When the next run goes to the end
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root, RunLaunches(config));

        // Then the commit is finished, once, and gold equals an uninterrupted run's
        exitCode.ShouldBe(0, stderr);
        await ShouldBePublishedOnceAsync(store, landing);
        GoldComparison.Differences(await ReferenceGoldAsync(), Path.Combine(root, "lake", "gold", "lakehouse.duckdb")).ShouldBeEmpty();
    }
}

/// <summary>On moto, with a proxy that holds the very request the run is killed at.</summary>
[Collection(UsesMoto.Name)]
public sealed class SilverCrashOnMotoTests(MotoFixture moto) : SilverCrashTests
{
    [SkippableFact]
    public async Task Killed_while_writing_the_marker_nothing_is_in_silver_and_the_next_run_publishes_once()
    {
        // Given a run of spacex.launches on moto, killed while its marker's PUT is held (never reaching moto)
        var (root, config, environment, store, proxy) = await LakeAsync("before-marker");
        using var s3 = store;
        await using (proxy)
        {
            var held = proxy.HoldAsync(r => r.Method == "PUT" && r.Path.Value!.Contains("/_meta/silver/spacex/launches/", StringComparison.Ordinal));
            await using (var killed = KillableLakehouse.Start(root, environment, null, RunLaunches(config)))
            {
                await held.WaitAsync(TimeSpan.FromMinutes(3));
                await killed.KillAsync();
            }

            // Then there is no marker, nothing under silver/, and the staged files wait outside it
            (await store.ListAllAsync("_meta/silver/", Ct)).ShouldBeEmpty();
            (await store.ListAllAsync("silver/", Ct)).ShouldBeEmpty();
            (await store.ListAllAsync("_meta/staging/silver/spacex/launches/", Ct)).Count.ShouldBe(6, "five launch tables and the quarantine");
            var landing = await LandingRunAsync(store);

            // When the next run goes to the end
            var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root, environment, RunLaunches(config));

            // Then the landing is published once, and gold equals an uninterrupted run's
            exitCode.ShouldBe(0, stderr);
            await ShouldBePublishedOnceAsync(store, landing);
            GoldComparison.Differences(await ReferenceGoldAsync(), Path.Combine(root, "gold", "lakehouse.duckdb")).ShouldBeEmpty();
        }
    }

    [SkippableFact]
    public async Task Killed_between_two_moves_into_silver_the_next_run_finishes_it()
    {
        // Given a run killed while the second server-side copy into silver/ is held: one file moved, the rest staged
        var (root, config, environment, store, proxy) = await LakeAsync("during-promotion");
        using var s3 = store;
        await using (proxy)
        {
            var commit = await KillDuringPromotionAsync(root, config, environment, store, proxy);
            var landing = await LandingRunAsync(store);

            // When the next run goes to the end
            var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root, environment, RunLaunches(config));

            // Then the commit is finished, once, and gold equals an uninterrupted run's
            exitCode.ShouldBe(0, stderr);
            await ShouldBePublishedOnceAsync(store, landing);
            (await OnlyCommitAsync(store)).Files.Select(f => f.Key).ShouldBe(commit.Files.Select(f => f.Key));
            GoldComparison.Differences(await ReferenceGoldAsync(), Path.Combine(root, "gold", "lakehouse.duckdb")).ShouldBeEmpty();
        }
    }

    [SkippableFact]
    public async Task Killed_between_two_moves_into_silver_a_gold_build_moves_the_rest_before_reading_them()
    {
        // Given a run killed while the second server-side copy into silver/ is held
        var (root, config, environment, store, proxy) = await LakeAsync("gold-after-promotion");
        using var s3 = store;
        await using (proxy)
        {
            var commit = await KillDuringPromotionAsync(root, config, environment, store, proxy);

            // When gold is built from the lake (lakehouse model), before any run
            var model = await LakehouseProcess.RunAsync(root, environment, "model", "--config", config);

            // Then the build moved the rest into silver/ and read them all, leaving the marker to the dataset's next
            // transform; gold equals an uninterrupted run's in every table but agg_launch_snapshot, which has a row
            // per run that succeeded, and the killed run did not
            model.ExitCode.ShouldBe(0, model.Stderr);
            (await store.ListAllAsync("silver/", Ct)).Select(o => o.Key.Value).ShouldBe(commit.Files.Select(f => f.Key).Order(StringComparer.Ordinal));
            (await store.ListAllAsync("_meta/staging/", Ct)).ShouldBeEmpty();
            (await OnlyCommitAsync(store)).Promoted.ShouldBeFalse();
            GoldComparison.Differences(await ReferenceGoldAsync(), Path.Combine(root, "gold", "lakehouse.duckdb"))
                .ShouldBe(["agg_launch_snapshot: 1 rows differ"]);
        }
    }

    /// <summary>Runs spacex.launches and SIGKILLs it while its second copy into silver/ is held; the commit it left.</summary>
    private static async Task<SilverCommit> KillDuringPromotionAsync(
        string root, string config, Dictionary<string, string> environment, S3ObjectStore store, HoldingS3Proxy proxy)
    {
        var copies = 0;
        var held = proxy.HoldAsync(r => r.Method == "PUT" && r.Headers.ContainsKey("x-amz-copy-source") && ++copies == 2);
        await using (var killed = KillableLakehouse.Start(root, environment, null, RunLaunches(config)))
        {
            await held.WaitAsync(TimeSpan.FromMinutes(3));
            await killed.KillAsync();
        }

        // The marker commits the files and says they are not all moved; one is in silver/, the others staged
        var commit = await OnlyCommitAsync(store);
        commit.Promoted.ShouldBeFalse();
        (await store.ListAllAsync("silver/", Ct)).Select(o => o.Key.Value).ShouldBe([commit.Files[0].Key]);
        (await store.ListAllAsync("_meta/staging/", Ct)).Count.ShouldBe(commit.Files.Count - 1);
        return commit;
    }

    /// <summary>A fresh bucket on moto behind a holding proxy, and the lakehouse configuration for it.</summary>
    private async Task<(string Root, string Config, Dictionary<string, string> Environment, S3ObjectStore Store, HoldingS3Proxy Proxy)> LakeAsync(string name)
    {
        RealDependency.Require(moto.MissingReason);
        var store = await moto.CreateStoreAsync();
        var bucket = store.Describe.Split('/')[2];
        var proxy = await HoldingS3Proxy.StartAsync(moto.ServiceUrl);
        var root = Temp.Combine(name);
        var settings = Settings(root);
        settings["Lakehouse:Storage:Kind"] = "S3";
        settings["Lakehouse:Storage:S3:ServiceUrl"] = proxy.Url.ToString();
        settings["Lakehouse:Storage:S3:Bucket"] = bucket;
        settings["Lakehouse:Storage:S3:RequestTimeout"] = "00:00:10";
        settings["Lakehouse:Storage:S3:RetryBaseDelay"] = "00:00:00.100";
        settings["Lakehouse:Gold:DatabasePath"] = Path.Combine(root, "gold", "lakehouse.duckdb");
        var environment = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = moto.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = moto.SecretKey };
        return (root, WriteConfig(root, settings), environment, store, proxy);
    }
}
