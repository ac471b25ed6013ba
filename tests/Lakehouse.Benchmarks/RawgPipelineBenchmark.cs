using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lakehouse.Benchmarks;

/// <summary>
/// The RAWG issue's two speed figures, over a generated catalogue (pages of 40 games varied from the recorded page 1:
/// ids, names, updated, and genres/platforms/stores/tags drawn from the games' own nested catalogues).
/// <list type="bullet">
/// <item><c>rawg-transform-model</c>: transform then model of the whole catalogue, each as its own process over a
/// folder lake: MB/s of bronze and peak RSS, against the ceiling in the same rounds (DuckDB's own read_json → Parquet
/// of the same bronze, <see cref="DuckDbCeiling"/>). The model is <c>lakehouse model</c>; the transform runs the same
/// <c>SilverStage</c> the CLI's <c>transform</c> runs, in a child process of this benchmark.</item>
/// <item><c>rawg-incremental-model</c>: the published <c>lakehouse</c> (as it ships), <c>model --rebuild</c> of the
/// catalogue against <c>model</c> after 1% of the games changed (a landing of those games with a newer updated,
/// transformed), each round starting from the base gold put back locally and in the lake (pointer and published
/// build: else the model would restore the lake's newer build rather than build); <c>model</c> again on the unchanged
/// lake is the floor; one more full and incremental build each log at Debug, and their steps are printed.</item>
/// </list>
/// </summary>
internal static class RawgPipelineBenchmark
{
    private const int PageSize = 40;

    public static async Task TransformModelAsync(int games, int runs)
    {
        var (work, lake, config) = await PrepareAsync(games);
        var bronzeBytes = (await new FileSystemObjectStore(lake).ListAllAsync("bronze/rawg/", CancellationToken.None)).Sum(o => o.Size);
        Console.WriteLine($"rawg-transform-model: {games:N0} games, bronze {bronzeBytes / 1e6:0.0} MB, {runs} rounds, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  {DuckDbCeiling.Banner}");
        var transformTimes = new List<double>();
        var modelTimes = new List<double>();
        var ceilingTimes = new List<double>();
        long transformRss = 0, modelRss = 0, ceilingBytes = 0;
        for (var round = 0; round < runs; round++)
        {
            Reset(work, lake);
            var watch = Stopwatch.StartNew();
            transformRss = Math.Max(transformRss, RunTransformProcess(config));
            transformTimes.Add(watch.Elapsed.TotalSeconds);
            watch.Restart();
            modelRss = Math.Max(modelRss, Measure.RunCli(["model", "--config", config]));
            modelTimes.Add(watch.Elapsed.TotalSeconds);
            watch.Restart();
            ceilingBytes = DuckDbCeiling.Run(lake, Path.Combine(work, "ceiling"));
            ceilingTimes.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: transform {transformTimes[^1]:0.00} s, model {modelTimes[^1]:0.00} s; ceiling {ceilingTimes[^1]:0.00} s");
        }

        var total = Measure.Median(transformTimes.Zip(modelTimes, (t, m) => t + m));
        var ceiling = Measure.Median(ceilingTimes);
        var ratio = Measure.Median(transformTimes.Zip(modelTimes, ceilingTimes).Select(r => r.Third / (r.First + r.Second)));
        Console.WriteLine($"  transform median {Measure.Median(transformTimes):0.00} s, model median {Measure.Median(modelTimes):0.00} s");
        Console.WriteLine($"  transform + model: median {total:0.00} s = {bronzeBytes / 1e6 / total:0.0} MB/s of bronze; ceiling {ceiling:0.00} s = {bronzeBytes / 1e6 / ceiling:0.0} MB/s (wrote {ceilingBytes / 1e6:0.0} MB of Parquet)");
        Console.WriteLine($"  throughput transform + model / ceiling: {ratio:0.00} (median of the rounds' ratios; target >= 0.60)");
        Console.WriteLine($"  peak RSS: transform {transformRss / 1048576.0:0} MiB, model {modelRss / 1048576.0:0} MiB (target < 2048 MiB)");
    }

