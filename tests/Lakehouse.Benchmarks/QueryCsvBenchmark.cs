using System.Diagnostics;
using System.Security.Cryptography;
using Apache.Arrow.Ipc;
using Lakehouse.DuckDb;
using Lakehouse.Querying;

namespace Lakehouse.Benchmarks;

/// <summary>
/// <c>lakehouse query "SELECT * FROM t"</c> of a table as a whole process, to csv, arrow and parquet, against
/// DuckDB's own <c>COPY ... TO</c> of the same table: csv against COPY to csv, arrow and parquet against COPY to
/// parquet. DuckDB's COPY runs both as a whole process (this program, opening the file read-only and running the
/// COPY: start-up paid as ours is) and in-process (no start-up at all, which favours DuckDB). The contenders take
/// turns within each round, so a noisy neighbour slows all of them alike; the figures are medians over the rounds,
/// and each ratio is the median of the rounds' ratios. The <c>lakehouse</c> measured is the published one, as it
/// ships (<c>dotnet publish -c Release</c>, ReadyToRun, as the Dockerfile builds it); the csv query is also run from
/// the build output (what <c>dotnet run</c> runs, JIT-compiled), for comparison.
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
            var published = Measure.PublishCli(Path.Combine(work, "cli"));

            string File(string name) => Path.Combine(work, name);
            var peakRss = new Dictionary<string, long>();
            void Cli(string name, string[] args, string? stdout = null, bool built = false) =>
                peakRss[name] = Math.Max(peakRss.GetValueOrDefault(name), Measure.RunCli([.. args, "--db", database], stdout, built ? null : published));
            var contenders = new (string Name, Action Run)[]
            {
                ("DuckDB COPY TO csv, process", () => CopyProcess(database, "csv", File("copy-process.csv"))),
                ("DuckDB COPY TO csv, in-process", () => Copy(database, "csv", File("copy.csv"))),
                ("lakehouse query --format csv", () => Cli("csv", ["query", "SELECT * FROM t", "--format", "csv"], File("query.csv"))),
                ("DuckDB COPY TO parquet, process", () => CopyProcess(database, "parquet", File("copy-process.parquet"))),
                ("DuckDB COPY TO parquet, in-process", () => Copy(database, "parquet", File("copy.parquet"))),
                ("lakehouse query --format arrow", () => Cli("arrow", ["query", "SELECT * FROM t", "--format", "arrow"], File("query.arrows"))),
                ("lakehouse query --format parquet", () => Cli("parquet", ["query", "SELECT * FROM t", "--format", "parquet", "--output", File("query.parquet")])),
                ("GoldQuery csv path, in-process", () => QueryInProcess(database, File("in-process.csv"))),
                ("lakehouse query --format csv, built", () => Cli("csv-built", ["query", "SELECT * FROM t", "--format", "csv"], File("query-built.csv"), built: true)),
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
                Console.WriteLine($"  {contenders[i].Name,-36} median {Measure.Median(times[i]):0.000} s  (min {times[i].Min():0.000}, max {times[i].Max():0.000})");
            }

            double Ratio(int ours, int reference) => Measure.Median(times[ours].Zip(times[reference], (a, b) => a / b));
            Console.WriteLine($"  csv:     query / COPY csv process {Ratio(2, 0):0.00}x (target <= 2.0x), / COPY csv in-process {Ratio(2, 1):0.00}x; in-process path / COPY in-process {Ratio(7, 1):0.00}x; built (not published) / COPY csv process {Ratio(8, 0):0.00}x");
            Console.WriteLine($"  arrow:   query / COPY parquet process {Ratio(5, 3):0.00}x, / COPY parquet in-process {Ratio(5, 4):0.00}x");
            Console.WriteLine($"  parquet: query / COPY parquet process {Ratio(6, 3):0.00}x, / COPY parquet in-process {Ratio(6, 4):0.00}x");
            Console.WriteLine($"  peak RSS of the lakehouse process: csv {peakRss["csv"] / 1048576.0:0} MiB, arrow {peakRss["arrow"] / 1048576.0:0} MiB, parquet {peakRss["parquet"] / 1048576.0:0} MiB");
            Console.WriteLine($"  csv {new FileInfo(File("query.csv")).Length / 1e6:0.0} MB, identical to DuckDB's file: {(Hash(File("copy.csv")) == Hash(File("query.csv")) && Hash(File("copy.csv")) == Hash(File("query-built.csv")) ? "yes" : "NO")}; " +
                              $"arrow {new FileInfo(File("query.arrows")).Length / 1e6:0.0} MB, {ArrowRows(File("query.arrows")):N0} rows; " +
                              $"parquet {new FileInfo(File("query.parquet")).Length / 1e6:0.0} MB, same rows as DuckDB's: {(SameParquetRows(File("copy.parquet"), File("query.parquet")) ? "yes" : "NO")}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>The reference as a process: this program's <c>duckdb-copy</c> mode (see <see cref="CopyChild"/>).</summary>
    public static void CopyChild(string database, string format, string target) => Copy(database, format, target);

    private static void CreateTable(string database, int rows)
    {
        using var connection = DuckDbConnections.OpenFile(database, readOnly: false);
        connection.Execute($"""
            CREATE TABLE t AS
            SELECT i AS id,
                   'launch ' || i || CASE WHEN i % 7 = 0 THEN ', with "quotes"' ELSE '' END AS name,
                   i * 1.5::DOUBLE AS mass_kg,
                   (i % 100000) * 0.001::DECIMAL(18,3) AS cost,
                   DATE '2000-01-01' + CAST(i % 9000 AS INTEGER) AS launched_on,
                   TIMESTAMP '2000-01-01 00:00:00' + INTERVAL (i) SECOND AS launched_at,
                   i % 3 = 0 AS success
            FROM range({rows}) r(i)
            """);
    }

    private static void Copy(string database, string format, string target)
    {
        using var connection = DuckDbConnections.OpenFile(database, readOnly: true);
        var options = format == "csv" ? "FORMAT csv, HEADER" : "FORMAT parquet, COMPRESSION zstd";
        connection.Execute($"COPY (SELECT * FROM t) TO '{target}' ({options})");
    }

    private static void CopyProcess(string database, string format, string target)
    {
        using var child = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Lakehouse.Benchmarks.dll"), "duckdb-copy", database, format, target },
            UseShellExecute = false,
        })!;
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"duckdb-copy exited {child.ExitCode}");
        }
    }

    private static void QueryInProcess(string database, string target)
    {
        using var output = System.IO.File.Create(target);
        new GoldQuery(TimeProvider.System).RunAsync(database, "SELECT * FROM t", ResultFormat.Csv, output, new QueryOutputOptions(), CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    private static long ArrowRows(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        using var reader = new ArrowStreamReader(stream);
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }

    private static bool SameParquetRows(string expected, string actual)
    {
        using var connection = DuckDbConnections.OpenInMemory();
        var differing = connection.Scalar(
            $"SELECT count(*) FROM ((FROM '{expected}' EXCEPT ALL FROM '{actual}') UNION ALL (FROM '{actual}' EXCEPT ALL FROM '{expected}'))");
        return differing is long count && count == 0;
    }

    private static string Hash(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
