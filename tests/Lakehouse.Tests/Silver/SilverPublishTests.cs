using System.Text;
using System.Text.Json;
using Lakehouse.Cli;
using Lakehouse.Cli.Commands;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Silver;

/// <summary>
/// Publishing silver through the real pipeline, on the folder lake and on moto: an engine that reads
/// <c>silver/{source}/{table}/**/*.parquet</c> sees exactly the committed files; a file that breaks its table's
/// contract blocks that dataset alone, with one line in the run summary and exit code 1; status shows per table what
/// the markers recorded from the footers.
/// </summary>
public abstract class SilverPublishTests : IAsyncLifetime, IDisposable
{
    /// <summary>python3: len(json.load(open('v4-launches.json'))); cores: sum(len(x['cores']) for x in d).</summary>
    private const long Launches = 205;

    private const long LaunchCores = 215;

    private SpaceXApiServer server = null!;

    internal TempDirectory Temp { get; } = new();

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Settings for a lake of this kind (skipping the test when its server is missing), and the environment it needs.</summary>
    internal abstract Task<(Dictionary<string, string?> Settings, Dictionary<string, string>? Environment)> LakeAsync(Dictionary<string, string?> settings);

    [SkippableFact]
    public async Task A_run_leaves_under_silver_exactly_the_files_its_markers_commit_and_nothing_staged()
    {
        // Given a lake
        using var host = await HostAsync();

        // When a run lands, transforms and models the recorded SpaceX API
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then every marker is complete, and what silver/ holds is exactly the files the markers name
        run.Status.ShouldBe(RunStatus.Succeeded, Failures(run));
        var commits = await CommitsAsync(host.Store, "spacex");
        commits.Count.ShouldBe(8, "one commit per SpaceX dataset");
        commits.ShouldAllBe(c => c.Promoted && c.Files.All(f => f.Staged == null));
        var committed = commits.SelectMany(c => c.Files).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        var listed = (await host.Store.ListAllAsync("silver/", CancellationToken.None)).Select(o => o.Key.Value).ToList();
        listed.ShouldBe(committed);
        (await host.Store.ListAllAsync("_meta/staging/", CancellationToken.None)).ShouldBeEmpty();

        // And the rows and bytes each marker recorded are what DuckDB reads from the file's own footer
        var mirror = await MirrorAsync(host.Store, "silver/");
        using var duckdb = DuckDbTestConnections.OpenInMemory();
        foreach (var file in commits.SelectMany(c => c.Files))
        {
            var local = Path.Combine(mirror, file.Key);
            file.Rows.ShouldBe(duckdb.Scalar<long>($"SELECT num_rows FROM parquet_file_metadata('{local}')"), file.Key);
            file.CompressedBytes.ShouldBe(duckdb.Scalar<long>($"SELECT coalesce(sum(total_compressed_size), 0)::BIGINT FROM parquet_metadata('{local}')"), file.Key);
        }

        // And an engine reading each table by a glob over its folder gets the committed rows, once
        duckdb.Scalar<long>($"SELECT count(*) FROM read_parquet('{mirror}/silver/spacex/launches/**/*.parquet')").ShouldBe(Launches);
        duckdb.Scalar<long>($"SELECT count(*) FROM read_parquet('{mirror}/silver/spacex/launch_cores/**/*.parquet')").ShouldBe(LaunchCores);
    }

