using Lakehouse.Configuration;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Configuration;

/// <summary>The store the configuration builds, used for real against moto.</summary>
[Collection(UsesMoto.Name)]
public sealed class ConfiguredStoreTests(MotoFixture moto) : IDisposable
{
    private readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public async Task An_s3_lake_configured_through_the_environment_reads_and_writes_with_the_environments_credentials()
    {
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        using (var creator = new S3ObjectStore(options))
        {
            await creator.EnsureBucketAsync(CancellationToken.None);
        }

        // Given S3 storage set up purely through environment variables
        var environment = new Dictionary<string, string>
        {
            ["Lakehouse__Storage__Kind"] = "S3",
            ["Lakehouse__Storage__S3__ServiceUrl"] = moto.ServiceUrl.ToString(),
            ["Lakehouse__Storage__S3__Bucket"] = options.Bucket,
            ["AWS_ACCESS_KEY_ID"] = moto.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = moto.SecretKey,
        };
        var configuration = LakehouseConfiguration.Build(work.Path, work.Path, environment, configFile: null);
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        provider.ValidateLakehouseOptions();
        var store = provider.GetRequiredService<IObjectStore>();

        // When an object is written and read back
        var key = ObjectKey.Parse("bronze/spacex/launches/all/run-0001.json");
        await store.PutBytesAsync(key, "[]"u8.ToArray(), CancellationToken.None);

        // Then it is there, in that bucket
        (await store.ReadAllBytesAsync(key, CancellationToken.None)).ShouldBe("[]"u8.ToArray());
        store.Describe.ShouldStartWith($"s3://{options.Bucket}/");
    }
}
