namespace Lakehouse.Storage;

/// <summary>Conveniences over <see cref="IObjectStore"/> for objects small enough to hold in memory.</summary>
internal static class ObjectStoreExtensions
{
    /// <summary>Writes <paramref name="content"/> as the object, replacing any.</summary>
    public static async Task PutBytesAsync(this IObjectStore store, ObjectKey key, byte[] content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        await store.PutAsync(key, stream, ct);
    }

    /// <summary>Reads the whole object.</summary>
    /// <exception cref="ObjectNotFoundException">There is no such object.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var stream = await store.OpenReadAsync(key, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>Collects a listing, for callers that need all of it at once.</summary>
    public static async Task<IReadOnlyList<ObjectInfo>> ListAllAsync(this IObjectStore store, string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync(prefix, ct))
        {
            all.Add(info);
        }

        return all;
    }
}