    [SkippableFact]
    public async Task A_file_that_breaks_its_contract_blocks_that_dataset_alone_and_the_next_run_publishes_it_once()
    {
        // Given a lake, and a declaration of spacex_launches that says date_unix is INTEGER while the transform
        // writes it as BIGINT (schema.sql's type): the contract the files are checked against, changed on one line
        var ddl = BuiltInSources.Catalog.Silver.AllSchemasSql();
        ddl.ShouldContain("    date_unix BIGINT,");
        var narrower = SilverContracts.FromDdl(ddl.Replace("    date_unix BIGINT,", "    date_unix INTEGER,", StringComparison.Ordinal));
        var (settings, environment) = await LakeAsync(Settings());

        // When a run goes through with it
        RunRecord run;
        using (var host = PipelineHost.Create(settings, environment, s => s.AddSingleton(narrower)))
        {
            run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        }

        // Then spacex.launches failed with one line naming the table, the column, the declared and the found type,
        // and every other dataset was published
        var launches = run.Datasets.Single(d => d.Dataset == "spacex.launches");
        launches.Status.ShouldBe(DatasetStatus.Failed);
        var message = launches.Message.ShouldNotBeNull();
        message.ShouldStartWith("silver table spacex_launches does not match its contract: column date_unix is declared INTEGER, the file has BIGINT.");
        message.ShouldNotContain('\n');
        run.Datasets.Where(d => d.Dataset != "spacex.launches").ShouldAllBe(d => d.Status == DatasetStatus.Succeeded);
        run.Status.ShouldBe(RunStatus.Partial);

        // And the summary says so, and the exit code is 1
        RunSummaryWriter.ExitCode(run).ShouldBe(ExitCodes.Failure);
        var summary = await SummaryAsync(run);
        summary.ShouldContain($"spacex.launches failed: {message}");

        // And nothing of launches is committed, in silver/ or staged; the others are
        using var healed = PipelineHost.Create(settings, environment);
        var store = healed.Store;
        (await store.ListAllAsync("_meta/silver/spacex/launches/", CancellationToken.None)).ShouldBeEmpty();
        foreach (var table in new[] { "launches", "launch_cores", "launch_payloads", "launch_crew", "launch_failures" })
        {
            (await store.ListAllAsync($"silver/spacex/{table}/", CancellationToken.None)).ShouldBeEmpty(table);
        }

        (await store.ListAllAsync("silver/_quarantine/spacex/launches/", CancellationToken.None)).ShouldBeEmpty();
        (await store.ListAllAsync("_meta/staging/", CancellationToken.None)).ShouldBeEmpty();
        (await store.ListAllAsync("_meta/silver/spacex/rockets/", CancellationToken.None)).Count.ShouldBe(1);
        (await store.ListAllAsync("silver/spacex/rockets/", CancellationToken.None)).ShouldNotBeEmpty();

        // When the next run goes through with the declared contracts
        var next = await healed.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);

