using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lakehouse.Bronze;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Benchmarks;

/// <summary>
/// The NASA issue's two speed figures.
/// <list type="bullet">
/// <item><c>nasa-backfill</c>: <c>lakehouse backfill</c> of 10 years of NeoWs weeks (522 requests) as a process,
/// against the NASA replay server adding latency to every request, under a rate limit of 10 requests/s. The bound is
/// what the limit alone allows: (requests − burst) / rate. Reported: the whole command (land, transform, model) and
/// the landing alone (first to last request the server saw), each against the bound.</item>
/// <item><c>nasa-transform</c>: <c>lakehouse transform</c> then <c>lakehouse model</c> as processes over 10 years of
/// generated feed bodies (≈ 0.5 M close approaches) landed in one run, against the ceiling in the same rounds
/// (DuckDB's own read_json → Parquet of the same bronze, <see cref="DuckDbCeiling"/>). Reported: bronze MB/s of
/// each, the throughput ratio transform + model / ceiling (the figure), and peak RSS.</item>
/// </list>
/// </summary>
internal static class NasaPipelineBenchmark
{
    private static readonly DateOnly TenYearsFrom = new(2015, 1, 5); // a Monday

    public static async Task BackfillAsync(int weeks, int latencyMs, double rate, int concurrency, int runs)
    {
        var from = TenYearsFrom;
        var to = from.AddDays((7 * weeks) - 1);
        var bound = TimeSpan.FromSeconds((weeks - 1) / rate);
        Console.WriteLine($"nasa-backfill: {weeks} weeks {Text(from)}..{Text(to)}, {latencyMs} ms latency, {rate} requests/s (burst 1), concurrency {concurrency}, {runs} rounds; rate-limit bound {bound.TotalSeconds:0.0} s");

        // The child process reads the key from the environment; the replay server accepts any key.
        Environment.SetEnvironmentVariable("NASA_API_KEY", "benchmark-key-0000000000000000000000000000");
        var totals = new List<double>();
        var landings = new List<double>();
        for (var round = 1; round <= runs; round++)
        {
            var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench", $"nasa-backfill-{round}");
            Reset(work);
            await using var server = await NasaApiServer.StartAsync(
                NasaCatalog.Generated(new NasaSampleGenerator(round)), new NasaApiServerOptions { Latency = TimeSpan.FromMilliseconds(latencyMs) });
            var config = await WriteConfigAsync(work, new Dictionary<string, string>
            {
                ["BaseUrl"] = server.BaseAddress.ToString(),
                ["RequestsPerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
                ["Burst"] = "1",
            });

            var startedAt = TimeProvider.System.GetUtcNow();
            var clock = Stopwatch.StartNew();
            var peak = Measure.RunCli(["backfill", "--source", "nasa", "--dataset", "neo_feed", "--from", Text(from), "--to", Text(to), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--config", config]);
            var total = clock.Elapsed.TotalSeconds;
            var requests = server.Requests;
            var landing = (requests[^1].ReceivedAt - requests[0].ReceivedAt).TotalSeconds + (latencyMs / 1000.0);
            totals.Add(total);
            landings.Add(landing);

            // Where the rest goes: before the first request reaches the server (start-up, plan, leases), and after the
            // last one is answered (what is left to transform, the model, exit).
            var before = (requests[0].ReceivedAt - startedAt).TotalSeconds;
            var after = total - before - landing;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: {requests.Count} requests; whole command {total:0.0} s ({total / bound.TotalSeconds:0.000}× the bound), landing {landing:0.0} s ({landing / bound.TotalSeconds:0.000}×); before the first request {before:0.0} s, after the last answer {after:0.0} s; peak RSS {peak / 1048576.0:0} MiB"));
            Reset(work);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median: whole command {Measure.Median(totals):0.0} s = {Measure.Median(totals) / bound.TotalSeconds:0.000}× the bound (target ≤ 1.05×); landing {Measure.Median(landings):0.0} s = {Measure.Median(landings) / bound.TotalSeconds:0.000}×"));
    }

    public static async Task TransformAsync(int weeks, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench", $"nasa-transform-{weeks}w");
        var lake = Path.Combine(work, "lake");
        var prepared = Path.Combine(work, "prepared");
        if (!File.Exists(prepared))
        {
            Reset(work);
            Console.WriteLine($"Generating and landing {weeks} weeks of NeoWs feed (once; kept in {work})...");
            await LandGeneratedAsync(lake, TenYearsFrom, TenYearsFrom.AddDays((7 * weeks) - 1));
            await File.WriteAllTextAsync(prepared, "ok");
        }

        var store = new FileSystemObjectStore(lake);
        var bronzeBytes = (await store.ListAllAsync("bronze/", CancellationToken.None)).Sum(o => o.Size);
        var config = await WriteConfigAsync(work, new Dictionary<string, string>());
        Console.WriteLine($"nasa-transform: {weeks} weeks, bronze {bronzeBytes / 1e6:0.0} MB, {runs} rounds, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {DuckDbCeiling.Banner}");
        var transforms = new List<double>();
        var models = new List<double>();
        var ceilings = new List<double>();
        long peak = 0, ceilingBytes = 0;
        for (var round = 1; round <= runs; round++)
        {
            Measure.ResetSilverAndGold(work, lake);

            var clock = Stopwatch.StartNew();
            peak = Math.Max(peak, Measure.RunCli(["transform", "--config", config]));
            transforms.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            peak = Math.Max(peak, Measure.RunCli(["model", "--config", config]));
            models.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            ceilingBytes = DuckDbCeiling.Run(lake, Path.Combine(work, "ceiling"));
            ceilings.Add(clock.Elapsed.TotalSeconds);
            var together = transforms[^1] + models[^1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: transform {transforms[^1]:0.0} s ({bronzeBytes / 1e6 / transforms[^1]:0.0} MB/s), model {models[^1]:0.0} s, together {bronzeBytes / 1e6 / together:0.0} MB/s; ceiling {ceilings[^1]:0.0} s ({bronzeBytes / 1e6 / ceilings[^1]:0.0} MB/s) = {ceilings[^1] / together:0.00}"));
        }

        var median = Measure.Median(transforms);
        var both = Measure.Median(transforms.Zip(models, (t, m) => t + m));
        var ceiling = Measure.Median(ceilings);
        var ratio = Measure.Median(transforms.Zip(models, ceilings).Select(r => r.Third / (r.First + r.Second)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median: transform {median:0.0} s = {bronzeBytes / 1e6 / median:0.0} MB/s; with model {both:0.0} s = {bronzeBytes / 1e6 / both:0.0} MB/s; ceiling {ceiling:0.0} s = {bronzeBytes / 1e6 / ceiling:0.0} MB/s (wrote {ceilingBytes / 1e6:0.0} MB of Parquet)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  throughput transform + model / ceiling: {ratio:0.00} (median of the rounds' ratios; target >= 0.60); peak RSS {peak / 1048576.0:0} MiB (target < 1 GiB)"));
    }

    /// <summary>Lands generated weekly feeds through the real lander, as one backfill run would.</summary>
    private static async Task LandGeneratedAsync(string lake, DateOnly from, DateOnly to)
    {
        // ~130-145 objects a day: 10 years make about half a million close approaches, as the issue has it.
        var generator = new NasaSampleGenerator(42, 130, 145);
        var store = new FileSystemObjectStore(lake);
        var lander = new BronzeLander(store, new BronzeVerifier(store), NullLogger<BronzeLander>.Instance);
        var run = RunId.New(TimeProvider.System);
        var dataset = new DatasetName("nasa", "neo_feed");
        foreach (var (week, body) in generator.FeedWeeks(from, to, SecretRedactor.Marker))
        {
            await lander.LandAsync(dataset, week, run, One(week, body), new LandingOptions(AdvanceCursor: false, TimeProvider.System.GetUtcNow()), CancellationToken.None);
        }
    }

    private static async IAsyncEnumerable<SourceExchange> One(Partition week, byte[] body, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        yield return new SourceExchange(SourceResponse.Recorded(
            $"GET /neo/rest/v1/feed?start_date={Text(week.Start!.Value)}&end_date={Text(week.End!.Value)}", body, TimeProvider.System.GetUtcNow()));
        await Task.Yield();
    }

    private static async Task<string> WriteConfigAsync(string work, Dictionary<string, string> nasa)
    {
        Directory.CreateDirectory(work);
        var config = Path.Combine(work, "bench-config.json");
        var nasaJson = string.Join(", ", nasa.Select(p => $"\"{p.Key}\": \"{Json(p.Value)}\""));
        await File.WriteAllTextAsync(config, $$"""
            { "Lakehouse": {
                "Storage": { "Kind": "FileSystem", "Root": "{{Json(Path.Combine(work, "lake"))}}" },
                "Gold": { "DatabasePath": "{{Json(Path.Combine(work, "gold", "lakehouse.duckdb"))}}" },
                "Pipeline": { "WorkDirectory": "{{Json(Path.Combine(work, "tmp"))}}" },
                "Sources": { "Nasa": { {{nasaJson}} } },
                "Logging": { "Level": "Warning", "File": "{{Json(Path.Combine(work, "logs", "lakehouse-.jsonl"))}}" } } }
            """);
        return config;
    }

    private static void Reset(string work)
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Json(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
