using System.Diagnostics;
using System.Globalization;
using Lakehouse.DuckDb;
using Lakehouse.Querying;

namespace Lakehouse.Benchmarks;

/// <summary>
/// <c>lakehouse query ... --format csv</c> of a table against DuckDB's own <c>COPY ... TO</c> csv of the same table.
/// The CLI is measured as a whole process (start-up included, output to a file, as a user runs it) and in-process
/// (the streaming path alone); DuckDB's COPY runs in-process, with all its threads.
/// </summary>
internal static class QueryCsvBenchmark
{
    public static async Task RunAsync(int rows, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "lakehouse-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var database = Path.Combine(work, "gold.duckdb");
            Console.WriteLine($"query-csv: {rows:N0} rows x 7 columns (BIGINT, VARCHAR, DOUBLE, DECIMAL(18,3), DATE, TIMESTAMP, BOOLEAN), {runs} runs each, {Environment.ProcessorCount} cores");
            CreateTable(database, rows);

            var copyCsv = Path.Combine(work, "copy.csv");
            var copy = Measure(runs, () =>
            {
                using var connection = Open(database);
                using var command = connection.CreateCommand();
                command.CommandText = $"COPY (SELECT * FROM t) TO '{copyCsv}' (FORMAT csv, HEADER)";
                command.ExecuteNonQuery();
            });

            var inProcessCsv = Path.Combine(work, "in-process.csv");
            var inProcess = Measure(runs, () =>
            {
                using var output = File.Create(inProcessCsv);
                new GoldQuery(TimeProvider.System).RunAsync(database, "SELECT * FROM t", ResultFormat.Csv, output, new QueryOutputOptions(), CancellationToken.None)
                    .GetAwaiter().GetResult();
            });

            // What reading alone costs: DuckDB's scan and the binding's chunk fetches, with no formatting.
            var readOnly = Measure(runs, () =>
            {
                using var connection = Open(database);
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT * FROM t";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                }
            });

            var processCsv = Path.Combine(work, "process.csv");
            long peakRss = 0;
            var process = Measure(runs, () => peakRss = Math.Max(peakRss, RunCli(database, processCsv)));

            var copyLines = CountLines(copyCsv);
            var ourLines = CountLines(processCsv);
            Console.WriteLine($"  DuckDB COPY TO csv (in-process)     median {copy.TotalSeconds:0.000} s   ({new FileInfo(copyCsv).Length / 1e6:0.0} MB, {copyLines:N0} lines)");
            Console.WriteLine($"  lakehouse query --format csv        median {process.TotalSeconds:0.000} s   ({new FileInfo(processCsv).Length / 1e6:0.0} MB, {ourLines:N0} lines, peak RSS {peakRss / 1048576.0:0} MiB)");
            Console.WriteLine($"  GoldQuery csv path (in-process)     median {inProcess.TotalSeconds:0.000} s");
            Console.WriteLine($"  reader alone, no formatting         median {readOnly.TotalSeconds:0.000} s");
            Console.WriteLine($"  ratio lakehouse process / DuckDB COPY: {process / copy:0.00}x (target <= 2.0x)");
            Console.WriteLine($"  ratio in-process path / DuckDB COPY:   {inProcess / copy:0.00}x");
            if (copyLines != ourLines)
            {
                Console.WriteLine("  WARNING: the two files have different line counts.");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        await Task.CompletedTask;
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

    private static DuckDbConnection Open(string database, bool readOnly = true)
    {
        var connection = new DuckDbConnection($"Data Source={database};Access Mode={(readOnly ? "read_only" : "read_write")}");
        connection.Open();
        return connection;
    }

    private static TimeSpan Measure(int runs, Action action)
    {
        action(); // warm-up: file cache, JIT
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Runs the real CLI with stdout redirected to a file; returns its peak resident memory.</summary>
    private static long RunCli(string database, string outputFile)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "lakehouse.dll");
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec dotnet \"{cli}\" query \"SELECT * FROM t\" --format csv --db \"{database}\" > \"{outputFile}\"" },
            UseShellExecute = false,
        })!;
        long peak = 0;
        while (!shell.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakRss(shell.Id));
        }

        if (shell.ExitCode != 0)
        {
            throw new InvalidOperationException($"lakehouse query exited {shell.ExitCode}");
        }

        return peak;
    }

    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long CountLines(string path)
    {
        long lines = 0;
        var buffer = new byte[1 << 16];
        using var stream = File.OpenRead(path);
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }
}
