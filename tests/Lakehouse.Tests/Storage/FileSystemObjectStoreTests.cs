using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>What the folder store promises beyond the shared contract: it stays in its root, and writes are atomic.</summary>
public sealed class FileSystemObjectStoreTests : IDisposable
{
    private readonly TempDirectory sandbox = new();
    private readonly FileSystemObjectStore store;

    public FileSystemObjectStoreTests()
    {
        store = new FileSystemObjectStore(sandbox.Combine("lake"));
    }

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public async Task Objects_are_written_only_inside_the_root_even_for_keys_that_look_like_escapes()
    {
        string[] lookalikes = ["..a/b", "a../b", "...", "~/x", "%2e%2e/x", "lake2/x", "-/x", " /x", "$HOME/x"];

        foreach (var value in lookalikes)
        {
            var key = ObjectKey.Parse(value);
            await store.PutBytesAsync(key, [1], Ct);
            store.PathFor(key).ShouldStartWith(store.Root + Path.DirectorySeparatorChar);
        }

        var written = Directory.GetFiles(sandbox.Path, "*", SearchOption.AllDirectories);
        written.Length.ShouldBe(lookalikes.Length);
        written.ShouldAllBe(path => path.StartsWith(store.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Keys(await store.ListAllAsync("", Ct)).ShouldBe(lookalikes.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void The_root_is_resolved_to_a_full_path_and_described_as_a_folder()
    {
        var relative = new FileSystemObjectStore("lake/");

        Path.IsPathFullyQualified(relative.Root).ShouldBeTrue();
        relative.Root.ShouldEndWith("lake");
        relative.Describe.ShouldBe($"folder {relative.Root}");
    }

    [Fact]
    public async Task A_reader_during_a_put_sees_the_old_or_the_new_object_whole_never_a_part()
    {
        var key = ObjectKey.Parse("silver/spacex/launches/part-0.parquet");
        var versions = new[] { Payload.Random(1024 * 1024, seed: 10), Payload.Random(1536 * 1024, seed: 11) };
        await store.PutBytesAsync(key, versions[0], Ct);
        using var stop = new CancellationTokenSource();

        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var read = await store.ReadAllBytesAsync(key, Ct);
                (read.AsSpan().SequenceEqual(versions[0]) || read.AsSpan().SequenceEqual(versions[1]))
                    .ShouldBeTrue($"read {read.Length} bytes that are neither version");
                reads++;
            }
        });

        for (var i = 1; i <= 300 && !reader.IsCompleted; i++)
        {
            await store.PutBytesAsync(key, versions[i % 2], Ct);
        }

        await stop.CancelAsync();
        await reader;
        reads.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task A_failed_put_keeps_the_old_object_and_leaves_no_temp_file()
    {
        var key = ObjectKey.Parse("_meta/cursors/nasa.json");
        await store.PutBytesAsync(key, "old"u8.ToArray(), Ct);

        await using (var failing = new FailingStream(bytesBeforeFailure: 100_000))
        {
            await Should.ThrowAsync<IOException>(() => store.PutAsync(key, failing, Ct));
        }

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("old"u8.ToArray());
        Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories).ShouldBe([store.PathFor(key)]);
    }

    [Fact]
    public async Task A_cancelled_put_keeps_the_old_object_and_leaves_no_temp_file()
    {
        var key = ObjectKey.Parse("_meta/cursors/rawg.json");
        await store.PutBytesAsync(key, "old"u8.ToArray(), Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(
            () => store.PutBytesAsync(key, Payload.Random(1_000_000, seed: 4), cancelled.Token));

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("old"u8.ToArray());
        Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories).ShouldBe([store.PathFor(key)]);
    }

    [Fact]
    public async Task Listing_ignores_leftover_temp_files_folders_and_files_that_are_no_keys()
    {
        await store.PutBytesAsync(ObjectKey.Parse("bronze/spacex/a.json"), [1], Ct);
        await store.PutBytesAsync(ObjectKey.Parse("bronze/.gitkeep"), [], Ct);

        // What a crash mid-put leaves behind, an empty folder, and a file no key can name.
        await File.WriteAllTextAsync(Path.Combine(store.Root, "bronze", "spacex", ".tmp-0123456789abcdef"), "half", Ct);
        await File.WriteAllTextAsync(Path.Combine(store.Root, ".tmp-fedcba"), "half", Ct);
        Directory.CreateDirectory(Path.Combine(store.Root, "bronze", "empty", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(store.Root, "bronze", "not:a key"), "stray", Ct);

        var listed = await store.ListAllAsync("", Ct);

        Keys(listed).ShouldBe(["bronze/.gitkeep", "bronze/spacex/a.json"]);
        (await store.ListAllAsync("bronze/empty/", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Listing_orders_by_key_not_by_folder_walk()
    {
        // '.' (0x2E) sorts before '/' (0x2F): a walk that enters folder "a" first would get this wrong.
        string[] keys = ["a/x.json", "a.json", "a-b/y.json", "a0.json", "a/b/c.json"];
        foreach (var key in keys)
        {
            await store.PutBytesAsync(ObjectKey.Parse(key), [1], Ct);
        }

        var listed = await store.ListAllAsync("a", Ct);

        Keys(listed).ShouldBe(["a-b/y.json", "a.json", "a/b/c.json", "a/x.json", "a0.json"]);
    }

    [Fact]
    public async Task Listing_a_lake_whose_folder_does_not_exist_yet_returns_nothing()
    {
        var fresh = new FileSystemObjectStore(sandbox.Combine("not-created"));

        (await fresh.ListAllAsync("", Ct)).ShouldBeEmpty();
        (await fresh.ExistsAsync(ObjectKey.Parse("a"), Ct)).ShouldBeFalse();
        Directory.Exists(fresh.Root).ShouldBeFalse();
    }

    [Fact]
    public async Task A_key_below_an_existing_object_fails_with_a_message_naming_both()
    {
        // S3 allows "a" and "a/b" side by side; a folder cannot, and says so.
        await store.PutBytesAsync(ObjectKey.Parse("bronze/file"), [1], Ct);

        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/file/below.json"), [2], Ct));

        error.Message.ShouldContain("\"bronze/file/below.json\"");
        error.Message.ShouldContain("\"bronze/file\" is an object");
        error.Operation.ShouldBe("Put");
        error.IsTransient.ShouldBeFalse();
    }

    private static string[] Keys(IEnumerable<ObjectInfo> listed) => listed.Select(info => info.Key.Value).ToArray();

    /// <summary>A source that breaks off part-way, like a dropped HTTP response.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (sent >= bytesBeforeFailure)
            {
                throw new IOException("The connection was reset (simulated).");
            }

            var n = Math.Min(count, bytesBeforeFailure - sent);
            Array.Fill(buffer, (byte)'x', offset, n);
            sent += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
