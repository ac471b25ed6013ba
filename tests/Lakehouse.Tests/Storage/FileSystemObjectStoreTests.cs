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

    [Fact]
    public async Task A_lake_folder_that_links_outside_the_root_is_refused_for_reads_writes_and_listings_naming_the_link()
    {
        // Given a folder outside the lake with a file in it, and a lake folder that is a link to it
        var outside = sandbox.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.json"), "not the lake's", Ct);
        await store.PutBytesAsync(ObjectKey.Parse("bronze/nasa/apod/a.json"), [1], Ct);
        var link = Path.Combine(store.Root, "bronze", "spacex");
        Directory.CreateSymbolicLink(link, outside);

        // When the lake is read, written and listed through it
        var errors = new[]
        {
            await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(ObjectKey.Parse("bronze/spacex/new.json"), [1], Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ReadAllBytesAsync(ObjectKey.Parse("bronze/spacex/secret.json"), Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.GetInfoAsync(ObjectKey.Parse("bronze/spacex/secret.json"), Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.DeleteAsync(ObjectKey.Parse("bronze/spacex/secret.json"), Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("bronze/spacex/", Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", Ct)),
            Should.Throw<ObjectStoreException>(() => store.LocalPathOf(ObjectKey.Parse("bronze/spacex/secret.json"))),
        };

        // Then each is refused, naming the link and where it points, and nothing outside was touched
        foreach (var error in errors)
        {
            error.Message.ShouldStartWith($"{link} is a symbolic link (to {outside}) inside the lake folder {store.Root}");
            error.IsTransient.ShouldBeFalse();
        }

        Directory.GetFiles(outside).ShouldBe([Path.Combine(outside, "secret.json")]);
        (await File.ReadAllTextAsync(Path.Combine(outside, "secret.json"), Ct)).ShouldBe("not the lake's");

        // While the rest of the lake works as before
        (await store.ListAllAsync("bronze/nasa/", Ct)).Select(o => o.Key.Value).ShouldBe(["bronze/nasa/apod/a.json"]);
    }

    [Fact]
    public async Task A_bronze_object_that_is_a_link_to_a_file_outside_the_root_is_refused_naming_it()
    {
        var outside = sandbox.Combine("passwd-like");
        await File.WriteAllTextAsync(outside, "root:x:0:0", Ct);
        await store.PutBytesAsync(ObjectKey.Parse("bronze/spacex/launches/all/real.json"), [1], Ct);
        var link = Path.Combine(store.Root, "bronze", "spacex", "launches", "all", "linked.json");
        File.CreateSymbolicLink(link, outside);
        var key = ObjectKey.Parse("bronze/spacex/launches/all/linked.json");

        var read = await Should.ThrowAsync<ObjectStoreException>(() => store.ReadAllBytesAsync(key, Ct));
        var download = await Should.ThrowAsync<ObjectStoreException>(() => store.DownloadToFileAsync(key, sandbox.Combine("copy.json"), Ct));
        var overwrite = await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [2], Ct));
        var listing = await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("bronze/spacex/launches/", Ct));

        foreach (var error in new[] { read, download, overwrite, listing })
        {
            error.Message.ShouldStartWith($"{link} is a symbolic link (to {outside})");
        }

        (await File.ReadAllTextAsync(outside, Ct)).ShouldBe("root:x:0:0");
        File.Exists(sandbox.Combine("copy.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_lake_folder_itself_may_be_a_link_to_another_disk()
    {
        var real = sandbox.Combine("big-disk", "lake");
        Directory.CreateDirectory(real);
        var linked = sandbox.Combine("linked-lake");
        Directory.CreateSymbolicLink(linked, real);
        var viaLink = new FileSystemObjectStore(linked);

        await viaLink.PutBytesAsync(ObjectKey.Parse("bronze/a.json"), [7], Ct);

        (await File.ReadAllBytesAsync(Path.Combine(real, "bronze", "a.json"), Ct)).ShouldBe(new byte[] { 7 });
        (await viaLink.ListAllAsync("", Ct)).Select(o => o.Key.Value).ShouldBe(["bronze/a.json"]);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/usr/")]
    [InlineData("/var/lib")]
    [InlineData("/tmp")]
    public void A_root_that_is_the_file_system_root_or_a_system_folder_is_refused(string root)
    {
        var error = Should.Throw<ArgumentException>(() => new FileSystemObjectStore(root));

        var shown = root == "/" ? "/" : root.TrimEnd('/');
        error.Message.ShouldContain($"The lake folder {shown} is refused");
        FileSystemObjectStore.FindRootProblem(root).ShouldNotBeNull();
    }

    [Fact]
    public void A_root_that_links_to_a_system_folder_is_refused_and_the_home_folder_itself_too()
    {
        var link = sandbox.Combine("innocent-name");
        Directory.CreateSymbolicLink(link, "/etc");

        FileSystemObjectStore.FindRootProblem(link).ShouldNotBeNull().ShouldContain("/etc is a system folder");
        FileSystemObjectStore.FindRootProblem(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)).ShouldNotBeNull();
        FileSystemObjectStore.FindRootProblem(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "lake")).ShouldBeNull();
        FileSystemObjectStore.FindRootProblem("/srv/lakehouse").ShouldBeNull();
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
