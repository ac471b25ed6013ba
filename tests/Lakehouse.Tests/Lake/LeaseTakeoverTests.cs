using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Tests.Support;
using Minio;
using Minio.DataModel.Args;

namespace Lakehouse.Tests.Lake;

/// <summary>
/// Two <c>lakehouse run</c> processes on one S3 lake (moto), as two nodes: the first is frozen with SIGSTOP in the
/// middle of its run, past its lease, while the second takes the datasets over and finishes; when the first resumes,
/// it must not write anything to the lake but its own run record, which says it was interrupted.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class LeaseTakeoverTests(MotoFixture moto) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task A_holder_frozen_past_its_lease_while_another_process_takes_over_writes_nothing_after_it_resumes()
    {
        // Given a lake bucket, leases of 3 s, and an API that freezes the first process when it asks for payloads,
        // holding the answer back until told
        RealDependency.Require(moto.MissingReason);
        string bucket;
        using (var store = await moto.CreateStoreAsync())
        {
            bucket = store.Describe.Split('/')[2];
        }

        await using var api = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        var environment = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = moto.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = moto.SecretKey };
        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstPid = 0;
        api.Intercept = async context =>
        {
            if (context.Request.Path.StartsWithSegments("/v4/payloads") && !frozen.Task.IsCompleted)
            {
                Signal("STOP", Volatile.Read(ref firstPid));
                frozen.SetResult();
                await answer.Task;
            }

            return false;
        };

        await using var first = LakehouseProcess.Start(Node("a"), environment, "run", "--source", "spacex", "--config", Config("a", bucket, api.BaseAddress));
        Volatile.Write(ref firstPid, first.Id);
        try
        {
            await frozen.Task.WaitAsync(TimeSpan.FromMinutes(1));

            // When a second process runs the same datasets: it waits until the frozen one's claims expire, then runs
            var clock = Stopwatch.StartNew();
            var second = await LakehouseProcess.RunAsync(Node("b"), environment, "run", "--source", "spacex", "--config", Config("b", bucket, api.BaseAddress));
            second.ExitCode.ShouldBe(0, second.Stderr);
            clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "it had to wait for the first one's leases to expire");
            var before = await SnapshotAsync(bucket);

            // And the first one gets its answer and resumes (SIGCONT)
            answer.SetResult();
            Signal("CONT", first.Id);
            var exitCode = await first.WaitForExitAsync(TimeSpan.FromMinutes(1));

            // Then it stopped, exit 1, saying it lost its lease
            exitCode.ShouldBe(1, first.Error);
            first.Error.ShouldContain("was lost by run ");
            first.Error.ShouldContain("run again to heal the lake");

            // And the lake differs in one object only: its own run record, which now says it was interrupted
            var after = await SnapshotAsync(bucket);
            var changed = after.Where(o => !before.TryGetValue(o.Key, out var was) || was != o.Value).Select(o => o.Key).ToList();
            var removed = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
            removed.ShouldBeEmpty();
            var record = changed.ShouldHaveSingleItem("only the first process's own run record may change");
            record.ShouldStartWith(LakeKeys.RunRecordPrefix);
            using var run = JsonDocument.Parse(await ReadAsync(bucket, record));
            run.RootElement.GetProperty("status").GetString().ShouldBe("failed");
            run.RootElement.GetProperty("goldError").GetString().ShouldNotBeNull().ShouldStartWith("interrupted: Dataset spacex.");
            before.Keys.Where(k => k.StartsWith("bronze/spacex/", StringComparison.Ordinal)).ShouldNotBeEmpty("the second process landed");
        }
        finally
        {
            answer.TrySetResult();
            if (Volatile.Read(ref firstPid) != 0)
            {
                Signal("CONT", first.Id);
            }
        }
    }

    [Fact]
    public async Task A_scheduler_frozen_past_its_lease_while_another_takes_the_lake_stops_when_it_resumes()
    {
        // Given a scheduler on a folder lake with 3 s leases (its one job fires in 2099), frozen with SIGSTOP
        var settings = ScheduleSettings.For(temp.Path, new Uri("http://127.0.0.1:9/"), ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099")));
        LakehouseProcess.WriteConfig(temp.Path, settings);
        await using var first = LakehouseProcess.Start(temp.Path, null, "schedule");
        await first.WaitForLogAsync("started (in memory)", TimeSpan.FromSeconds(30));
        Signal("STOP", first.Id);
        try
        {
            // When a second scheduler starts once the first one's lease has run out (by its claim's own expiry)
            var claim = Directory.GetFiles(Path.Combine(temp.Path, "lake", "_meta", "leases", "_scheduler"), "ticket-*").ShouldHaveSingleItem();
            using (var record = JsonDocument.Parse(await File.ReadAllTextAsync(claim)))
            {
                var expires = record.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
                var left = expires - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(200);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left);
                }
            }

            await using var second = LakehouseProcess.Start(temp.Path, null, "schedule");
            await second.WaitForLogAsync("started (in memory)", TimeSpan.FromSeconds(30));

            // And the first one resumes
            Signal("CONT", first.Id);

            // Then the first one stops by itself, exit 1, saying it lost the lake; the second one keeps it
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(1, first.Error);
            first.Error.ShouldContain("The lake's scheduler lease was lost by lakehouse schedule on ");
            var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, "schedule");
            exitCode.ShouldBe(2, stderr);
            stderr.ShouldContain($"pid {second.Id}");
            await second.TerminateAsync();
            (await second.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, second.Error);
        }
        finally
        {
            Signal("CONT", first.Id);
        }
    }

    private string Node(string name)
    {
        var folder = temp.Combine(name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private string Config(string node, string bucket, Uri api)
    {
        var root = temp.Combine(node);
        var settings = PipelineHost.Settings(root, api);
        settings["Lakehouse:Storage:Kind"] = "S3";
        settings["Lakehouse:Storage:S3:ServiceUrl"] = moto.ServiceUrl.ToString();
        settings["Lakehouse:Storage:S3:Bucket"] = bucket;
        settings["Lakehouse:Gold:DatabasePath"] = Path.Combine(root, "gold", "lakehouse.duckdb");
        settings["Lakehouse:Logging:Level"] = "Information";
        settings["Lakehouse:Leases:Duration"] = "00:00:03";
        settings["Lakehouse:Leases:DatasetWait"] = "00:00:30";
        settings["Lakehouse:Leases:PollInterval"] = "00:00:00.200";

        // The frozen process's request must still be waiting for its answer when it resumes (it is about to land).
        settings["Lakehouse:Sources:SpaceX:RequestTimeout"] = "00:01:00";
        var path = Path.Combine(root, "config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        return path;
    }

    /// <summary>Every object in the bucket with what would change if it were written: ETag, size and time.</summary>
    private async Task<Dictionary<string, (string ETag, ulong Size, string? Modified)>> SnapshotAsync(string bucket)
    {
        using var client = Client();
        var objects = new Dictionary<string, (string, ulong, string?)>(StringComparer.Ordinal);
        await foreach (var item in client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithRecursive(true)))
        {
            objects[item.Key] = (item.ETag, item.Size, item.LastModified);
        }

        return objects;
    }

    private async Task<byte[]> ReadAsync(string bucket, string key)
    {
        using var client = Client();
        using var copy = new MemoryStream();
        await client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key).WithCallbackStream(s => s.CopyTo(copy)));
        return copy.ToArray();
    }

    private IMinioClient Client() =>
        new MinioClient().WithEndpoint(moto.ServiceUrl.Host, moto.ServiceUrl.Port).WithCredentials(moto.AccessKey, moto.SecretKey).WithRegion("us-east-1").Build();

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
