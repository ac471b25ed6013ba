using System.Diagnostics;
using System.Text.Json;

namespace Lakehouse.Benchmarks;

/// <summary>
/// <c>gold-lake</c>: what publishing gold to the lake costs, and what restoring it saves, on the RAWG star (the
/// catalogue <c>rawg-transform-model</c> generates, transformed once), over a folder lake. Each round, as processes:
/// <list type="number">
/// <item><c>lakehouse model --rebuild</c> on a node with no gold: the build from silver, then the publish (Parquet
/// export by DuckDB, uploads, pointer). The product's own log gives the build's and the publish's times; the export
/// is set against the build itself.</item>
/// <item><c>lakehouse query</c> on a node with no gold: it restores the published build from the lake and answers
/// a count, against (1) as a whole: what an empty node pays to get gold either way.</item>
/// </list>
/// </summary>
internal static class GoldLakeBenchmark
{
    public static async Task RunAsync(int games, int runs)
    {
        var (work, lake, baseConfig) = await RawgPipelineBenchmark.PrepareAsync(games);
        var config = Path.Combine(work, "gold-lake-config.json");
        var logs = Path.Combine(work, "gold-lake-logs");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(baseConfig))
            .Replace("\"Level\": \"Warning\"", "\"Level\": \"Information\"", StringComparison.Ordinal)
            .Replace(Path.Combine(work, "logs"), logs, StringComparison.Ordinal));
        var gold = Path.Combine(work, "gold", "lakehouse.duckdb");

        Console.WriteLine($"gold-lake: {games:N0} RAWG games, {runs} interleaved rounds, {Environment.ProcessorCount} cores; transforming once...");
        RawgPipelineBenchmark.Reset(work, lake);
        if (Directory.Exists(Path.Combine(lake, "gold")))
        {
            Directory.Delete(Path.Combine(lake, "gold"), recursive: true);
        }

        RawgPipelineBenchmark.RunTransformProcess(config);

        var rebuilds = new List<double>();
        var builds = new List<double>();
        var exports = new List<double>();
        var publishes = new List<double>();
        var restores = new List<double>();
        long goldBytes = 0, parquetBytes = 0;
        for (var round = 0; round < runs; round++)
        {
            // 1. An empty node builds from silver and publishes.
            EmptyNode(gold, logs);
            var watch = Stopwatch.StartNew();
            Measure.RunCli(["model", "--rebuild", "--config", config]);
            rebuilds.Add(watch.Elapsed.TotalSeconds);
            var log = ReadLog(logs);
            builds.Add(log.BuildMs / 1000.0);
            exports.Add(log.ExportMs / 1000.0);
            publishes.Add(log.PublishMs / 1000.0);
            goldBytes = new FileInfo(gold).Length;
            parquetBytes = log.Bytes - goldBytes;

            // 2. An empty node restores that build for a query.
            EmptyNode(gold, logs);
            watch.Restart();
            Measure.RunCli(["query", "SELECT count(*) FROM fact_game", "--config", config]);
            restores.Add(watch.Elapsed.TotalSeconds);
            if (!File.Exists(gold))
            {
                throw new InvalidOperationException($"The query did not restore {gold}.");
            }

            Console.WriteLine(
                $"  round {round + 1}: model --rebuild {rebuilds[^1]:0.00} s (build {builds[^1]:0.00} s, publish {publishes[^1]:0.00} s of which " +
                $"Parquet export {exports[^1]:0.00} s); restore + query {restores[^1]:0.00} s");
        }

        Console.WriteLine($"  per build: gold file {goldBytes / 1e6:0.0} MB, Parquet (zstd) {parquetBytes / 1e6:0.0} MB");
        Console.WriteLine(
            $"  export / build: median {Measure.Median(exports.Zip(builds, (e, b) => e / b)):P0} (export {Measure.Median(exports):0.00} s, build {Measure.Median(builds):0.00} s); " +
            $"whole publish / build: {Measure.Median(publishes.Zip(builds, (p, b) => p / b)):P0} (publish {Measure.Median(publishes):0.00} s)");
        Console.WriteLine(
            $"  empty node, restore + query / model --rebuild: median {Measure.Median(restores.Zip(rebuilds, (r, b) => r / b)):P0} " +
            $"({Measure.Median(restores):0.00} s against {Measure.Median(rebuilds):0.00} s; process start-up in both)");
    }

    private static void EmptyNode(string gold, string logs)
    {
        foreach (var folder in new[] { Path.GetDirectoryName(gold)!, logs })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The build's and the publish's times as the product logged them (JSON lines).</summary>
    private static (double BuildMs, double ExportMs, double PublishMs, long Bytes) ReadLog(string logs)
    {
        double build = 0, export = 0, publish = 0;
        long bytes = 0;
        foreach (var line in Directory.GetFiles(logs).SelectMany(File.ReadLines))
        {
            using var entry = JsonDocument.Parse(line);
            var template = entry.RootElement.GetProperty("MessageTemplate").GetString()!;
            var properties = entry.RootElement.GetProperty("Properties");
            if (template.StartsWith("Gold built:", StringComparison.Ordinal))
            {
                build = properties.GetProperty("ElapsedMs").GetDouble();
            }
            else if (template.StartsWith("Published gold build", StringComparison.Ordinal))
            {
                export = properties.GetProperty("ExportMs").GetDouble();
                publish = properties.GetProperty("ElapsedMs").GetDouble();
                bytes = properties.GetProperty("Bytes").GetInt64();
            }
        }

        return build > 0 && publish > 0 ? (build, export, publish, bytes) : throw new InvalidOperationException($"The build's log in {logs} has no build or publish times.");
    }
}
