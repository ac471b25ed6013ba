using System.Diagnostics;

namespace Lakehouse.Tests.Cli;

/// <summary>The real <c>lakehouse</c> process: what lands on stdout and stderr, and the exit code a script sees.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_query_writes_only_its_result_to_stdout()
    {
        var (exitCode, stdout, stderr) = await RunAsync("query", "--db", ":memory:", "SELECT 42 AS answer, 'a,b' AS text", "--format", "csv");

        exitCode.ShouldBe(0, stderr);
        stdout.ShouldBe("answer,text\n42,\"a,b\"\n");
        stderr.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sql_error_goes_to_stderr_with_exit_code_1_and_nothing_on_stdout()
    {
        var (exitCode, stdout, stderr) = await RunAsync("query", "--db", ":memory:", "SELECT * FROM nowhere", "--format", "csv");

        exitCode.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.ShouldContain("nowhere");
        stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task A_configuration_error_exits_2_and_names_the_key()
    {
        var (exitCode, _, stderr) = await RunAsync(
            new Dictionary<string, string> { ["Lakehouse__Logging__Level"] = "Loud" },
            "query", "--db", ":memory:", "SELECT 1");

        exitCode.ShouldBe(2);
        stderr.ShouldContain("Lakehouse:Logging:Level");
    }

    [Fact]
    public async Task Ctrl_c_interrupts_a_long_query_cleanly_with_exit_code_130()
    {
        // Given a query that would run for minutes, well under way (it has burnt a second of CPU)
        using var process = Process.Start(StartInfo(new Dictionary<string, string>(), "query", "--db", ":memory:", "SELECT sum(i % 7) FROM range(100000000000) t(i)"))!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var started = Stopwatch.StartNew();
            while (process.TotalProcessorTime < TimeSpan.FromSeconds(1) && started.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
                process.Refresh();
            }

            // When it receives SIGINT
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Then it stops promptly, says so, and exits 130 like any interrupted Unix tool (the bound is generous: a
            // full test run keeps both cores busy, and the process must still be scheduled to exit)
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.ShouldBe(130);
            (await stderr).Trim().ShouldBe("Interrupted.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task An_arrow_stream_piped_into_a_reader_that_stops_early_ends_quietly()
    {
        // Given a query whose Arrow stream is far longer than its reader wants (as with `| head -c 100`)
        using var process = Process.Start(StartInfo(
            new Dictionary<string, string>(), "query", "--db", ":memory:", "SELECT i, 'row ' || i AS s FROM range(100000000) t(i)", "--format", "arrow"))!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();

            // When the reader takes 100 bytes and closes the pipe
            var head = new byte[100];
            await process.StandardOutput.BaseStream.ReadExactlyAsync(head);
            process.StandardOutput.Close();

            // Then the query stops at once (not after 100 million rows), with the status a shell shows for a
            // program that SIGPIPE ended, and nothing on stderr
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.ShouldBe(141);
            (await stderr).ShouldBeEmpty();
            head[..4].ShouldBe(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, "an Arrow IPC stream starts with a continuation marker");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("arrow")]
    [InlineData("parquet")]
    [InlineData("csv")]
    public async Task Ctrl_c_half_way_through_writing_a_file_exits_130_and_leaves_no_file(string format)
    {
        // Given a query writing a long result to a file, well under way
        var folder = Directory.CreateTempSubdirectory("lakehouse-interrupt-").FullName;
        var target = Path.Combine(folder, "result." + format);
        using var process = Process.Start(StartInfo(
            new Dictionary<string, string>(), "query", "--db", ":memory:",
            "SELECT i, md5(i::VARCHAR) AS h FROM range(1000000000) t(i)", "--format", format, "--output", target))!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var started = Stopwatch.StartNew();
            while (process.TotalProcessorTime < TimeSpan.FromSeconds(1) && started.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
                process.Refresh();
            }

            // When it receives SIGINT
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Then it stops, exits 130, and neither the file nor the part written so far is left
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.ShouldBe(130);
            (await stderr).Trim().ShouldBe("Interrupted.");
            Directory.GetFileSystemEntries(folder).ShouldBeEmpty();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("arrow")]
    public async Task Five_million_rows_stream_in_the_memory_of_one_million(string format)
    {
        // Given the same query over 1M and over 5M rows, written to a pipe
        // When each runs as a process
        var small = await PeakResidentMemoryAsync(format, 1_000_000);
        var large = await PeakResidentMemoryAsync(format, 5_000_000);

        // Then the larger one needed hardly more memory (holding the 4M rows more would take some 150 MB): rows
        // stream through, nothing holds the result
        (large - small).ShouldBeLessThan(40L << 20, $"peak resident memory {small >> 20} MiB for 1M rows, {large >> 20} MiB for 5M");
    }

    /// <summary>The highest resident memory (VmHWM) a query reached, read while it runs; its output is drained.</summary>
    private static async Task<long> PeakResidentMemoryAsync(string format, int rows)
    {
        using var process = Process.Start(StartInfo(
            new Dictionary<string, string>(), "query", "--db", ":memory:",
            $"SELECT i, 'row ' || i AS name, i * 0.5 AS half, DATE '2000-01-01' + (i % 9000)::INTEGER AS day FROM range({rows}) t(i)",
            "--format", format))!;
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var stderr = process.StandardError.ReadToEndAsync();
        var status = $"/proc/{process.Id}/status";
        long peak = 0;
        while (!process.HasExited)
        {
            try
            {
                var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    peak = Math.Max(peak, 1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // The process ended between the check and the read.
            }

            Thread.Sleep(5);
        }

        await process.WaitForExitAsync();
        await stdout;
        process.ExitCode.ShouldBe(0, await stderr);
        peak.ShouldBeGreaterThan(0);
        return peak;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>(), args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lakehouse.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
