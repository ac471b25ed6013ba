using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>The object store contract on S3 through the Minio client, against moto (the main server), a fresh bucket per store.</summary>
[Collection(UsesMoto.Name)]
public sealed class MotoObjectStoreContractTests(MotoFixture moto) : S3ObjectStoreContract(moto);

/// <summary>
/// The same contract against s3rver, a second implementation of the protocol (behind the harness's proxy that puts
/// its list answers into S3's XML namespace; see <see cref="S3rverFixture"/>).
/// </summary>
[Collection(UsesS3rver.Name)]
public sealed class S3rverObjectStoreContractTests(S3rverFixture s3rver) : S3ObjectStoreContract(s3rver);

public abstract class S3ObjectStoreContract(S3ServerFixture server) : ObjectStoreContract
{
    private readonly List<S3ObjectStore> stores = [];

    internal override async Task<IObjectStore> CreateStoreAsync()
    {
        RealDependency.Require(server.MissingReason);
        var store = await server.CreateStoreAsync();
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
