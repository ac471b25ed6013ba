using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>The object store contract on the embedded default: a lake folder under a temp folder.</summary>
public sealed class FileSystemObjectStoreContractTests : ObjectStoreContract
{
    private readonly TempDirectory lakes = new();

    internal override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FileSystemObjectStore(lakes.Combine(Guid.NewGuid().ToString("N"), "lake")));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lakes.Dispose();
        }

        base.Dispose(disposing);
    }
}
