using Lakehouse.Configuration;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Configuration;

/// <summary>The store the configuration builds, used for real against s3rver.</summary>
[Collection(UsesS3rver.Name)]
public sealed class ConfiguredStoreTests(S3rverFixture s3rver) : IDisposable
{
    private readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [SkippableFact]
    public async Task An_s3_lake_configured_through_the_environment_reads_and_writes_with_the_environments_credentials()
    {
        RealDependency.Require(s3rver.MissingReason);
        var bucket = await NewBucketAsync();

        // Given S3 storage set up purely through environment variables
        using var provider = Provider(bucket, accessKey: S3rverFixture.AccessKey, secretKey: S3rverFixture.SecretKey);
        var store = provider.GetRequiredService<IObjectStore>();

        // When an object is written and read back
        var key = ObjectKey.Parse("bronze/spacex/launches/all/run-0001.json");
        await store.PutBytesAsync(key, "[]"u8.ToArray(), CancellationToken.None);

        // Then it is there, in that bucket
        (await store.ReadAllBytesAsync(key, CancellationToken.None)).ShouldBe("[]"u8.ToArray());
        store.Describe.ShouldStartWith($"s3://{bucket}/");
    }

    [SkippableFact]
    public async Task Credentials_the_server_does_not_know_are_refused_with_a_storage_error()
    {
        RealDependency.Require(s3rver.MissingReason);
        var bucket = await NewBucketAsync();
        using var provider = Provider(bucket, accessKey: "NOT-A-KNOWN-KEY", secretKey: "whatever-secret");
        var store = provider.GetRequiredService<IObjectStore>();

        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1], CancellationToken.None));

        error.Message.ShouldNotContain("whatever-secret");
    }

    private async Task<string> NewBucketAsync()
    {
        var options = s3rver.OptionsForNewBucket();
        using var creator = new S3ObjectStore(options);
        await creator.EnsureBucketAsync(CancellationToken.None);
        return options.Bucket;
    }

    private ServiceProvider Provider(string bucket, string accessKey, string secretKey)
    {
        var environment = new Dictionary<string, string>
        {
            ["Lakehouse__Storage__Kind"] = "S3",
            ["Lakehouse__Storage__S3__ServiceUrl"] = s3rver.ServiceUrl.ToString(),
            ["Lakehouse__Storage__S3__Bucket"] = bucket,
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        };
        var configuration = LakehouseConfiguration.Build(work.Path, work.Path, environment, configFile: null);
        var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        provider.ValidateLakehouseOptions();
        return provider;
    }
}
