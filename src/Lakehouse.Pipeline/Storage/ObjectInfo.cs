namespace Lakehouse.Storage;

/// <summary>What a store knows about one object without reading it.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="LastModified">When it was last written, as the store records it (S3: to the second).</param>
internal sealed record ObjectInfo(ObjectKey Key, long Size, DateTimeOffset LastModified);
