using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A private PostgreSQL cluster for the tests: Debian's server binaries (installed with apt when missing and this
/// user may), a fresh data folder in temp, loopback only, on a free port. Started once per test collection; each test
/// takes a database of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so as root the server runs as the <c>postgres</c> user the package creates.
/// When it cannot be had, <see cref="MissingReason"/> says why: skipped on a laptop, failed under <c>CI=true</c>.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly bool IsRoot = Environment.UserName == "root";
    private string? bin;
    private string? folder;

    /// <summary>Why PostgreSQL is not available, or null when it runs.</summary>
    public string? MissingReason { get; private set; }

    public int Port { get; private set; }

    private string Data => Path.Combine(folder!, "data");

    private string Sockets => Path.Combine(folder!, "sockets");

    public async Task InitializeAsync()
    {
        bin = FindBin() ?? (await TryInstallAsync() ? FindBin() : null);
        if (bin is null)
        {
            MissingReason ??= "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are missing and could not be installed with apt.";
            return;
        }

        folder = Path.Combine(Path.GetTempPath(), "lakehouse-tests", $"postgres-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Sockets);
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres", folder]);
        }

        var (init, initOutput) = await RunAsync(Path.Combine(bin, "initdb"), ["-D", Data, "-A", "trust", "-U", "postgres", "--no-sync"], asServer: true);
        if (init != 0)
        {
            MissingReason = $"initdb failed: {initOutput}";
            return;
        }

        Port = FreeLoopbackPort();
        if (!await StartAsync())
        {
            MissingReason = $"PostgreSQL did not start: {await File.ReadAllTextAsync(Path.Combine(folder, "server.log"))}";
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database}";

    /// <summary>A new, empty database.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"lakehouse_{Guid.NewGuid():N}"[..24];
        // Unpooled: a pooled connection would not survive StopAsync/StartAsync of an earlier test.
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Stops the server at once, as an outage would.</summary>
    public async Task StopAsync() =>
        await RunAsync(Path.Combine(bin!, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], asServer: true);

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public async Task<bool> StartAsync()
    {
        var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {Sockets} -h 127.0.0.1 -c fsync=off -c max_connections=200";
        var (code, _) = await RunAsync(
            Path.Combine(bin!, "pg_ctl"), ["-D", Data, "-o", options, "-l", Path.Combine(folder!, "server.log"), "-w", "-t", "30", "start"], asServer: true);
        return code == 0;
    }

    public async Task DisposeAsync()
    {
        if (folder is null)
        {
            return;
        }

        if (bin is not null && Directory.Exists(Data))
        {
            await StopAsync();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp eventually.
        }
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            : null;

    /// <summary>apt-get as root, or through sudo without a password; never prompts.</summary>
    private async Task<bool> TryInstallAsync()
    {
        MissingReason = await AptPackages.InstallAsync("postgresql");
        return MissingReason is null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, bool asServer = false)
    {
        var start = new ProcessStartInfo(asServer && IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServer && IsRoot)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests that share one PostgreSQL server; xunit runs them one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class UsesPostgres : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