        // Then launches are published once: one commit, of the first run's landing, with every launch
        next.Status.ShouldBe(RunStatus.Succeeded, Failures(next));
        var commits = await CommitsAsync(store, "spacex");
        var launchCommit = commits.Where(c => c.Dataset == "spacex.launches").ShouldHaveSingleItem();
        launchCommit.LandingRunId.ShouldBe(run.RunId);
        launchCommit.Files.Where(f => f.Table == "spacex_launches").Sum(f => f.Rows).ShouldBe(Launches);
        healed.Scalar<long>("SELECT count(*) FROM fact_launch").ShouldBe(Launches);
    }

    [SkippableFact]
    public async Task Status_shows_per_silver_table_the_committed_files_rows_and_bytes_from_the_markers()
    {
        // Given a lake after a run
        using var host = await HostAsync();
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);

        // When status reads it
        var rows = await host.Services.GetRequiredService<LakeStatus>().ReadAsync(CancellationToken.None);

        // Then each of launches' tables shows its files, its rows and its compressed bytes, as DuckDB reads them
        // from the files themselves, and the source's quarantine comes last
        var launches = rows.Single(r => r.Dataset == "spacex.launches");
        launches.SilverTables.Select(t => t.Table).ShouldBe(
            ["spacex_launches", "spacex_launch_cores", "spacex_launch_payloads", "spacex_launch_crew", "spacex_launch_failures", "spacex_quarantine"]);
        var mirror = await MirrorAsync(host.Store, "silver/spacex/launches/");
        var files = Directory.GetFiles(Path.Combine(mirror, "silver", "spacex", "launches"), "*.parquet", SearchOption.AllDirectories);
        using var duckdb = DuckDbTestConnections.OpenInMemory();
        var table = launches.SilverTables[0];
        table.Files.ShouldBe(files.Length);
        table.Rows.ShouldBe(Launches);
        table.CompressedBytes.ShouldBe(files.Sum(f => duckdb.Scalar<long>($"SELECT coalesce(sum(total_compressed_size), 0)::BIGINT FROM parquet_metadata('{f}')")));
        launches.SilverTables.Single(t => t.Table == "spacex_launch_cores").Rows.ShouldBe(LaunchCores);
    }

    internal static string Failures(RunRecord run) => string.Join("; ", run.Datasets.Where(d => d.Message is not null).Select(d => $"{d.Dataset}: {d.Message}"));

    /// <summary>Every commit marker of a source.</summary>
    internal static async Task<List<SilverCommit>> CommitsAsync(IObjectStore store, string source)
    {
        var commits = new List<SilverCommit>();
        foreach (var marker in await store.ListAllAsync($"_meta/silver/{source}/", CancellationToken.None))
        {
            commits.Add((await LakeJson.ReadAsync<SilverCommit>(store, marker.Key, CancellationToken.None)).ShouldNotBeNull());
        }

        return commits;
    }

    /// <summary>The objects under <paramref name="prefix"/> copied to a local folder under their keys, as an engine would read them.</summary>
    internal async Task<string> MirrorAsync(IObjectStore store, string prefix)
    {
        var mirror = Temp.Combine("mirror-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var info in await store.ListAllAsync(prefix, CancellationToken.None))
        {
            await store.DownloadToFileAsync(info.Key, Path.Combine(mirror, info.Key.Value), CancellationToken.None);
        }

        return mirror;
    }

    internal Dictionary<string, string?> Settings() => PipelineHost.Settings(Temp.Path, server.BaseAddress);

    internal async Task<PipelineHost> HostAsync()
    {
        var (settings, environment) = await LakeAsync(Settings());
        return PipelineHost.Create(settings, environment);
    }

    private static async Task<string> SummaryAsync(RunRecord run)
    {
        var output = new MemoryStream();
        await RunSummaryWriter.WriteAsync(run, "table", new CliConsole(output, new StringWriter(), outputIsTerminal: false, terminalWidth: 400), CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}

/// <summary>On the embedded default: a folder. Also what <c>lakehouse status</c> prints.</summary>
public sealed class SilverPublishOnFolderTests : SilverPublishTests
{
    internal override Task<(Dictionary<string, string?> Settings, Dictionary<string, string>? Environment)> LakeAsync(Dictionary<string, string?> settings) =>
        Task.FromResult<(Dictionary<string, string?>, Dictionary<string, string>?)>((settings, null));

    [SkippableFact]
    public async Task Lakehouse_status_prints_the_committed_silver_tables_and_has_them_in_json()
    {
        // Given a folder lake after a run
        var settings = Settings();
        using (var host = PipelineHost.Create(settings))
        {
            (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        }

        var config = Temp.Combine("config.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        var files = Directory.GetFiles(Temp.Combine("lake", "silver", "spacex", "launches"), "*.parquet", SearchOption.AllDirectories).Length;

        // When lakehouse status runs, as a table and as JSON
        var table = await CliRunner.RunAsync("status", "--config", config);
        var json = await CliRunner.RunAsync("status", "--config", config, "--format", "json");

        // Then the table has a row per silver table with files, rows and bytes
        table.ExitCode.ShouldBe(0, table.Error);
        table.Output.ShouldContain("committed silver");
        var line = table.Output.Split('\n').Single(l => l.Contains(" spacex_launches ", StringComparison.Ordinal));
        line.ShouldContain("spacex.launches");
        line.ShouldContain($" {files} ");
        line.ShouldContain(" 205 ");
        line.ShouldContain(" KiB ");

        // And the JSON has the same per table
        json.ExitCode.ShouldBe(0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var launches = document.RootElement.EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "spacex.launches");
        var silver = launches.GetProperty("silverTables").EnumerateArray().First();
        silver.GetProperty("table").GetString().ShouldBe("spacex_launches");
        silver.GetProperty("files").GetInt32().ShouldBe(files);
        silver.GetProperty("rows").GetInt64().ShouldBe(205);
        silver.GetProperty("compressedBytes").GetInt64().ShouldBeGreaterThan(0);
    }
}

/// <summary>On S3, against moto.</summary>
[Collection(UsesMoto.Name)]
public sealed class SilverPublishOnMotoTests(MotoFixture moto) : SilverPublishTests
{
    internal override async Task<(Dictionary<string, string?> Settings, Dictionary<string, string>? Environment)> LakeAsync(Dictionary<string, string?> settings)
    {
        RealDependency.Require(moto.MissingReason);
        string bucket;
        using (var store = await moto.CreateStoreAsync())
        {
            bucket = store.Describe.Split('/')[2];
        }

        settings["Lakehouse:Storage:Kind"] = "S3";
        settings["Lakehouse:Storage:S3:ServiceUrl"] = moto.ServiceUrl.ToString();
        settings["Lakehouse:Storage:S3:Bucket"] = bucket;
        settings["Lakehouse:Storage:S3:RequestTimeout"] = "00:00:10";
        settings["Lakehouse:Storage:S3:RetryBaseDelay"] = "00:00:00.100";
        return (settings, new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = moto.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = moto.SecretKey });
    }
}