    public static async Task IncrementalModelAsync(int games, int runs)
    {
        // A lake of its own, kept between invocations like the others (generating 800k games takes long): the first
        // invocation lands the catalogue, builds gold (the base), keeps that gold and the lake's published build aside,
        // then lands and transforms the change. Every round starts from the base again.
        var (work, lake, config) = await PrepareAsync(games, "incremental");
        var changedMarker = Path.Combine(work, "changed");
        var baseState = Path.Combine(work, "base");
        var changed = Math.Max(1, games / 100);
        var cli = Measure.PublishCli(Path.Combine(work, "cli"));
        if (!File.Exists(changedMarker))
        {
            Console.WriteLine("Transforming and modelling the catalogue (the base gold), then landing and transforming the change (once)...");
            Reset(work, lake);
            RunTransformProcess(config);
            Measure.RunCli(["model", "--config", config], cli: cli);
            Save(work, lake, baseState);

            // 1% of the games change: landed again with a newer updated, then transformed.
            await LandAsync(lake, games, changed, seed: 7);
            RunTransformProcess(config);
            await File.WriteAllTextAsync(changedMarker, "ok");
        }

        var profileConfig = Path.Combine(work, "profile-config.json");
        var profileLog = Path.Combine(work, "profile-logs");
        await File.WriteAllTextAsync(profileConfig, (await File.ReadAllTextAsync(config))
            .Replace("\"Warning\"", "\"Debug\"", StringComparison.Ordinal)
            .Replace(Path.Combine(work, "logs"), profileLog, StringComparison.Ordinal));
        Console.WriteLine($"rawg-incremental-model: {games:N0} games, {changed:N0} changed (1%), {runs} rounds, {Environment.ProcessorCount} cores; the published lakehouse (Release, ReadyToRun), each step a process");
        Console.WriteLine("  full = model --rebuild; incremental = model after the change, from the base gold (local and published); unchanged = model again right after (gold current: the floor of start-up, pointer and silver commits)");

        var full = new List<double>();
        var incremental = new List<double>();
        var unchanged = new List<double>();
        long fullRss = 0, incrementalRss = 0;
        for (var round = 0; round < runs; round++)
        {
            Restore(baseState, work, lake);
            var watch = Stopwatch.StartNew();
            fullRss = Math.Max(fullRss, Measure.RunCli(["model", "--rebuild", "--config", config], cli: cli));
            full.Add(watch.Elapsed.TotalSeconds);

            Restore(baseState, work, lake);
            watch.Restart();
            incrementalRss = Math.Max(incrementalRss, Measure.RunCli(["model", "--config", config], cli: cli));
            incremental.Add(watch.Elapsed.TotalSeconds);

            watch.Restart();
            Measure.RunCli(["model", "--config", config], cli: cli);
            unchanged.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: full {full[^1]:0.00} s, incremental {incremental[^1]:0.00} s ({incremental[^1] / full[^1]:P1}), unchanged {unchanged[^1]:0.00} s");
        }

        // Where the time goes: one more of each, logging the gold steps at Debug.
        Console.WriteLine("  profile (one more full and one more incremental build, logging at Debug; seconds from the process's start):");
        foreach (var (name, args) in new[] { ("full", new[] { "model", "--rebuild" }), ("incremental", new[] { "model" }) })
        {
            Restore(baseState, work, lake);
            if (Directory.Exists(profileLog))
            {
                Directory.Delete(profileLog, recursive: true);
            }

            var startedAt = TimeProvider.System.GetUtcNow();
            var profiled = Stopwatch.StartNew();
            Measure.RunCli([.. args, "--config", profileConfig], cli: cli);
            Console.WriteLine($"    {name,-11} {Profile(profileLog, startedAt, profiled.Elapsed.TotalSeconds)}");
        }

        var ratio = Measure.Median(incremental.Zip(full, (i, f) => i / f));
        Console.WriteLine($"  full median {Measure.Median(full):0.00} s, incremental median {Measure.Median(incremental):0.00} s, unchanged (floor) median {Measure.Median(unchanged):0.00} s");
        Console.WriteLine($"  incremental / full: median {ratio:P1} (target <= 10%); floor / full {Measure.Median(unchanged.Zip(full, (u, f) => u / f)):P1}");
        Console.WriteLine($"  peak RSS: full {fullRss / 1048576.0:0} MiB, incremental {incrementalRss / 1048576.0:0} MiB (target < 2048 MiB)");
    }

    /// <summary>Keeps the base aside: the local gold and the lake's published gold (pointer and build).</summary>
    private static void Save(string work, string lake, string baseState)
    {
        if (Directory.Exists(baseState))
        {
            Directory.Delete(baseState, recursive: true);
        }

        CopyFolder(Path.Combine(work, "gold"), Path.Combine(baseState, "local"));
        CopyFolder(Path.Combine(lake, "gold"), Path.Combine(baseState, "lake"));
    }

