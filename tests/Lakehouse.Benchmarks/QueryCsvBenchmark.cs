using System.Diagnostics;
using System.Security.Cryptography;
using Lakehouse.DuckDb;
using Lakehouse.Querying;

namespace Lakehouse.Benchmarks;

/// <summary>
/// <c>lakehouse query ... --format csv</c> of a table against DuckDB's own <c>COPY ... TO</c> csv of the same table.
/// The CLI runs as a whole process (start-up included, output to a file, as a user runs it) and in-process (the
/// streaming path alone); DuckDB's COPY runs in-process with all its threads, so the comparison favours DuckDB.
/// The contenders take turns within each round, so a noisy neighbour slows all of them alike; the figures are
/// medians over the rounds, and the ratio is the median of the rounds' ratios.
/// </summary>
internal static class QueryCsvBenchmark
{
    public static Task RunAsync(int rows, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var database = Path.Combine(work, "gold.duckdb");
            Console.WriteLine($"query-csv: {rows:N0} rows x 7 columns (BIGINT, VARCHAR, DOUBLE, DECIMAL(18,3), DATE, TIMESTAMP, BOOLEAN), {runs} rounds, {Environment.ProcessorCount} cores");
            CreateTable(database, rows);

            var copyCsv = Path.Combine(work, "copy.csv");
            var processCsv = Path.Combine(work, "process.csv");
            var inProcessCsv = Path.Combine(work, "in-process.csv");
            long peakRss = 0;
            var contenders = new (string Name, Action Run)[]
            {
                ("DuckDB COPY TO csv (in-process)", () => Copy(database, copyCsv)),
                ("lakehouse query --format csv", () => peakRss = Math.Max(peakRss, RunCli(database, processCsv))),
                ("GoldQuery csv path (in-process)", () => QueryInProcess(database, inProcessCsv)),
                ("reader alone, no formatting", () => ReadOnly(database)),
            };

            foreach (var (_, run) in contenders)
            {
                run(); // warm-up: file cache, JIT of the in-process paths
            }

            var times = contenders.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < runs; round++)
            {
                for (var i = 0; i < contenders.Length; i++)
                {
                    var watch = Stopwatch.StartNew();
                    contenders[i].Run();
                    times[i].Add(watch.Elapsed.TotalSeconds);
                }
            }

            for (var i = 0; i < contenders.Length; i++)
            {
                Console.WriteLine($"  {contenders[i].Name,-34} median {Measure.Median(times[i]):0.000} s  (min {times[i].Min():0.000}, max {times[i].Max():0.000})");
            }

            var processRatio = Measure.Median(times[1].Zip(times[0], (ours, duck) => ours / duck));
            var inProcessRatio = Measure.Median(times[2].Zip(times[0], (ours, duck) => ours / duck));
            Console.WriteLine($"  ratio lakehouse process / DuckDB COPY: {processRatio:0.00}x (target <= 2.0x)");
            Console.WriteLine($"  ratio in-process path / DuckDB COPY:   {inProcessRatio:0.00}x");
            Console.WriteLine($"  output: {new FileInfo(processCsv).Length / 1e6:0.0} MB, peak RSS of the lakehouse process {peakRss / 1048576.0:0} MiB, " +
                              $"identical to DuckDB's file: {(Hash(copyCsv) == Hash(processCsv) ? "yes" : "NO")}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static void CreateTable(string database, int rows)
    {
        using var connection = Open(database, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE t AS
            SELECT i AS id,
                   'launch ' || i || CASE WHEN i % 7 = 0 THEN ', with "quotes"' ELSE '' END AS name,
                   i * 1.5::DOUBLE AS mass_kg,
                   (i % 100000) * 0.001::DECIMAL(18,3) AS cost,
                   DATE '2000-01-01' + CAST(i % 9000 AS INTEGER) AS launched_on,
                   TIMESTAMP '2000-01-01 00:00:00' + INTERVAL (i) SECOND AS launched_at,
                   i % 3 = 0 AS success
            FROM range({rows}) r(i)
            """;
        command.ExecuteNonQuery();
    }

    private static void Copy(string database, string target)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY (SELECT * FROM t) TO '{target}' (FORMAT csv, HEADER)";
        command.ExecuteNonQuery();
    }

    private static void QueryInProcess(string database, string target)
    {
        using var output = File.Create(target);
        new GoldQuery(TimeProvider.System).RunAsync(database, "SELECT * FROM t", ResultFormat.Csv, output, new QueryOutputOptions(), CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    /// <summary>What reading alone costs: DuckDB's scan and the binding's chunk fetches, with no formatting.</summary>
    private static void ReadOnly(string database)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM t";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    private static DuckDbConnection Open(string database, bool readOnly = true)
    {
        var connection = new DuckDbConnection($"Data Source={database};Access Mode={(readOnly ? "read_only" : "read_write")}");
        connection.Open();
        return connection;
    }

    /// <summary>Runs the real CLI with stdout redirected to a file; returns its peak resident memory.</summary>
    private static long RunCli(string database, string outputFile) =>
        Measure.RunCli(["query", "SELECT * FROM t", "--format", "csv", "--db", database], outputFile);


    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
