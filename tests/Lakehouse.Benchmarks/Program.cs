using System.Globalization;
using Lakehouse.Benchmarks;

// The benchmark command: prints the figures the issues ask for, as medians over several runs.
// Usage: dotnet run -c Release --project tests/Lakehouse.Benchmarks -- [query-csv] [--rows N] [--runs N (rounds, default 9)]
var benchmark = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "query-csv";
var rows = IntOption(args, "--rows", 1_000_000);
var runs = IntOption(args, "--runs", 9);

switch (benchmark)
{
    case "query-csv":
        await QueryCsvBenchmark.RunAsync(rows, runs);
        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown benchmark '{benchmark}'. Known: query-csv.");
        return 2;
}

static int IntOption(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
