using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lakehouse.Storage;

namespace Lakehouse.Benchmarks;

/// <summary>
/// The S3 store (Minio client) on moto_server against the folder store, doing the same work in interleaved rounds:
/// landing 1,000 small bronze objects (one at a time, as a run lands a dataset, and four at a time, as a backfill
/// does), and listing 10,000 keys under one prefix. Prints medians and the median of the per-round ratios.
/// </summary>
internal static class S3StoreBenchmark
{
    public static async Task RunAsync(int objects, int listed, int rounds)
    {
        var moto = FindOnPath("moto_server") ?? throw new InvalidOperationException("moto_server is not on PATH (it comes with the machine image).");
        var root = Path.Combine(Path.GetTempPath(), "lakehouse-bench", $"s3-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var port = FreeLoopbackPort();
        using var server = Process.Start(new ProcessStartInfo(moto, ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await WaitForHttpAsync(port);
            using var s3 = new S3ObjectStore(new S3ObjectStoreOptions
            {
                ServiceUrl = new Uri($"http://127.0.0.1:{port}"),
                Bucket = "bench",
                AccessKey = "bench",
                SecretKey = "bench-secret",
            });
            await s3.EnsureBucketAsync(CancellationToken.None);
            var folder = new FileSystemObjectStore(Path.Combine(root, "lake"));
            var body = Encoding.UTF8.GetBytes(SmallBody());

            // The listing's keys, written once to each store (not timed).
            var keys = Enumerable.Range(0, listed).Select(i => ObjectKey.Parse($"bronze/nasa/neo_feed/{i / 100:D4}/run-{i:D6}.json")).ToList();
            foreach (var store in new IObjectStore[] { s3, folder })
            {
                await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) => await store.PutBytesAsync(key, body, ct));
            }

            Console.WriteLine($"S3 store on moto_server (Minio {typeof(Minio.MinioClient).Assembly.GetName().Version}) vs the folder store; {rounds} interleaved rounds, {Environment.ProcessorCount} cores");
            var land1 = new Contest($"land {objects} objects of {body.Length} B, one at a time");
            var land4 = new Contest($"land {objects} objects of {body.Length} B, four at a time");
            var list = new Contest($"list {listed} keys under one prefix");
            for (var round = 0; round < rounds; round++)
            {
                land1.Add(await TimeAsync(() => LandAsync(s3, round, "one", objects, body, 1)), await TimeAsync(() => LandAsync(folder, round, "one", objects, body, 1)));
                land4.Add(await TimeAsync(() => LandAsync(s3, round, "four", objects, body, 4)), await TimeAsync(() => LandAsync(folder, round, "four", objects, body, 4)));
                list.Add(await TimeAsync(() => ListAsync(s3, listed)), await TimeAsync(() => ListAsync(folder, listed)));
            }

            foreach (var contest in new[] { land1, land4, list })
            {
                contest.Print();
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task LandAsync(IObjectStore store, int round, string name, int objects, byte[] body, int concurrency)
    {
        var keys = Enumerable.Range(0, objects).Select(i => ObjectKey.Parse($"bronze/spacex/{name}/round-{round:D2}/20261207T1200-abcd-{i:D4}.json"));
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (key, ct) =>
        {
            // As the lander does: the body arrives as a stream.
            using var stream = new MemoryStream(body, writable: false);
            await store.PutAsync(key, stream, ct);
        });
    }

    private static async Task ListAsync(IObjectStore store, int expected)
    {
        var count = (await store.ListAllAsync("bronze/nasa/neo_feed/", CancellationToken.None)).Count;
        if (count != expected)
        {
            throw new InvalidOperationException($"{store.Describe} listed {count} keys, not {expected}.");
        }
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>A SpaceX-launch-sized JSON body (about 2 KB).</summary>
    private static string SmallBody() =>
        "{\"id\":\"5eb87cd9ffd86e000604b32a\",\"name\":\"FalconSat\",\"date_utc\":\"2006-03-24T22:30:00.000Z\",\"success\":false," +
        "\"details\":\"" + new string('x', 1900) + "\"}";

    private static async Task WaitForHttpAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                return;
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One piece of work timed on both stores, round by round.</summary>
    private sealed class Contest(string work)
    {
        private readonly List<(double S3, double Folder)> rounds = [];

        public void Add(double s3, double folder) => rounds.Add((s3, folder));

        public void Print()
        {
            var s3 = Measure.Median(rounds.Select(r => r.S3));
            var folder = Measure.Median(rounds.Select(r => r.Folder));
            var ratio = Measure.Median(rounds.Select(r => r.S3 / r.Folder));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {work}: moto {s3:0.000} s, folder {folder:0.000} s; S3 / folder = {ratio:0.0}x (median of per-round ratios)"));
        }
    }
}
