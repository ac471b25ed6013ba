using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lakehouse.Sources;
using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.DuckDb;
using Lakehouse.Gold;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Silver;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Benchmarks;

/// <summary>
/// The SpaceX issue's two speed figures.
/// <list type="bullet">
/// <item><c>spacex-transform-model</c>: transform + model of SpaceX data scaled up by the sample generator (1000× ≈
/// 200k launches, ≈ 0.5 GB of bronze JSON). The contender is the real thing, <c>lakehouse transform</c> then
/// <c>lakehouse model</c> as processes over a folder lake (start-up, manifests, commit markers, Parquet copied into
/// the lake, data tests included); the baseline is the same SQL run directly in DuckDB in-process (the transform
/// scripts over the same chunks, then the gold models in one transaction, without the lake's bookkeeping and
/// without data tests); the ceiling is DuckDB's own read_json → Parquet of the same bronze (<see cref="DuckDbCeiling"/>),
/// in the same rounds. Reported: bronze MB/s of each, the time ratio to the same SQL, the throughput ratio to the
/// ceiling (the issue's figure), and the peak RSS of the lakehouse processes.</item>
/// <item><c>spacex-second-run</c>: a run after a run with unchanged data, against the demo server: API calls made,
/// whether silver or gold were touched, and its duration.</item>
/// </list>
/// </summary>
internal static class SpaceXPipelineBenchmark
{
    private const int PageSize = 2000;

    public static async Task TransformModelAsync(double scale, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench", $"spacex-x{scale.ToString(CultureInfo.InvariantCulture)}");
        var lake = Path.Combine(work, "lake");
        var prepared = Path.Combine(work, "prepared");
        if (!File.Exists(prepared))
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            Console.WriteLine($"Generating and landing SpaceX data at scale {scale} (once; kept in {work})...");
            await LandGeneratedAsync(scale, lake);
            await File.WriteAllTextAsync(prepared, "ok");
        }

        var store = new FileSystemObjectStore(lake);
        var bronzeBytes = (await store.ListAllAsync("bronze/", CancellationToken.None)).Sum(o => o.Size);
        var launches = (await store.ListAllAsync("bronze/spacex/launches/", CancellationToken.None)).Sum(o => o.Size);
        Console.WriteLine($"spacex-transform-model: scale {scale}, bronze {bronzeBytes / 1e6:0.0} MB ({launches / 1e6:0.0} MB of launches), {runs} rounds, {Environment.ProcessorCount} cores");