    /// <summary>Puts the base back: the gold as the base build left it, locally and in the lake.</summary>
    private static void Restore(string baseState, string work, string lake)
    {
        foreach (var folder in new[] { Path.Combine(work, "gold"), Path.Combine(lake, "gold"), Path.Combine(work, "tmp") })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        CopyFolder(Path.Combine(baseState, "local"), Path.Combine(work, "gold"));
        CopyFolder(Path.Combine(baseState, "lake"), Path.Combine(lake, "gold"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// One build's steps from its Debug log: start-up until the gold lease is taken; until the build starts (the
    /// lake's pointer, silver commits, run records); the build's own steps; the Parquet export and the uploads; and
    /// what is left until the process exits (switch, pruning the old build, exit).
    /// </summary>
    private static string Profile(string logFolder, DateTimeOffset startedAt, double total)
    {
        var entries = Directory.EnumerateFiles(logFolder)
            .SelectMany(File.ReadLines)
            .Select(line => JsonNode.Parse(line)!)
            .Select(e => (At: (DateTimeOffset.Parse(e["Timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture) - startedAt).TotalSeconds,
                Template: e["MessageTemplate"]!.GetValue<string>(), Properties: e["Properties"]!.AsObject()))
            .ToList();
        double At(string start) => entries.FirstOrDefault(e => e.Template.StartsWith(start, StringComparison.Ordinal)).At;
        double Ms(string start, string property = "ElapsedMs") =>
            entries.Where(e => e.Template.StartsWith(start, StringComparison.Ordinal)).Sum(e => e.Properties[property]!.GetValue<double>()) / 1000;
        double Step(string step) => entries
            .Where(e => e.Template == "Gold {Step} took {ElapsedMs} ms" && e.Properties["Step"]?.GetValue<string>() == step)
            .Sum(e => e.Properties["ElapsedMs"]!.GetValue<double>()) / 1000;
        var lease = At("Lease {Lease} taken");
        var building = At("Building gold in");
        var exporting = At("Exporting gold build");
        var published = At("Published gold build");
        var export = Ms("Published gold build", "ExportMs");
        var upload = Ms("Published gold build") - export;
        return string.Create(CultureInfo.InvariantCulture,
            $"{total:0.00} s: start-up to the gold lease {lease:0.00}; pointer, silver commits, run records {building - lease:0.00}; " +
            $"build {exporting - building:0.00} (copy {Step("copy"):0.00}, attach {Step("attach"):0.00}, " +
            $"models {Ms("Gold model"):0.00}, tests {Ms("Gold ran"):0.00}, commit {Step("commit") + Step("checkpoint"):0.00}); " +
            $"Parquet export {export:0.00}; uploads {upload:0.00}; then to exit {total - published:0.00}");
    }

    /// <summary>The child process's part: the silver stage over every RAWG dataset, as <c>lakehouse transform</c> runs it.</summary>
    public static async Task TransformChildAsync(string config)
    {
        var configuration = LakehouseConfiguration.Build(
            Path.GetDirectoryName(config)!, AppContext.BaseDirectory, new Dictionary<string, string>(), config, new Dictionary<string, string?>());
        await using var services = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        var silver = services.GetRequiredService<SilverStage>();
        foreach (var dataset in BuiltInSources.Catalog.Silver.Datasets.Where(d => d.StartsWith("rawg.", StringComparison.Ordinal)))
        {
            await silver.TransformAsync(DatasetName.Parse(dataset), rebuild: false, CancellationToken.None);
        }
    }

    internal static long RunTransformProcess(string config)
    {
        var benchmark = Path.Combine(AppContext.BaseDirectory, "Lakehouse.Benchmarks.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet") { ArgumentList = { benchmark, "rawg-transform-child", "--config", config }, UseShellExecute = false })!;
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, Measure.PeakRss(process.Id));
        }

        return process.ExitCode == 0 ? peak : throw new InvalidOperationException($"The transform process exited {process.ExitCode}.");
    }

    internal static async Task<(string Work, string Lake, string Config)> PrepareAsync(int games, string kind = "full", bool keep = true)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench", $"rawg-{kind}-{games}");
        var lake = Path.Combine(work, "lake");
        var prepared = Path.Combine(work, "prepared");
        var config = Path.Combine(work, "bench-config.json");
        if (!keep || !File.Exists(prepared))
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            Console.WriteLine($"Generating and landing {games:N0} RAWG games{(keep ? $" (once; kept in {work})" : string.Empty)}...");
            await LandAsync(lake, games, games, seed: 42);
            await File.WriteAllTextAsync(prepared, "ok");
        }

        await File.WriteAllTextAsync(config, $$"""
            { "Lakehouse": {
                "Storage": { "Kind": "FileSystem", "Root": "{{lake}}" },
                "Gold": { "DatabasePath": "{{Path.Combine(work, "gold", "lakehouse.duckdb")}}" },
                "Pipeline": { "WorkDirectory": "{{Path.Combine(work, "tmp")}}" },
                "Logging": { "Level": "Warning", "File": "{{Path.Combine(work, "logs", "lakehouse-.jsonl")}}" } } }
            """);
        return (work, lake, config);
    }

    internal static void Reset(string work, string lake) => Measure.ResetSilverAndGold(work, lake);

    /// <summary>Lands <paramref name="count"/> of the catalogue's <paramref name="games"/> games (all of them, or a random sample) through the real lander.</summary>
    private static async Task LandAsync(string lake, int games, int count, int seed)
    {
        var writer = new RawgPageWriter(seed);
        var random = new Random(seed);
        var ids = count == games ? Enumerable.Range(1, games) : Enumerable.Range(0, count).Select(_ => random.Next(1, games + 1)).Distinct();
        var store = new FileSystemObjectStore(lake);
        var lander = new BronzeLander(store, new BronzeVerifier(store), NullLogger<BronzeLander>.Instance);
        var run = RunId.New(TimeProvider.System);
        var pages = ids.Chunk(PageSize).Select((chunk, i) => (Page: i + 1, Body: writer.Page(chunk, count, i + 1, revision: count == games ? 0 : 1)));
        await lander.LandAsync(
            new DatasetName("rawg", "games"), Partition.Whole, run, Exchanges(pages), new LandingOptions(AdvanceCursor: false, TimeProvider.System.GetUtcNow()), CancellationToken.None);
    }

    private static async IAsyncEnumerable<SourceExchange> Exchanges(IEnumerable<(int Page, byte[] Body)> pages, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var (page, body) in pages)
        {
            ct.ThrowIfCancellationRequested();
            yield return new SourceExchange(SourceResponse.Recorded($"GET /games?page={page}&page_size={PageSize}", body, TimeProvider.System.GetUtcNow()));
            await Task.Yield();
        }
    }
}

