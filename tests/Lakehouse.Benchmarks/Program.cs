using System.Globalization;
using Lakehouse.Benchmarks;

// The benchmark command: prints the figures the issues ask for, as medians over several runs.
// Usage: dotnet run -c Release --project tests/Lakehouse.Benchmarks -- BENCHMARK [options]
//   query-csv [--rows N] [--runs N (rounds, default 9)]   (csv, arrow and parquet against DuckDB's COPY)
//   spacex-transform-model [--scale X (default 1000)] [--runs N (default 3)]
//   spacex-second-run [--runs N (default 9)]
//   rawg-transform-model [--games N (default 800000)] [--runs N (default 3)]
//   rawg-incremental-model [--games N (default 800000)] [--runs N (default 5)]
//   nasa-backfill [--weeks 522] [--latency-ms 200] [--rps 10] [--concurrency 4] [--runs N (default 3)]
//   nasa-transform [--weeks 522] [--runs N (default 3)]
//   s3-store [--objects 1000] [--keys 10000] [--runs N (default 5)]
//   gold-lake [--games N (default 800000)] [--runs N (default 3)]   (publish and restore of the RAWG star)
var benchmark = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "query-csv";
var rows = IntOption(args, "--rows", 1_000_000);
var runs = IntOption(args, "--runs", 9);

switch (benchmark)
{
    case "query-csv":
        await QueryCsvBenchmark.RunAsync(rows, runs);
        return 0;
    case "spacex-transform-model":
        await SpaceXPipelineBenchmark.TransformModelAsync(DoubleOption(args, "--scale", 1000), IntOption(args, "--runs", 3));
        return 0;
    case "spacex-second-run":
        await SpaceXPipelineBenchmark.SecondRunAsync(IntOption(args, "--runs", 9));
        return 0;
    case "rawg-transform-model":
        await RawgPipelineBenchmark.TransformModelAsync(IntOption(args, "--games", 800_000), IntOption(args, "--runs", 3));
        return 0;
    case "rawg-incremental-model":
        await RawgPipelineBenchmark.IncrementalModelAsync(IntOption(args, "--games", 800_000), IntOption(args, "--runs", 5));
        return 0;
    case "nasa-backfill":
        await NasaPipelineBenchmark.BackfillAsync(
            IntOption(args, "--weeks", 522), IntOption(args, "--latency-ms", 200), DoubleOption(args, "--rps", 10), IntOption(args, "--concurrency", 4), IntOption(args, "--runs", 3));
        return 0;
    case "nasa-transform":
        await NasaPipelineBenchmark.TransformAsync(IntOption(args, "--weeks", 522), IntOption(args, "--runs", 3));
        return 0;
    case "duckdb-copy":
        QueryCsvBenchmark.CopyChild(args[1], args[2], args[3]);
        return 0;
    case "s3-store":
        await S3StoreBenchmark.RunAsync(IntOption(args, "--objects", 1000), IntOption(args, "--keys", 10_000), IntOption(args, "--runs", 5));
        return 0;
    case "gold-lake":
        await GoldLakeBenchmark.RunAsync(IntOption(args, "--games", 800_000), IntOption(args, "--runs", 3));
        return 0;
    case "rawg-transform-child":
        await RawgPipelineBenchmark.TransformChildAsync(args[Array.IndexOf(args, "--config") + 1]);
        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown benchmark '{benchmark}'. Known: query-csv, spacex-transform-model, spacex-second-run, rawg-transform-model, rawg-incremental-model, nasa-backfill, nasa-transform, s3-store, gold-lake.");
        return 2;
}

static int IntOption(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static double DoubleOption(string[] args, string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
