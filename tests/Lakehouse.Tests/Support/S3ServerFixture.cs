using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lakehouse.Storage;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A real S3-protocol server for the tests, as a process on a free loopback port: <see cref="MotoFixture"/> (the main
/// one, close to S3) or <see cref="S3rverFixture"/>. Started once per test collection and killed at the end; each test
/// takes a fresh bucket from <see cref="CreateStoreAsync"/>, so tests never see each other's objects.
/// </summary>
/// <remarks>
/// When the server is missing or does not start, <see cref="MissingReason"/> says why and the tests pass it to
/// <see cref="RealDependency.Require"/>: skipped on a laptop, failed under <c>CI=true</c>.
/// </remarks>
public abstract class S3ServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;
    private int bucketCount;

    /// <summary>Why the server is not available, or null when it is running.</summary>
    public string? MissingReason { get; protected set; }

    /// <summary>Where the lake's client talks to the server, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServiceUrl { get; protected set; } = new("http://127.0.0.1:1");

    /// <summary>The server's own port (the process to stop, freeze or restart listens there).</summary>
    public int Port { get; private set; }

    /// <summary>The process id of the server, for signals.</summary>
    public int ProcessId => process?.Id ?? throw new InvalidOperationException($"{Name} is not running.");

    /// <summary>The server's name in messages: <c>moto</c>, <c>s3rver</c>.</summary>
    public abstract string Name { get; }

    /// <summary>An access key the server accepts.</summary>
    public abstract string AccessKey { get; }

    /// <summary>The secret key that goes with <see cref="AccessKey"/>.</summary>
    public abstract string SecretKey { get; }

    public async Task InitializeAsync()
    {
        MissingReason = FindMissing();
        if (MissingReason is not null)
        {
            return;
        }

        // A port found free can be taken before the server binds it; try again on another one.
        for (var attempt = 1; attempt <= 3 && process is null; attempt++)
        {
            await TryStartAsync(FreeLoopbackPort());
        }

        if (process is null)
        {
            MissingReason = $"{Name} did not start within {StartTimeout.TotalSeconds} s. Its output:{Environment.NewLine}{string.Join(Environment.NewLine, output)}";
            return;
        }

        ServiceUrl = await ClientUrlAsync(new Uri($"http://127.0.0.1:{Port}"));
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
    }

    /// <summary>Kills the server, as an outage would.</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                Thaw();
                process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }

            process.Dispose();
            process = null;
        }
    }

    /// <summary>Stops the server with SIGSTOP: connections are still accepted (by the kernel), nothing is answered.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Resumes a frozen server (SIGCONT).</summary>
    public void Thaw()
    {
        if (process is { HasExited: false })
        {
            Signal("CONT");
        }
    }

    /// <summary>Options for a store on this server, in a bucket of its own (not yet created).</summary>
    internal S3ObjectStoreOptions OptionsForNewBucket() => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = $"test-{Interlocked.Increment(ref bucketCount):D4}-{Guid.NewGuid().ToString("N")[..16]}",
        AccessKey = AccessKey,
        SecretKey = SecretKey,

        // Failures in tests should show within seconds; the server is on loopback.
        RequestTimeout = TimeSpan.FromSeconds(10),
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
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

    /// <summary>Why the server cannot run here, or null.</summary>
    protected abstract string? FindMissing();

    /// <summary>How to start the server on <paramref name="port"/>.</summary>
    protected abstract ProcessStartInfo StartInfo(int port);

    /// <summary>Where clients should talk to the server that listens at <paramref name="server"/> (a harness may sit between).</summary>
    protected virtual Task<Uri> ClientUrlAsync(Uri server) => Task.FromResult(server);

    protected static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => new[] { Path.Combine(folder, program), Path.Combine(folder, program + ".exe") })
            .FirstOrDefault(File.Exists);

    private async Task TryStartAsync(int port)
    {
        var start = StartInfo(port);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var started = Process.Start(start) ?? throw new InvalidOperationException($"Process.Start returned null for {Name}.");
        started.OutputDataReceived += (_, e) => Keep(e.Data);
        started.ErrorDataReceived += (_, e) => Keep(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < StartTimeout && !started.HasExited)
        {
            if (await AnswersHttpAsync(port))
            {
                process = started;
                Port = port;
                return;
            }

            await Task.Delay(100);
        }

        if (!started.HasExited)
        {
            started.Kill(entireProcessTree: true);
        }

        started.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", ProcessId.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
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

    /// <summary>Ready when it answers HTTP at all (moto accepts connections a while before it serves).</summary>
    private static async Task<bool> AnswersHttpAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
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
}

/// <summary>
/// moto_server (moto 5, pre-installed in the machine image with Python), the main S3 server of the tests: it lists in
/// byte order, pages with continuation tokens, keeps multipart uploads apart, answers S3's error codes, and accepts
/// any credentials. Its data lives in memory, so a restart is an empty server.
/// </summary>
public sealed class MotoFixture : S3ServerFixture
{
    public override string Name => "moto";

    public override string AccessKey => "lakehouse-test";

    public override string SecretKey => "lakehouse-test-secret";

    /// <summary>A moto of its own (for tests that stop or freeze it); the caller disposes it.</summary>
    public static async Task<MotoFixture> StartAsync()
    {
        var moto = new MotoFixture();
        await moto.InitializeAsync();
        return moto;
    }

    protected override string? FindMissing() =>
        FindOnPath("moto_server") is null
            ? "moto_server is not on PATH (it comes with the machine image: Python 3.11 with moto 5; PyPI is not reachable from CI, so it cannot be installed by the tests)."
            : null;

    protected override ProcessStartInfo StartInfo(int port)
    {
        var start = new ProcessStartInfo(FindOnPath("moto_server")!);
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

/// <summary>The tests that share one moto_server; xunit runs them one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class UsesMoto : ICollectionFixture<MotoFixture>
{
    public const string Name = "moto";
}
