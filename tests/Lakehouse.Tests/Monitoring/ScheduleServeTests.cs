using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Monitoring;

/// <summary>
/// <c>lakehouse schedule --serve</c> as a real process, and docker-compose's health check, which is run here with
/// bash against that process exactly as the container would run it.
/// </summary>
public sealed class ScheduleServeTests : IDisposable
{
    private static readonly Uri NoApi = new("http://127.0.0.1:9/");
    private static readonly string[] SchedulerServices = ["lakehouse", "lakehouse-2"];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Schedule_serve_answers_healthz_readyz_and_metrics_beside_the_scheduler_and_stops_with_it()
    {
        // Given a scheduler whose one job fires in 2099, serving on a free port
        var port = FreePort();
        LakehouseProcess.WriteConfig(temp.Path, ScheduleSettings.For(temp.Path, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099"))));
        await using var node = LakehouseProcess.Start(temp.Path, null, "schedule", "--serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await node.WaitForLogAsync("started (in memory)", TimeSpan.FromSeconds(60));

        // When the endpoints are asked
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using var alive = await http.GetAsync("healthz");
        using var ready = await http.GetAsync("readyz");
        using var metrics = await http.GetAsync("metrics");

        // Then the process is alive and ready (an empty folder lake answers; no gold yet), and serves /metrics
        alive.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        checks.GetProperty("lake").GetProperty("status").GetString().ShouldBe("Healthy");
        metrics.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await metrics.Content.ReadAsStringAsync()).ShouldNotContain("lakehouse_runs_total", customMessage: "no run yet");

        // And SIGTERM stops the scheduler and the endpoints together, exit 0
        await node.TerminateAsync();
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, node.Error);
        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("healthz"));
    }

    [Fact]
    public async Task Schedule_serve_on_a_port_in_use_exits_2_with_one_line_naming_port()
    {
        // Given a port another program listens on
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        LakehouseProcess.WriteConfig(temp.Path, ScheduleSettings.For(temp.Path, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099"))));

        // When the scheduler is asked to serve there
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, "schedule", "--serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then it refuses with one line that names the port and --port, no stack trace, exit 2
        exitCode.ShouldBe(2, stderr);
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ShouldHaveSingleItem()
            .ShouldBe($"error: Port {port} on 127.0.0.1 is in use by another program: choose another with --port (or stop that program).");
        stderr.ShouldNotContain("   at ");
        stderr.ShouldNotContain("Hosting failed");
    }

    [Fact]
    public async Task Schedule_serve_with_a_host_that_is_not_an_address_exits_2_naming_host()
    {
        LakehouseProcess.WriteConfig(temp.Path, ScheduleSettings.For(temp.Path, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099"))));
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, "schedule", "--serve", "--host", "lake.example");
        exitCode.ShouldBe(2, stderr);
        stderr.ShouldContain("error: --host lake.example is not an IP address: give one such as 127.0.0.1");
    }

    [SkippableFact]
    public async Task The_compose_health_check_passes_against_a_ready_scheduler_and_fails_once_it_is_gone()
    {
        // Given the compose file, valid as docker-compose resolves it, with a health check on both scheduler nodes
        RealDependency.Require(await EnsureDockerComposeAsync());
        File.Copy(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), temp.Combine("docker-compose.yml"));
        Directory.CreateDirectory(temp.Combine("config"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "config", "lakehouse.env.example"), temp.Combine("config", "lakehouse.env"));
        var (configExit, config) = await RunAsync(temp.Path, "docker-compose", "--profile", "cluster", "config");
        configExit.ShouldBe(0, config);
        var nodes = SchedulerServices
            .Select(name => System.Text.RegularExpressions.Regex.Match(config.ReplaceLineEndings("\n"), $"\n  {name}:\n((?:    .*\n)*)").Groups[1].Value).ToList();
        nodes.ShouldAllBe(n => n.Contains("/dev/tcp/127.0.0.1/9464", StringComparison.Ordinal) && n.Contains("- --serve", StringComparison.Ordinal));

        // And its probe, as the compose file gives it (compose turns $$ into $), aimed at a scheduler on a free port
        var probe = HealthCheckCommand();
        probe[..2].ShouldBe(["CMD", "bash"]);
        var port = FreePort();
        var script = probe[^1].Replace("$$", "$", StringComparison.Ordinal).Replace("/9464", $"/{port}", StringComparison.Ordinal);
        var node = temp.Combine("node");
        Directory.CreateDirectory(node);
        LakehouseProcess.WriteConfig(node, ScheduleSettings.For(node, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099"))));
        await using var scheduler = LakehouseProcess.Start(node, null, "schedule", "--serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await scheduler.WaitForLogAsync("started (in memory)", TimeSpan.FromSeconds(60));

        // When the probe runs while the scheduler is ready, and after it stopped
        var (healthy, healthyOutput) = await RunAsync(node, "bash", probe[2], script);
        await scheduler.TerminateAsync();
        (await scheduler.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, scheduler.Error);
        var (gone, _) = await RunAsync(node, "bash", probe[2], script);

        // Then it passes first and fails after
        healthy.ShouldBe(0, healthyOutput);
        gone.ShouldNotBe(0);
    }

    /// <summary>The lakehouse service's health check test, read from the compose file (a JSON array in YAML).</summary>
    private static string[] HealthCheckCommand()
    {
        var line = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"))
            .Single(l => l.TrimStart().StartsWith("test: [\"CMD\", \"bash\"", StringComparison.Ordinal));
        return JsonSerializer.Deserialize<string[]>(line.Trim()["test:".Length..])!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string?> EnsureDockerComposeAsync()
    {
        if (File.Exists("/usr/bin/docker-compose"))
        {
            return null;
        }

        return await AptPackages.InstallAsync("docker-compose") is { } reason ? reason
            : File.Exists("/usr/bin/docker-compose") ? null : "apt-get installed docker-compose, but /usr/bin/docker-compose is missing.";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
