namespace Lakehouse.Storage;

/// <summary>
/// Where the lake's objects live: a local folder (the embedded default) or an S3 bucket (MinIO). Every piece of lake
/// state goes through this seam, so the pipeline behaves the same on a laptop and on a cluster; the contract tests
/// run one suite against both implementations.
/// </summary>
/// <remarks>
/// Promises every implementation keeps: a put is all-or-nothing (a reader sees the old object or the new one, never
/// part of one); a listing made after a write returns it (read-after-write and list-after-write consistency, which
/// the lake's leases rely on: there is no create-if-absent); listing returns objects only (no folders, no in-flight
/// writes); no write goes out while the <see cref="WriteFence"/> forbids it; failures are
/// <see cref="ObjectStoreException"/>s whose message names the store, operation and key.
/// </remarks>
internal interface IObjectStore
{
    /// <summary>
    /// Where the objects are, for logs and messages: <c>folder /srv/lake</c> or <c>s3://lake at http://minio:9000</c>.
    /// Never holds credentials.
    /// </summary>
    string Describe { get; }

    /// <summary>Writes <paramref name="content"/> (from its current position to its end) as the object, replacing any.</summary>
    Task PutAsync(ObjectKey key, Stream content, CancellationToken ct);

    /// <summary>
    /// Writes a local file as the object, streaming it (large files go up in parts on S3), replacing any.
    /// </summary>
    Task PutFileAsync(ObjectKey key, string localPath, CancellationToken ct);

    /// <summary>Opens the object for reading; the caller disposes the stream.</summary>
    /// <exception cref="ObjectNotFoundException">There is no such object.</exception>
    Task<Stream> OpenReadAsync(ObjectKey key, CancellationToken ct);

    /// <summary>
    /// Copies the object to <paramref name="localPath"/> (creating its folder), through a temp file and a rename so
    /// that a reader of <paramref name="localPath"/> never sees half a file.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">There is no such object; <paramref name="localPath"/> is untouched.</exception>
    Task DownloadToFileAsync(ObjectKey key, string localPath, CancellationToken ct);

    /// <summary>Whether the object exists.</summary>
    Task<bool> ExistsAsync(ObjectKey key, CancellationToken ct);

    /// <summary>The object's size and time, or null when it does not exist.</summary>
    Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken ct);

    /// <summary>
    /// Every object whose key starts with <paramref name="prefix"/>, at any depth, in ordinal key order.
    /// The prefix is a plain string prefix, as on S3 (see <see cref="ObjectKey.ValidatePrefix"/>); empty means all.
    /// </summary>
    /// <exception cref="InvalidObjectKeyException">The prefix breaks a key rule (thrown by the call itself, before enumerating).</exception>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// The object's path on this machine when the store is a local folder, so DuckDB can read it in place; null for
    /// a remote store, whose objects are read through <see cref="DownloadToFileAsync"/>.
    /// </summary>
    string? LocalPathOf(ObjectKey key);

    /// <summary>Deletes the object; deleting one that does not exist is not an error.</summary>
    Task DeleteAsync(ObjectKey key, CancellationToken ct);

    /// <summary>
    /// Moves the object to <paramref name="target"/>, replacing any object there, without its bytes passing through
    /// this process: the folder store renames the file, S3 copies it inside the server and then deletes the source.
    /// The target appears whole or not at all. On S3 the two steps are separate requests, so a crash between them
    /// leaves both objects; moving again (or deleting the source) finishes it.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">There is no object at <paramref name="source"/>; the target is untouched.</exception>
    Task MoveAsync(ObjectKey source, ObjectKey target, CancellationToken ct);
}
