using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lakehouse.Storage;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A real S3-protocol server for the tests: s3rver (npm, installed into tests/tools by the test project's build) on a
/// free loopback port, with its data in a temp folder. Started once per test collection and killed at the end; each
/// test takes a fresh bucket from <see cref="CreateStoreAsync"/>, so tests never see each other's objects.
/// </summary>
/// <remarks>
/// When node or the package is missing, or s3rver does not start, <see cref="MissingReason"/> says why and the tests
/// pass it to <see cref="RealDependency.Require"/>: skipped on a laptop, failed in CI.
/// </remarks>
public sealed class S3rverFixture : IAsyncLifetime
{
    /// <summary>s3rver's built-in account.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>s3rver's built-in account.</summary>
    public const string SecretKey = "S3RVER";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;
    private string? dataPath;
    private int bucketCount;

    /// <summary>Why s3rver is not available, or null when it is running.</summary>
    public string? MissingReason { get; private set; }

    /// <summary>Where s3rver answers, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; private set; } = new("http://127.0.0.1:1");

    public static string ScriptPath => Path.Combine(RepositoryPaths.TestTools, "node_modules", "s3rver", "bin", "s3rver.js");

    public async Task InitializeAsync()
    {
        var node = FindOnPath("node");
        if (node is null)
        {
            MissingReason = "node is not on PATH (s3rver, the S3 test server, runs on node).";
            return;
        }

        if (!File.Exists(ScriptPath))
        {
            MissingReason = $"s3rver is not installed at {ScriptPath} (the test project's build runs npm ci in tests/tools).";
            return;
        }

        dataPath = Path.Combine(Path.GetTempPath(), "lakehouse-tests", $"s3rver-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataPath);

        // A port found free can be taken before s3rver binds it; try again on another one.
        for (var attempt = 1; attempt <= 3 && process is null; attempt++)
        {
            await TryStartAsync(node, FreeLoopbackPort());
        }

        if (process is null)
        {
            MissingReason = $"s3rver did not start within {StartTimeout.TotalSeconds} s. Its output:{Environment.NewLine}{string.Join(Environment.NewLine, output)}";
        }
    }

    /// <summary>Kills the server, as an outage would; its data stays for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }

            process.Dispose();
            process = null;
        }
    }

    /// <summary>Starts the server again on the same port and data, as after an outage.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await TryStartAsync(FindOnPath("node")!, ServiceUrl.Port);
        if (process is null)
        {
            throw new InvalidOperationException($"s3rver did not restart on port {ServiceUrl.Port}.");
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();

        if (dataPath is not null)
        {
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans temp eventually.
            }
        }
    }

    /// <summary>Options for a store on this server, in a bucket of its own (not yet created).</summary>
    internal S3ObjectStoreOptions OptionsForNewBucket() => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = $"test-{Interlocked.Increment(ref bucketCount):D4}-{Guid.NewGuid().ToString("N")[..16]}",
        AccessKey = AccessKey,
        SecretKey = SecretKey,
    };

    /// <summary>A store on a fresh, existing bucket; <paramref name="configure"/> may tune the options first.</summary>
    internal async Task<S3ObjectStore> CreateStoreAsync(Action<S3ObjectStoreOptions>? configure = null)
    {
        var options = OptionsForNewBucket();
        configure?.Invoke(options);
        var store = new S3ObjectStore(options);
        await store.EnsureBucketAsync(CancellationToken.None);
        return store;
    }

    private async Task TryStartAsync(string node, int port)
    {
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ScriptPath, "-d", dataPath!, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        // Without the legacy provider, s3rver's continuation-token cipher fails on Node 17+ and every paginated
        // ListObjectsV2 answers 500.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";

        var started = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for node.");
        started.OutputDataReceived += (_, e) => Keep(e.Data);
        started.ErrorDataReceived += (_, e) => Keep(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < StartTimeout && !started.HasExited)
        {
            if (await AcceptsConnectionsAsync(port))
            {
                process = started;
                ServiceUrl = new Uri($"http://127.0.0.1:{port}");
                return;
            }

            await Task.Delay(50);
        }

        if (!started.HasExited)
        {
            started.Kill(entireProcessTree: true);
        }

        started.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 50 && output.TryDequeue(out _))
        {
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => new[] { Path.Combine(folder, program), Path.Combine(folder, program + ".exe") })
            .FirstOrDefault(File.Exists);
}

/// <summary>The tests that share one s3rver; xunit runs them one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class UsesS3rver : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
