using System.Security.Cryptography;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> promises, as one suite run against each implementation (the folder and S3),
/// so that the pipeline can rely on the same behaviour on a laptop and on MinIO.
/// </summary>
/// <remarks>
/// Runs on the folder store, on moto (the main S3 server) and on s3rver. Objects of 5 MiB and more go up to S3 as
/// multipart uploads, so the tests with 6 and 12 MiB bodies exercise that path; listing more than 1,000 keys pages.
/// </remarks>
public abstract class ObjectStoreContract : IDisposable
{
    /// <summary>A bound on any single test, so that a hang fails the test instead of the run.</summary>
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));

    protected ObjectStoreContract()
    {
        Local = new TempDirectory();
    }

    /// <summary>A scratch folder for local files (uploads, downloads).</summary>
    internal TempDirectory Local { get; }

    internal CancellationToken Ct => timeout.Token;

    /// <summary>A new, empty store (skipping the test when its real dependency is missing).</summary>
    internal abstract Task<IObjectStore> CreateStoreAsync();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            timeout.Dispose();
            Local.Dispose();
        }
    }

    [SkippableFact]
    public async Task An_empty_object_round_trips()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("_meta/empty.json");

        await store.PutBytesAsync(key, Array.Empty<byte>(), Ct);

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBeEmpty();
        (await store.GetInfoAsync(key, Ct)).ShouldNotBeNull().Size.ShouldBe(0);
    }

    [SkippableFact]
    public async Task An_object_with_every_byte_value_round_trips_exactly()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/binary/all-bytes.bin");
        var content = Enumerable.Range(0, 256).Select(b => (byte)b).Concat(Enumerable.Range(0, 256).Select(b => (byte)(255 - b))).ToArray();

        await store.PutBytesAsync(key, content, Ct);

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe(content);
    }

    [SkippableFact]
    public async Task Put_stores_the_stream_from_its_current_position()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/positioned.txt");
        using var stream = new MemoryStream("skip-keep this"u8.ToArray());
        stream.Position = 5;

        await store.PutAsync(key, stream, Ct);

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("keep this"u8.ToArray());
    }

    [SkippableFact]
    public async Task A_one_way_stream_is_stored_whole()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/streamed.bin");
        var content = Payload.Random(6 * 1024 * 1024 + 123, seed: 1);

        await using (var oneWay = new OneWayStream(content))
        {
            await store.PutAsync(key, oneWay, Ct);
        }

        Sha256(await store.ReadAllBytesAsync(key, Ct)).ShouldBe(Sha256(content));
    }

    [SkippableFact]
    public async Task A_file_larger_than_the_multipart_threshold_round_trips()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("silver/spacex/launches/big.parquet");
        var content = Payload.Random(12 * 1024 * 1024 + 7, seed: 2);
        var upload = Local.Combine("upload.bin");
        await File.WriteAllBytesAsync(upload, content, Ct);

        await store.PutFileAsync(key, upload, Ct);

        (await store.GetInfoAsync(key, Ct)).ShouldNotBeNull().Size.ShouldBe(content.Length);
        var download = Local.Combine("download.bin");
        await store.DownloadToFileAsync(key, download, Ct);
        Sha256(await File.ReadAllBytesAsync(download, Ct)).ShouldBe(Sha256(content));
    }

    [SkippableFact]
    public async Task Overwriting_replaces_the_whole_content()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("_meta/cursors/spacex.launches.json");
        await store.PutBytesAsync(key, "{\"cursor\":\"a much longer first version\"}"u8.ToArray(), Ct);

        await store.PutBytesAsync(key, "{\"cursor\":2}"u8.ToArray(), Ct);

        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":2}"u8.ToArray());
        (await store.GetInfoAsync(key, Ct)).ShouldNotBeNull().Size.ShouldBe(12);
    }

    [SkippableFact]
    public async Task An_object_exists_and_its_info_has_its_size_and_a_recent_time()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/nasa/apod/2026-11/20261122T0800-abc-0001.json");
        var before = TimeProvider.System.GetUtcNow();

        await store.PutBytesAsync(key, new byte[1234], Ct);

        (await store.ExistsAsync(key, Ct)).ShouldBeTrue();
        var info = (await store.GetInfoAsync(key, Ct)).ShouldNotBeNull();
        info.Key.ShouldBe(key);
        info.Size.ShouldBe(1234);
        info.LastModified.Offset.ShouldBe(TimeSpan.Zero);

        // Loose: S3 keeps whole seconds and the server's clock is not ours.
        info.LastModified.ShouldBeInRange(before.AddMinutes(-5), TimeProvider.System.GetUtcNow().AddMinutes(5));
    }

    [SkippableFact]
    public async Task A_missing_object_does_not_exist_and_has_no_info()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/never/written.json");

        (await store.ExistsAsync(key, Ct)).ShouldBeFalse();
        (await store.GetInfoAsync(key, Ct)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task A_key_that_is_only_the_folder_of_other_objects_is_not_an_object()
    {
        var store = await CreateStoreAsync();
        await store.PutBytesAsync(ObjectKey.Parse("bronze/spacex/launches/x.json"), [1], Ct);
        var folder = ObjectKey.Parse("bronze/spacex");

        (await store.ExistsAsync(folder, Ct)).ShouldBeFalse();
        (await store.GetInfoAsync(folder, Ct)).ShouldBeNull();
        await Should.ThrowAsync<ObjectNotFoundException>(() => store.OpenReadAsync(folder, Ct));
    }

    [SkippableFact]
    public async Task Listing_a_folder_prefix_returns_exactly_its_objects_at_any_depth_in_ordinal_order()
    {
        var store = await CreateStoreAsync();
        await PutAllAsync(store, LayoutKeys);

        var listed = await store.ListAllAsync("bronze/spacex/launches/", Ct);

        Keys(listed).ShouldBe(
        [
            "bronze/spacex/launches/2026-11/x.json",
            "bronze/spacex/launches/all/20261122T0800-abc-0001.json",
            "bronze/spacex/launches/all/20261122T0800-abc-0002.json",
            "bronze/spacex/launches/all/deeper/z.json",
        ]);
        listed.ShouldAllBe(info => info.Size == info.Key.Value.Length);
    }

    [SkippableFact]
    public async Task Listing_the_empty_prefix_returns_the_whole_lake_in_ordinal_order()
    {
        var store = await CreateStoreAsync();
        await PutAllAsync(store, LayoutKeys);

        var listed = await store.ListAllAsync("", Ct);

        Keys(listed).ShouldBe(LayoutKeys.Order(StringComparer.Ordinal).ToArray());
    }

    [SkippableFact]
    public async Task Listing_matches_a_partial_segment_as_a_plain_string_prefix_like_S3()
    {
        var store = await CreateStoreAsync();
        await PutAllAsync(store, LayoutKeys);

        var listed = await store.ListAllAsync("bronze/spacex/r", Ct);

        Keys(listed).ShouldBe(["bronze/spacex/rockets/all/r.json"]);
    }

    [SkippableFact]
    public async Task Listing_pages_through_more_objects_than_one_page_holds()
    {
        // Given 1,001 objects under one prefix (S3 answers at most 1,000 keys a page) and one beside it
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 1001).Select(i => $"bronze/rawg/games/page-{i:D4}.json").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (key, c) => await store.PutBytesAsync(ObjectKey.Parse(key), System.Text.Encoding.UTF8.GetBytes(key), c));
        await PutAllAsync(store, ["bronze/rawg/genres/other.json"]);

        // When the prefix is listed
        var listed = await store.ListAllAsync("bronze/rawg/games/", Ct);

        // Then every one of them comes back, once, in order (a client that stops after the first page has 1,000)
        Keys(listed).ShouldBe(keys);
    }

    [SkippableFact]
    public async Task Keys_with_characters_that_need_escaping_round_trip_and_list_in_ordinal_order()
    {
        // Given keys with spaces, '+', '%', '=', '&', an accent and a character outside the BMP (a surrogate pair)
        var store = await CreateStoreAsync();
        string[] keys =
        [
            "bronze/odd/a b.json", "bronze/odd/a+b.json", "bronze/odd/100%.json", "bronze/odd/q=1&r=2.json",
            "bronze/odd/café.json", "bronze/odd/\U0001F680.json", "bronze/odd/\uFF5E.json",
        ];
        await PutAllAsync(store, keys);

        // When each is read back, and the folder listed
        foreach (var key in keys)
        {
            (await store.ReadAllBytesAsync(ObjectKey.Parse(key), Ct)).ShouldBe(System.Text.Encoding.UTF8.GetBytes(key));
        }

        var listed = await store.ListAllAsync("bronze/odd/", Ct);

        // Then the listing names exactly those keys, in ordinal (UTF-16) order: U+1F680 sorts before U+FF5E there,
        // after it in S3's UTF-8 byte order
        Keys(listed).ShouldBe(keys.Order(StringComparer.Ordinal).ToArray());
    }

    [SkippableFact]
    public async Task A_write_fence_that_forbids_writes_stops_puts_and_deletes_before_anything_changes()
    {
        // Given an object, and a fence that forbids writes (as a lost lease does)
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("_meta/cursors/spacex.launches.json");
        await store.PutBytesAsync(key, "{\"cursor\":1}"u8.ToArray(), Ct);
        var upload = Local.Combine("fenced.bin");
        await File.WriteAllBytesAsync(upload, Payload.Random(6 * 1024 * 1024, seed: 9), Ct);

        using (WriteFence.Enter(() => throw new FenceClosedException()))
        {
            // When a put, a file put, a put of a new key and a delete are tried under it
            await Should.ThrowAsync<FenceClosedException>(() => store.PutBytesAsync(key, "{\"cursor\":2}"u8.ToArray(), Ct));
            await Should.ThrowAsync<FenceClosedException>(() => store.PutFileAsync(ObjectKey.Parse("silver/fenced.parquet"), upload, Ct));
            await Should.ThrowAsync<FenceClosedException>(() => store.DeleteAsync(key, Ct));

            // Reads still go through
            (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":1}"u8.ToArray());
        }

        // Then nothing changed, and writes work again outside the fence
        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":1}"u8.ToArray());
        (await store.ExistsAsync(ObjectKey.Parse("silver/fenced.parquet"), Ct)).ShouldBeFalse();
        await store.PutBytesAsync(key, "{\"cursor\":3}"u8.ToArray(), Ct);
        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":3}"u8.ToArray());
    }

    [SkippableFact]
    public async Task Listing_a_prefix_without_objects_returns_nothing()
    {
        var store = await CreateStoreAsync();
        await PutAllAsync(store, LayoutKeys);

        (await store.ListAllAsync("gold/", Ct)).ShouldBeEmpty();
        (await store.ListAllAsync("bronze/spacex/launches/all/20261122T0800-abc-0001.json/", Ct)).ShouldBeEmpty();
    }

    [SkippableTheory]
    [InlineData("../")]
    [InlineData("/bronze/")]
    [InlineData("bronze//")]
    [InlineData("bronze\\spacex")]
    public async Task Listing_rejects_a_prefix_that_breaks_the_key_rules(string prefix)
    {
        var store = await CreateStoreAsync();

        var error = Should.Throw<InvalidObjectKeyException>(() => store.ListAsync(prefix, Ct));

        error.Message.ShouldContain(prefix);
    }

    [SkippableFact]
    public async Task A_deleted_object_no_longer_exists_nor_is_listed()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/spacex/launches/all/old.json");
        var kept = ObjectKey.Parse("bronze/spacex/launches/all/kept.json");
        await store.PutBytesAsync(key, [1, 2, 3], Ct);
        await store.PutBytesAsync(kept, [4], Ct);

        await store.DeleteAsync(key, Ct);

        (await store.ExistsAsync(key, Ct)).ShouldBeFalse();
        Keys(await store.ListAllAsync("bronze/", Ct)).ShouldBe([kept.Value]);
        (await store.ReadAllBytesAsync(kept, Ct)).ShouldBe(new byte[] { 4 });
    }

    [SkippableFact]
    public async Task Deleting_a_missing_object_is_not_an_error_and_touches_nothing_else()
    {
        // Given a lake with one object
        var store = await CreateStoreAsync();
        var kept = ObjectKey.Parse("bronze/kept.json");
        await store.PutBytesAsync(kept, [1, 2, 3], Ct);

        // When objects that were never written are deleted
        await store.DeleteAsync(ObjectKey.Parse("bronze/never/written.json"), Ct);
        await store.DeleteAsync(ObjectKey.Parse("nowhere.json"), Ct);

        // Then the lake still holds exactly the one object, unchanged
        var listed = await store.ListAllAsync("", Ct);
        listed.Select(o => o.Key.Value).ShouldBe(["bronze/kept.json"]);
        (await store.ReadAllBytesAsync(kept, Ct)).ShouldBe(new byte[] { 1, 2, 3 });
    }

    [SkippableFact]
    public async Task A_moved_object_is_at_its_new_key_byte_for_byte_and_gone_from_the_old_one()
    {
        // Given a staged object larger than the multipart threshold (the size of a real silver file), with a key
        // holding '=' as silver's run folders do
        var store = await CreateStoreAsync();
        var staged = ObjectKey.Parse("_meta/staging/silver/spacex/launches/r1/a1/launches/0001.parquet");
        var final = ObjectKey.Parse("silver/spacex/launches/run=20261122T091500123Z-3f9a/0001.parquet");
        var content = Payload.Random(6 * 1024 * 1024 + 11, seed: 4);
        var upload = Local.Combine("staged.bin");
        await File.WriteAllBytesAsync(upload, content, Ct);
        await store.PutFileAsync(staged, upload, Ct);

        // When it is moved
        await store.MoveAsync(staged, final, Ct);

        // Then the new key holds the same bytes, the old key is gone, and a listing shows only the new one
        Sha256(await store.ReadAllBytesAsync(final, Ct)).ShouldBe(Sha256(content));
        (await store.GetInfoAsync(final, Ct)).ShouldNotBeNull().Size.ShouldBe(content.Length);
        (await store.ExistsAsync(staged, Ct)).ShouldBeFalse();
        Keys(await store.ListAllAsync("", Ct)).ShouldBe([final.Value]);
    }

    [SkippableFact]
    public async Task Moving_onto_an_existing_object_replaces_it()
    {
        var store = await CreateStoreAsync();
        var staged = ObjectKey.Parse("_meta/staging/new.parquet");
        var final = ObjectKey.Parse("silver/spacex/rockets/run=r/0001.parquet");
        await store.PutBytesAsync(final, "old content, longer than the new"u8.ToArray(), Ct);
        await store.PutBytesAsync(staged, "new"u8.ToArray(), Ct);

        await store.MoveAsync(staged, final, Ct);

        (await store.ReadAllBytesAsync(final, Ct)).ShouldBe("new"u8.ToArray());
        Keys(await store.ListAllAsync("", Ct)).ShouldBe([final.Value]);
    }

    [SkippableFact]
    public async Task Moving_a_missing_object_throws_ObjectNotFoundException_and_leaves_the_target_as_it_was()
    {
        // Given a target that exists and a source that does not (moved already, by a crashed run's successor)
        var store = await CreateStoreAsync();
        var final = ObjectKey.Parse("silver/spacex/rockets/run=r/0001.parquet");
        await store.PutBytesAsync(final, "kept"u8.ToArray(), Ct);
        var missing = ObjectKey.Parse("_meta/staging/gone.parquet");

        // When the missing source is moved onto it
        var error = await Should.ThrowAsync<ObjectNotFoundException>(() => store.MoveAsync(missing, final, Ct));

        // Then the error names the missing key, and the target is untouched
        error.Message.ShouldContain(missing.Value);
        (await store.ReadAllBytesAsync(final, Ct)).ShouldBe("kept"u8.ToArray());
        Keys(await store.ListAllAsync("", Ct)).ShouldBe([final.Value]);
    }

    [SkippableFact]
    public async Task A_write_fence_that_forbids_writes_stops_a_move_before_anything_changes()
    {
        var store = await CreateStoreAsync();
        var staged = ObjectKey.Parse("_meta/staging/fenced.parquet");
        var final = ObjectKey.Parse("silver/spacex/rockets/run=r/0001.parquet");
        await store.PutBytesAsync(staged, [1, 2, 3], Ct);

        using (WriteFence.Enter(() => throw new FenceClosedException()))
        {
            await Should.ThrowAsync<FenceClosedException>(() => store.MoveAsync(staged, final, Ct));
        }

        Keys(await store.ListAllAsync("", Ct)).ShouldBe([staged.Value]);
        (await store.ReadAllBytesAsync(staged, Ct)).ShouldBe(new byte[] { 1, 2, 3 });
    }

    [SkippableFact]
    public async Task Opening_a_missing_object_throws_ObjectNotFoundException_naming_the_key()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("_meta/runs/missing-run.json");

        var error = await Should.ThrowAsync<ObjectNotFoundException>(() => store.OpenReadAsync(key, Ct));

        error.Key.ShouldBe(key.Value);
        error.Message.ShouldContain(key.Value);
        error.IsTransient.ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Downloading_replaces_the_local_file_with_the_whole_object_and_leaves_no_temp_file()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("gold/export/fact_launch.parquet");
        var content = Payload.Random(300_000, seed: 3);
        await store.PutBytesAsync(key, content, Ct);
        var target = Local.Combine("nested", "folder", "fact_launch.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, "an older, different file", Ct);

        await store.DownloadToFileAsync(key, target, Ct);

        (await File.ReadAllBytesAsync(target, Ct)).ShouldBe(content);
        Directory.GetFiles(Path.GetDirectoryName(target)!).ShouldBe([target]);
    }

    [SkippableFact]
    public async Task A_fence_that_cancels_the_write_reaches_the_caller_as_its_own_cancellation()
    {
        // A lost lease cancels; on S3 the refusal passes through HttpClient, which would make any cancellation a timeout.
        var store = await CreateStoreAsync();
        FenceCancelledException? caught = null;
        using (WriteFence.Enter(() => throw new FenceCancelledException()))
        {
            try
            {
                await store.PutBytesAsync(ObjectKey.Parse("_meta/cursors/x.json"), [1], Ct);
            }
            catch (FenceCancelledException e)
            {
                caught = e;
            }
        }

        caught.ShouldNotBeNull();
        (await store.ExistsAsync(ObjectKey.Parse("_meta/cursors/x.json"), Ct)).ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Downloading_into_a_folder_that_does_not_exist_creates_it()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("bronze/spacex/launches/all/x.json");
        await store.PutBytesAsync(key, "[1]"u8.ToArray(), Ct);
        var target = Local.Combine("work", "silver", "spacex", "x.json");

        await store.DownloadToFileAsync(key, target, Ct);

        (await File.ReadAllBytesAsync(target, Ct)).ShouldBe("[1]"u8.ToArray());
    }

    [SkippableFact]
    public async Task Downloading_a_missing_object_throws_and_leaves_the_local_file_untouched()
    {
        var store = await CreateStoreAsync();
        var key = ObjectKey.Parse("gold/export/missing.parquet");
        var target = Local.Combine("missing.parquet");
        await File.WriteAllTextAsync(target, "keep me", Ct);

        var error = await Should.ThrowAsync<ObjectNotFoundException>(() => store.DownloadToFileAsync(key, target, Ct));

        error.Message.ShouldContain(key.Value);
        (await File.ReadAllTextAsync(target, Ct)).ShouldBe("keep me");
        Directory.GetFiles(Local.Path).ShouldBe([target]);
    }

    [SkippableFact]
    public async Task Describe_says_where_the_objects_are()
    {
        var store = await CreateStoreAsync();

        store.Describe.ShouldNotBeNullOrWhiteSpace();
        store.Describe.ShouldNotContain("secret", Case.Insensitive);
    }

    /// <summary>A small lake with siblings, depths and a partial-segment match.</summary>
    private static readonly string[] LayoutKeys =
    [
        "bronze/spacex/launches/all/20261122T0800-abc-0002.json",
        "bronze/spacex/launches/all/20261122T0800-abc-0001.json",
        "bronze/spacex/launches/2026-11/x.json",
        "bronze/spacex/launches/all/deeper/z.json",
        "bronze/spacex/rockets/all/r.json",
        "bronze/nasa/apod/all/a.json",
        "silver/spacex/launches/p.parquet",
        "_meta/cursors/spacex.json",
    ];

    /// <summary>Puts each key with its own name as content, so sizes differ and are checkable.</summary>
    private async Task PutAllAsync(IObjectStore store, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            await store.PutBytesAsync(ObjectKey.Parse(key), System.Text.Encoding.UTF8.GetBytes(key), Ct);
        }
    }

    private static string[] Keys(IEnumerable<ObjectInfo> listed) => listed.Select(info => info.Key.Value).ToArray();

    private static string Sha256(byte[] content) => Convert.ToHexString(SHA256.HashData(content));

    private sealed class FenceClosedException : Exception;

    private sealed class FenceCancelledException() : OperationCanceledException("The fence cancelled this write.");

    /// <summary>A stream that can only be read forward, like an HTTP response body.</summary>
    internal sealed class OneWayStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
