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
