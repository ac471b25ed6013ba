using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>
/// The object store contract on S3, against s3rver on loopback, a fresh bucket per store. Listing pages hold 7 keys
/// and anything over 5 MiB goes up in 5 MiB parts, so paging and multipart uploads run without gigabytes.
/// </summary>
[Collection(UsesS3rver.Name)]
public sealed class S3ObjectStoreContractTests(S3rverFixture s3rver) : ObjectStoreContract
{
    private readonly List<S3ObjectStore> stores = [];

    internal override async Task<IObjectStore> CreateStoreAsync()
    {
        RealDependency.Require(s3rver.MissingReason);
        var store = await s3rver.CreateStoreAsync(options =>
        {
            options.MaxKeysPerPage = 7;
            options.MultipartThreshold = S3ObjectStoreOptions.MinPartSize;
            options.MultipartPartSize = S3ObjectStoreOptions.MinPartSize;
        });
        stores.Add(store);
        return store;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stores.ForEach(store => store.Dispose());
        }

        base.Dispose(disposing);
    }
}