/// <summary>
/// Pages of generated games shaped like the recorded page 1: each game is a recorded one with a new id, name, slug
/// and updated, and with genres, platforms, stores and tags drawn from those the recorded games carry.
/// </summary>
internal sealed class RawgPageWriter
{
    private static readonly string[] Regenerated = ["id", "slug", "name", "updated", "genres", "platforms", "stores", "tags"];
    private readonly Random random;
    private readonly string[] templates;
    private readonly string[] genres;
    private readonly string[] platforms;
    private readonly string[] stores;
    private readonly string[] tags;

    public RawgPageWriter(int seed)
    {
        random = new Random(seed);
        var fixture = Path.Combine(Measure.RepositoryRoot(), "..", "shared", "fixtures", "rawg", "games-page1.json");
        var recorded = JsonNode.Parse(File.ReadAllText(fixture))!["results"]!.AsArray().Select(g => g!.AsObject()).ToList();
        genres = Distinct(recorded.SelectMany(g => g["genres"]!.AsArray()));
        platforms = Distinct(recorded.SelectMany(g => g["platforms"]!.AsArray()));
        stores = Distinct(recorded.SelectMany(g => g["stores"]!.AsArray()));
        tags = Distinct(recorded.SelectMany(g => g["tags"]!.AsArray()));

        // Each template is a recorded game without the members every game gets anew, as "member": value text.
        templates = [.. recorded.Select(g =>
        {
            var copy = g.DeepClone().AsObject();
            foreach (var member in Regenerated)
            {
                copy.Remove(member);
            }

            var text = copy.ToJsonString();
            return text[1..^1];
        })];
    }

    public byte[] Page(IReadOnlyList<int> ids, int count, int page, int revision)
    {
        var body = new StringBuilder(ids.Count * 12_000);
        body.Append(CultureInfo.InvariantCulture, $"{{\"count\":{count},\"next\":\"https://api.rawg.io/api/games?key=REDACTED&page={page + 1}\",\"previous\":null,\"results\":[");
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var updated = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds((id * 37L % 20_000_000) + (revision * 30_000_000L));
            body.Append(i == 0 ? "{" : ",{")
                .Append(CultureInfo.InvariantCulture, $"\"id\":{id},\"slug\":\"game-{id}\",\"name\":\"Game {id} r{revision}\",\"updated\":\"{updated:yyyy-MM-dd'T'HH:mm:ss}\",")
                .Append("\"genres\":").Append(Draw(genres, 1, 3))
                .Append(",\"platforms\":").Append(Draw(platforms, 1, 7))
                .Append(",\"stores\":").Append(Draw(stores, 1, 5))
                .Append(",\"tags\":").Append(Draw(tags, 5, 25))
                .Append(',').Append(templates[random.Next(templates.Length)]).Append('}');
        }

        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    private string Draw(string[] pool, int min, int max)
    {
        var count = random.Next(min, max + 1);
        var start = random.Next(pool.Length);
        return "[" + string.Join(',', Enumerable.Range(0, Math.Min(count, pool.Length)).Select(i => pool[(start + i) % pool.Length])) + "]";
    }

    private static string[] Distinct(IEnumerable<JsonNode?> nodes) =>
        [.. nodes.Select(n => n!.ToJsonString()).Distinct(StringComparer.Ordinal)];
}
