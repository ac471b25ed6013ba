using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Storage;

/// <summary>
/// What the S3 store promises beyond the shared contract: failures that say what to check, bounded in time,
/// and never a credential in a message.
/// </summary>
[Collection(UsesS3rver.Name)]
public sealed class S3ObjectStoreTests(S3rverFixture s3rver)
{
    private const string Secret = "wJalrXUtnFEMI-not-a-real-secret";

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task An_endpoint_that_is_down_fails_after_the_bounded_retries_with_a_transient_error_naming_it()
    {
        var port = ClosedLoopbackPort();
        using var store = new S3ObjectStore(new S3ObjectStoreOptions
        {
            ServiceUrl = new Uri($"http://127.0.0.1:{port}"),
            Bucket = "lake",
            AccessKey = "AKIAEXAMPLE",
            SecretKey = Secret,
            MaxAttempts = 3,
        });
        var stopwatch = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1, 2, 3], Ct));

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "a sanity bound, not a benchmark");
        error.IsTransient.ShouldBeTrue();
        error.Operation.ShouldBe("PutObject");
        error.Key.ShouldBe("bronze/x.json");
        error.Message.ShouldContain($"http://127.0.0.1:{port}");
        error.Message.ShouldContain("bucket lake");
        error.Message.ShouldContain("3 attempts");
        error.Message.ShouldContain("ServiceUrl");
        error.Message.ShouldNotContain(Secret);
    }

    [Fact]
    public async Task Every_operation_on_an_endpoint_that_is_down_fails_with_an_ObjectStoreException()
    {
        using var store = new S3ObjectStore(new S3ObjectStoreOptions
        {
            ServiceUrl = new Uri($"http://127.0.0.1:{ClosedLoopbackPort()}"),
            Bucket = "lake",
            MaxAttempts = 1,
        });
        var key = ObjectKey.Parse("a.json");

        (await Should.ThrowAsync<ObjectStoreException>(() => store.OpenReadAsync(key, Ct))).Operation.ShouldBe("GetObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.GetInfoAsync(key, Ct))).Operation.ShouldBe("HeadObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.DeleteAsync(key, Ct))).Operation.ShouldBe("DeleteObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", Ct))).Operation.ShouldBe("ListObjectsV2");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.EnsureBucketAsync(Ct))).Message.ShouldContain("1 attempt:");
    }

    [SkippableFact]
    public async Task A_missing_bucket_is_named_in_the_error()
    {
        RealDependency.Require(s3rver.MissingReason);
        var options = s3rver.OptionsForNewBucket();
        using var store = new S3ObjectStore(options);
        var key = ObjectKey.Parse("bronze/x.json");

        var put = await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [1], Ct));
        var head = await Should.ThrowAsync<ObjectStoreException>(() => store.ExistsAsync(key, Ct));
        var list = await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", Ct));

        foreach (var error in new[] { put, head, list })
        {
            error.Message.ShouldContain($"Bucket \"{options.Bucket}\" does not exist");
            error.Message.ShouldContain(s3rver.ServiceUrl.ToString().TrimEnd('/'));
            error.IsTransient.ShouldBeFalse();
        }
    }

    [SkippableFact]
    public async Task Rejected_credentials_are_reported_without_the_secret()
    {
        RealDependency.Require(s3rver.MissingReason);
        var options = s3rver.OptionsForNewBucket();
        using (var owner = new S3ObjectStore(options))
        {
            await owner.EnsureBucketAsync(Ct);
        }

        options.AccessKey = "NOT-AN-ACCOUNT";
        options.SecretKey = Secret;
        using var store = new S3ObjectStore(options);

        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1], Ct));

        error.Message.ShouldContain("access key");
        error.Message.ShouldNotContain(Secret);
        error.Message.ShouldNotContain("NOT-AN-ACCOUNT");
        error.IsTransient.ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Stores_with_different_prefixes_share_a_bucket_without_seeing_each_other()
    {
        RealDependency.Require(s3rver.MissingReason);
        var firstOptions = s3rver.OptionsForNewBucket();
        firstOptions.Prefix = "lakes/first";
        using var first = new S3ObjectStore(firstOptions);
        await first.EnsureBucketAsync(Ct);
        var secondOptions = s3rver.OptionsForNewBucket();
        secondOptions.Bucket = firstOptions.Bucket;
        secondOptions.Prefix = "lakes/second/";
        using var second = new S3ObjectStore(secondOptions);
        var key = ObjectKey.Parse("bronze/spacex/launches/all/x.json");

        await first.PutBytesAsync(key, "first"u8.ToArray(), Ct);
        await second.PutBytesAsync(key, "second"u8.ToArray(), Ct);

        (await first.ReadAllBytesAsync(key, Ct)).ShouldBe("first"u8.ToArray());
        (await second.ReadAllBytesAsync(key, Ct)).ShouldBe("second"u8.ToArray());
        (await first.ListAllAsync("", Ct)).Select(info => info.Key).ShouldBe([key]);
        first.Describe.ShouldContain("/lakes/first/ at ");
    }

    [SkippableFact]
    public async Task Ensuring_the_bucket_twice_is_harmless()
    {
        RealDependency.Require(s3rver.MissingReason);
        using var store = await s3rver.CreateStoreAsync();

        await store.EnsureBucketAsync(Ct);

        (await store.ListAllAsync("", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public void Describe_names_the_bucket_and_endpoint_but_no_credentials()
    {
        using var store = new S3ObjectStore(new S3ObjectStoreOptions
        {
            ServiceUrl = new Uri("http://minio.local:9000/"),
            Bucket = "lake",
            AccessKey = "AKIAEXAMPLE",
            SecretKey = Secret,
        });

        store.Describe.ShouldBe("s3://lake/ at http://minio.local:9000");
    }

    [Theory]
    [InlineData(null, "lake", "ServiceUrl is required")]
    [InlineData("ftp://host", "lake", "ServiceUrl must be an absolute http or https URL")]
    [InlineData("http://user:pw@host:9000", "lake", "ServiceUrl must not contain credentials")]
    [InlineData("http://host:9000", "Lake_Bucket", "Bucket must be an S3 bucket name")]
    [InlineData("http://host:9000", "", "Bucket must be an S3 bucket name")]
    public void Invalid_options_are_rejected_naming_the_configuration_key(string? serviceUrl, string bucket, string expected)
    {
        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = serviceUrl is null ? null : new Uri(serviceUrl),
            Bucket = bucket,
        };

        var error = Should.Throw<ArgumentException>(() => new S3ObjectStore(options));

        error.Message.ShouldContain($"{S3ObjectStoreOptions.SectionName}:{expected}");
        error.Message.ShouldNotContain("pw");
    }

    [Fact]
    public void Tuning_options_are_validated()
    {
        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = new Uri("http://host:9000"),
            Bucket = "lake",
            MaxAttempts = 0,
            MultipartPartSize = 1024,
            MaxKeysPerPage = 5000,
            AccessKey = "only-half",
        };

        var problems = string.Join(Environment.NewLine, options.Validate());

        problems.ShouldContain("MaxAttempts");
        problems.ShouldContain("MultipartPartSize");
        problems.ShouldContain("MaxKeysPerPage");
        problems.ShouldContain("only one of them");
        problems.ShouldNotContain("only-half");
    }

    /// <summary>A loopback port with nothing listening: bound, read and released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
