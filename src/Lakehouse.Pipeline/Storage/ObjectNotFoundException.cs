namespace Lakehouse.Storage;

/// <summary>
/// The object asked for does not exist. Its own type because callers treat it as an expected outcome (a cursor or
/// manifest that was never written) rather than a failure of the store.
/// </summary>
internal sealed class ObjectNotFoundException(string storeDescription, string operation, string key, Exception? innerException = null)
    : ObjectStoreException($"Object \"{key}\" does not exist in {storeDescription}.", operation, key, isTransient: false, innerException);
