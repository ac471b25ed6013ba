namespace Lakehouse.Storage;

/// <summary>
/// An object store operation failed. The message says which store, operation and key, and what to check;
/// <see cref="IsTransient"/> tells a caller whether trying again later may succeed (an endpoint that is down, a
/// timeout, a 5xx) or not (a missing bucket, rejected credentials, a folder that cannot be written).
/// </summary>
internal class ObjectStoreException : LakehouseException
{
    public ObjectStoreException(string message, string operation, string? key, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        Key = key;
        IsTransient = isTransient;
    }

    /// <summary>True when the same call may succeed later without any change of configuration.</summary>
    public override bool IsTransient { get; }

    public override LakehouseStage Stage => LakehouseStage.Storage;

    /// <summary>The operation that failed, in the store's words (<c>PutObject</c>, <c>ListObjectsV2</c>, <c>Put</c>...).</summary>
    public string Operation { get; }

    /// <summary>The object key (or listing prefix) involved, when there was one.</summary>
    public string? Key { get; }
}
