using System.Diagnostics;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Scheduling;

/// <summary>
/// docker-compose.yml as Debian's docker-compose (1.29) reads it: <c>docker-compose config</c> validates the file and
/// prints it resolved, without a Docker engine.
/// </summary>
public sealed class DockerComposeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task The_compose_file_runs_the_scheduler_on_minio_and_the_cluster_profile_adds_postgresql_and_a_second_node()
    {
        // Given the compose file beside a config/lakehouse.env made from the committed example
        RealDependency.Require(await EnsureDockerComposeAsync());
        File.Copy(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), temp.Combine("docker-compose.yml"));
        Directory.CreateDirectory(temp.Combine("config"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "config", "lakehouse.env.example"), temp.Combine("config", "lakehouse.env"));

        // When docker-compose resolves it, with the cluster profile
        var (exitCode, output) = await RunInAsync(temp.Path, "docker-compose", ["--profile", "cluster", "config"]);

        // Then it is valid, and has the five services
        exitCode.ShouldBe(0, output);
        var services = Services(output);
        services.Keys.Order(StringComparer.Ordinal).ShouldBe(["lakehouse", "lakehouse-2", "minio", "minio-init", "postgres"]);

        // And MinIO keeps its data in a volume and has a health check that the scheduler waits for
        services["minio"].ShouldContain("minio-data:/data");
        services["minio"].ShouldContain("healthcheck:");
        services["lakehouse"].ShouldContain("condition: service_healthy");
        services["minio-init"].ShouldContain("mc mb --ignore-existing");

        // And the scheduler is built from the repository's Dockerfile and runs `schedule` against MinIO
        services["lakehouse"].ShouldContain("dockerfile: src/Lakehouse.Cli/Dockerfile");
        services["lakehouse"].ShouldContain("- schedule");
        services["lakehouse"].ShouldContain("Lakehouse__Storage__Kind: S3");
        services["lakehouse"].ShouldContain("Lakehouse__Storage__S3__ServiceUrl: http://minio:9000");
        services["lakehouse"].ShouldNotContain("profiles:");

        // And only the cluster profile adds PostgreSQL and a second node on the clustered store
        services["postgres"].ShouldContain("profiles:\n    - cluster");
        services["lakehouse-2"].ShouldContain("profiles:\n    - cluster");
        services["lakehouse-2"].ShouldContain("Lakehouse__Scheduling__Store: Postgres");
        services["lakehouse-2"].ShouldContain("Lakehouse__Scheduling__ConnectionString: Host=postgres;");
        File.Exists(Path.Combine(RepositoryPaths.Root, "src", "Lakehouse.Cli", "Dockerfile")).ShouldBeTrue();

        // And the nodes share no gold volume: each keeps its own gold, restored from the lake's gold/ in the bucket
        services["lakehouse"].ShouldContain("Lakehouse__Gold__DatabasePath: /srv/lakehouse/gold/lakehouse.duckdb");
        services["lakehouse-2"].ShouldContain("Lakehouse__Gold__DatabasePath: /srv/lakehouse/gold/lakehouse.duckdb");
        var first = GoldVolumes(services["lakehouse"]);
        var second = GoldVolumes(services["lakehouse-2"]);
        first.ShouldHaveSingleItem();
        second.ShouldHaveSingleItem();
        first.Intersect(second).ShouldBeEmpty("a gold volume shared between nodes");
    }

    /// <summary>The volumes (named or bound) that a service mounts at its gold folder.</summary>
    private static List<string> GoldVolumes(string service) =>
        [.. service.Split('\n').Where(l => l.TrimEnd().EndsWith(":/srv/lakehouse/gold", StringComparison.Ordinal) || l.Contains(":/srv/lakehouse/gold:", StringComparison.Ordinal))
            .Select(l => l.Trim().TrimStart('-').Trim().Split(':')[0])];

    [Fact]
    public void The_env_file_with_the_secrets_is_ignored_by_git_and_only_its_example_is_committed()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".gitignore"));
        ignored.ShouldContain("config/lakehouse.env");
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml")).ShouldContain("env_file: config/lakehouse.env");
    }

    /// <summary>Each top-level service's block of the resolved file, by name.</summary>
    private static Dictionary<string, string> Services(string config)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = config.ReplaceLineEndings("\n").Split('\n');
        var start = Array.IndexOf(lines, "services:");
        string? current = null;
        var block = new List<string>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith(' ')))
        {
            if (line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    services[current] = string.Join('\n', block);
                }

                current = line.Trim().TrimEnd(':');
                block.Clear();
            }
            else
            {
                block.Add(line);
            }
        }

        if (current is not null)
        {
            services[current] = string.Join('\n', block);
        }

        return services;
    }

    /// <summary>Installs Debian's docker-compose when missing and this user may (root, or sudo without a password).</summary>
    private static async Task<string?> EnsureDockerComposeAsync()
    {
        if (File.Exists("/usr/bin/docker-compose"))
        {
            return null;
        }

        return await AptPackages.InstallAsync("docker-compose") is { } reason ? reason
            : File.Exists("/usr/bin/docker-compose") ? null : "apt-get installed docker-compose, but /usr/bin/docker-compose is missing.";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args) =>
        await RunInAsync(null, program, args);

    private static async Task<(int ExitCode, string Output)> RunInAsync(string? folder, string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