        var config = Path.Combine(work, "bench-config.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Lakehouse": {
                "Storage": { "Kind": "FileSystem", "Root": "{{Json(lake)}}" },
                "Gold": { "DatabasePath": "{{Json(Path.Combine(work, "gold", "lakehouse.duckdb"))}}" },
                "Pipeline": { "WorkDirectory": "{{Json(Path.Combine(work, "tmp"))}}" },
                "Logging": { "Level": "Warning", "File": "{{Json(Path.Combine(work, "logs", "lakehouse-.jsonl"))}}" } } }
            """);

        Console.WriteLine($"  {DuckDbCeiling.Banner}");
        long peakRss = 0, ceilingBytes = 0;
        var contenders = new (string Name, Action Run)[]
        {
            ("lakehouse transform + model (processes)", () =>
            {
                ResetOurs(work, lake);
                peakRss = Math.Max(peakRss, Measure.RunCli(["transform", "--config", config]));
                peakRss = Math.Max(peakRss, Measure.RunCli(["model", "--config", config]));
            }),
            ("same SQL directly in DuckDB (in-process)", () => RunRawAsync(store, Path.Combine(work, "raw")).GetAwaiter().GetResult()),
            ("ceiling: DuckDB read_json -> Parquet", () => ceilingBytes = DuckDbCeiling.Run(lake, Path.Combine(work, "ceiling"))),
        };

        var times = contenders.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < runs; round++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                var watch = Stopwatch.StartNew();
                contenders[i].Run();
                times[i].Add(watch.Elapsed.TotalSeconds);
                Console.WriteLine($"  round {round + 1}: {contenders[i].Name} {watch.Elapsed.TotalSeconds:0.00} s");
            }
        }

        for (var i = 0; i < contenders.Length; i++)
        {
            var median = Measure.Median(times[i]);
            Console.WriteLine($"  {contenders[i].Name,-42} median {median:0.00} s = {bronzeBytes / 1e6 / median:0.0} MB/s of bronze (min {times[i].Min():0.00}, max {times[i].Max():0.00})");
        }

        var ratio = Measure.Median(times[0].Zip(times[1], (ours, raw) => ours / raw));
        var ceiling = Measure.Median(times[0].Zip(times[2], (ours, duckdb) => duckdb / ours));
        Console.WriteLine($"  ratio lakehouse / same SQL in DuckDB (time): {ratio:0.00}x (target <= 1.20x)");
        Console.WriteLine($"  throughput lakehouse / ceiling: {ceiling:0.00} (median of the rounds' ratios; target >= 0.60); the ceiling wrote {ceilingBytes / 1e6:0.0} MB of Parquet");
        Console.WriteLine($"  peak RSS of the lakehouse processes: {peakRss / 1048576.0:0} MiB (target < 1024 MiB)");
    }

    public static async Task SecondRunAsync(int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench", "second-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await SpaceXApiServer.StartAsync(SpaceXSampleGenerator.Generate(42, 1));
            var settings = new Dictionary<string, string?>
            {
                ["Lakehouse:Storage:Root"] = Path.Combine(work, "lake"),
                ["Lakehouse:Gold:DatabasePath"] = Path.Combine(work, "lake", "gold", "lakehouse.duckdb"),
                ["Lakehouse:Logging:Level"] = "Warning",
                ["Lakehouse:Logging:File"] = Path.Combine(work, "logs", "lakehouse-.jsonl"),
                ["Lakehouse:Sources:SpaceX:BaseUrl"] = server.BaseAddress.ToString(),
                ["Lakehouse:Sources:SpaceX:RequestsPerSecond"] = "1000",
            };
            var configuration = LakehouseConfiguration.Build(work, AppContext.BaseDirectory, new Dictionary<string, string>(), null, settings);
            await using var services = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
            var pipeline = services.GetRequiredService<LakehousePipeline>();
            var store = services.GetRequiredService<IObjectStore>();
            var first = await pipeline.RunAsync(RunRequest.All("benchmark"), CancellationToken.None);
            Console.WriteLine($"spacex-second-run: first run {first.Status}, {first.ApiCalls} API calls, {first.DurationMs} ms; then {runs} runs with unchanged data");

            var times = new List<double>();
            var calls = new List<long>();
            var untouched = true;
            for (var round = 0; round < runs; round++)
            {
                var silver = string.Join('\n', (await store.ListAllAsync("silver/", CancellationToken.None)).Select(o => $"{o.Key} {o.LastModified:O}"));
                var gold = File.GetLastWriteTimeUtc(settings["Lakehouse:Gold:DatabasePath"]!);
                var before = server.RequestCount;
                var watch = Stopwatch.StartNew();
                var run = await pipeline.RunAsync(RunRequest.All("benchmark"), CancellationToken.None);
                times.Add(watch.Elapsed.TotalMilliseconds);
                calls.Add(server.RequestCount - before);
                untouched &= run.EarlyExit
                    && silver == string.Join('\n', (await store.ListAllAsync("silver/", CancellationToken.None)).Select(o => $"{o.Key} {o.LastModified:O}"))
                    && gold == File.GetLastWriteTimeUtc(settings["Lakehouse:Gold:DatabasePath"]!);
            }

            Console.WriteLine($"  API calls per run: {string.Join(", ", calls.Distinct())} (target 1); silver and gold untouched: {(untouched ? "yes" : "NO")}");
            Console.WriteLine($"  duration: median {Measure.Median(times):0} ms (min {times.Min():0}, max {times.Max():0})");
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>Lands generated query pages through the real lander, as a run against the API would.</summary>
    private static async Task LandGeneratedAsync(double scale, string lake)
    {
        var generator = new SpaceXSampleGenerator(42, scale);
        var store = new FileSystemObjectStore(lake);
        var lander = new BronzeLander(store, new BronzeVerifier(store), NullLogger<BronzeLander>.Instance);
        var run = RunId.New(TimeProvider.System);
        foreach (var resource in SpaceXCatalog.ResourceNames)
        {
            var route = resource == SpaceXCatalog.Launches ? "v5/launches" : $"v4/{resource}";
            var pages = SpaceXQueryPage.Pages(generator.Elements(resource).Select(e => (ReadOnlyMemory<byte>)e), generator.Count(resource), PageSize);
            await lander.LandAsync(new DatasetName("spacex", resource), Partition.Whole, run, Exchanges(route, pages), new LandingOptions(AdvanceCursor: true, TimeProvider.System.GetUtcNow()), CancellationToken.None);
        }
    }

    private static async IAsyncEnumerable<SourceExchange> Exchanges(string route, IEnumerable<byte[]> pages, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var page = 0;
        foreach (var body in pages)
        {
            ct.ThrowIfCancellationRequested();
            page++;
            var query = System.Text.Encoding.UTF8.GetBytes($"{{\"options\":{{\"page\":{page},\"limit\":{PageSize}}}}}");
            yield return new SourceExchange(SourceResponse.Recorded($"POST /{route}/query", body, TimeProvider.System.GetUtcNow(), query));
            await Task.Yield();
        }
    }

    private static void ResetOurs(string work, string lake) => Measure.ResetSilverAndGold(work, lake);

    /// <summary>
    /// The baseline: the transform SQL over the same chunks of bronze, then the gold models' SQL in one transaction,
    /// straight into local files — no manifests, markers, copies into the lake, or data tests.
    /// </summary>
    private static async Task RunRawAsync(FileSystemObjectStore store, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var transform = new SilverTransform(BuiltInSources.Catalog.Silver);
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var dataset in BuiltInSources.Catalog.Silver.Datasets)
        {
            var name = DatasetName.Parse(dataset);
            var inputs = new List<BronzeInput>();
            long bytes = 0;
            var chunk = 0;
            var objects = await store.ListAllAsync($"bronze/{name.Source}/{name.Name}/", CancellationToken.None);
            foreach (var info in objects)
            {
                inputs.Add(new BronzeInput(store.LocalPathOf(info.Key)!, info.Key.Value, "raw", DateTimeOffset.UnixEpoch));
                bytes += info.Size;
                if (bytes >= new PipelineOptions().TransformChunkBytes || info == objects[^1])
                {
                    var folder = Path.Combine(output, "silver", dataset, (++chunk).ToString(CultureInfo.InvariantCulture));
                    Directory.CreateDirectory(folder);
                    foreach (var file in transform.Run(dataset, inputs, folder, CancellationToken.None).Files)
                    {
                        (files.TryGetValue(file.Table, out var list) ? list : files[file.Table] = []).Add(file.LocalPath);
                    }

                    inputs.Clear();
                    bytes = 0;
                }
            }
        }

        var gold = Path.Combine(output, "gold.duckdb");
        using var connection = DuckDbConnections.OpenFile(gold, readOnly: false);
        GoldInputs.Attach(
            connection,
            BuiltInSources.Catalog.Silver,
            BuiltInSources.Catalog.GoldMacros,
            files.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal),
            BuiltInSources.Catalog.Silver.AllSchemasSql(),
            [],
            "raw",
            DateTimeOffset.UnixEpoch);
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN; " + string.Concat(BuiltInSources.Catalog.Gold.Select(m => $"CREATE OR REPLACE TABLE {m.Name} AS {m.Sql};\n")) + "COMMIT;";
        command.ExecuteNonQuery();
    }

    private static string Json(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal);
}
