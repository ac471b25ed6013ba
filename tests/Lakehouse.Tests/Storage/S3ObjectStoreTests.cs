using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Configuration;
using Minio;
using Minio.DataModel.Args;

namespace Lakehouse.Tests.Storage;

/// <summary>
/// What the S3 store promises beyond the shared contract: failures that name the endpoint, the bucket and the
/// configuration key to fix, within a bounded time; no credential in a message; large objects in parts, intact.
/// Against moto, the main server (and a scripted HTTP server where a failure must be played exactly).
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class S3ObjectStoreTests(MotoFixture moto) : IDisposable
{
    private const string Secret = "wJalrXUtnFEMI-not-a-real-secret";

    /// <summary>Loose, for a loaded machine: the budget is the point, this only keeps a broken bound from passing.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private readonly TempDirectory temp = new();

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task An_endpoint_that_is_down_fails_within_the_budget_with_one_message_naming_it_and_the_keys_to_check()
    {
        // Given a store whose endpoint refuses connections
        var port = ClosedLoopbackPort();
        var options = Options(new Uri($"http://127.0.0.1:{port}"), maxAttempts: 3, timeout: TimeSpan.FromSeconds(2));
        using var store = new S3ObjectStore(options);
        var stopwatch = Stopwatch.StartNew();

        // When an object is put
        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1, 2, 3], Ct));

        // Then it fails within the budget, as a transient error that names the endpoint, the attempts and the keys
        stopwatch.Elapsed.ShouldBeLessThan(options.FailureBudget + Slack);
        error.IsTransient.ShouldBeTrue();
        error.Operation.ShouldBe("PutObject");
        error.Key.ShouldBe("bronze/x.json");
        error.Message.ShouldStartWith($"S3 endpoint http://127.0.0.1:{port} (bucket lake) could not be reached for PutObject of \"bronze/x.json\": Connection refused");
        error.Message.ShouldContain("tried 3 times");
        error.Message.ShouldContain("Lakehouse:Storage:S3:ServiceUrl");
        error.Message.ShouldContain("Lakehouse:Storage:S3:MaxAttempts");
        error.Message.ShouldNotContain(Secret);
        error.Message.ShouldNotContain(Environment.NewLine);
    }

    [Fact]
    public async Task Every_operation_on_an_endpoint_that_is_down_fails_with_an_ObjectStoreException_naming_it()
    {
        using var store = new S3ObjectStore(Options(new Uri($"http://127.0.0.1:{ClosedLoopbackPort()}"), maxAttempts: 1));
        var key = ObjectKey.Parse("a.json");

        (await Should.ThrowAsync<ObjectStoreException>(() => store.OpenReadAsync(key, Ct))).Operation.ShouldBe("GetObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.DownloadToFileAsync(key, temp.Combine("a.json"), Ct))).Operation.ShouldBe("GetObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.GetInfoAsync(key, Ct))).Operation.ShouldBe("HeadObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.DeleteAsync(key, Ct))).Operation.ShouldBe("DeleteObject");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", Ct))).Operation.ShouldBe("ListObjectsV2");
        (await Should.ThrowAsync<ObjectStoreException>(() => store.EnsureBucketAsync(Ct))).Operation.ShouldBe("HeadBucket");
        File.Exists(temp.Combine("a.json")).ShouldBeFalse();
        Directory.GetFiles(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_fails_after_each_attempt_times_out()
    {
        // Given a server that takes requests and answers none within a minute
        await using var server = await ScriptedHttpServer.StartAsync();
        server.Script("/lake/bronze/x.json", ScriptedResponse.Text(200, "").After(TimeSpan.FromMinutes(1)));
        var options = Options(server.BaseUrl, maxAttempts: 3, timeout: TimeSpan.FromMilliseconds(700));
        using var store = new S3ObjectStore(options);
        var stopwatch = Stopwatch.StartNew();

        // When an object is put
        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1], Ct));

        // Then each of the 3 attempts waited out its timeout, no more, and the message says where to look
        server.Requests.Count(r => r.Path == "/lake/bronze/x.json").ShouldBe(3);
        stopwatch.Elapsed.ShouldBeGreaterThanOrEqualTo(options.RequestTimeout * 3);
        stopwatch.Elapsed.ShouldBeLessThan(options.FailureBudget + Slack);
        error.IsTransient.ShouldBeTrue();
        error.Message.ShouldContain($"did not answer PutObject of \"bronze/x.json\" in time; tried 3 times, each with a 0.7 s timeout");
        error.Message.ShouldContain("Lakehouse:Storage:S3:RequestTimeout");
    }

    [Fact]
    public async Task Once_most_requests_go_unanswered_the_store_stops_sending_and_tries_again_after_a_pause()
    {
        // Given a server that leaves its first three requests unanswered and then answers again
        await using var server = await ScriptedHttpServer.StartAsync();
        var hung = ScriptedResponse.Text(200, "").After(TimeSpan.FromMinutes(1));
        server.Script("/lake/bronze/x.json", hung, hung, hung, ScriptedResponse.Text(200, "").WithHeader("ETag", "\"c4ca4238a0b923820dcc509a6f75849b\""));
        using var store = new S3ObjectStore(Options(server.BaseUrl, maxAttempts: 2, timeout: TimeSpan.FromMilliseconds(500)));
        var key = ObjectKey.Parse("bronze/x.json");

        // When two puts time out (three requests unanswered: the circuit opens during the second)
        (await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [1], Ct))).Message.ShouldContain("did not answer");
        await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [1], Ct));
        server.Requests.Count.ShouldBe(3);

        // Then the next put fails at once without a request, saying the server is not answering
        var clock = Stopwatch.StartNew();
        var open = await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [1], Ct));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(400), "no request waits for its timeout while the circuit is open");
        open.IsTransient.ShouldBeTrue();
        open.Message.ShouldContain("is not answering: most of its recent requests timed out or were refused, so PutObject of \"bronze/x.json\" was not sent");
        open.Message.ShouldContain("Lakehouse:Storage:S3:ServiceUrl");
        server.Requests.Count.ShouldBe(3);

        // And after the pause one request goes out again, and the store works once the server answers
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await store.PutBytesAsync(key, [1], Ct);
                break;
            }
            catch (ObjectStoreException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }

        server.Requests.Count.ShouldBe(4, "exactly one request went out to find the server answering again");
    }

    [Fact]
    public async Task A_server_error_is_tried_again_and_the_request_succeeds_when_the_server_recovers()
    {
        // Given a server that answers 503 SlowDown once, then accepts the object
        await using var server = await ScriptedHttpServer.StartAsync();
        server.Script(
            "/lake/bronze/x.json",
            ScriptedResponse.Text(503, SlowDown, "application/xml"),
            ScriptedResponse.Text(200, "").WithHeader("ETag", "\"5d41402abc4b2a76b9719d911017c592\""));
        using var store = new S3ObjectStore(Options(server.BaseUrl, maxAttempts: 3));

        // When an object is put
        await store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), "hello"u8.ToArray(), Ct);

        // Then the second attempt sent the same body again
        var puts = server.Requests.Where(r => r.Path == "/lake/bronze/x.json").ToList();
        puts.Count.ShouldBe(2);
        var hello = "hello"u8.ToArray();
        puts.ShouldAllBe(r => r.Method == "PUT" && r.Body.SequenceEqual(hello));
    }

    [Fact]
    public async Task A_server_that_keeps_failing_is_tried_max_attempts_times_and_reported_as_overloaded()
    {
        await using var server = await ScriptedHttpServer.StartAsync();
        server.Script("/lake/bronze/x.json", ScriptedResponse.Text(503, SlowDown, "application/xml"));
        using var store = new S3ObjectStore(Options(server.BaseUrl, maxAttempts: 4));

        var error = await Should.ThrowAsync<ObjectStoreException>(
            () => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1], Ct));

        server.Requests.Count(r => r.Path == "/lake/bronze/x.json").ShouldBe(4);
        error.IsTransient.ShouldBeTrue();
        error.Message.ShouldContain("failed PutObject of \"bronze/x.json\": SlowDown; tried 4 times");
        error.Message.ShouldContain("overloaded or failing");
    }

    [SkippableFact]
    public async Task A_frozen_server_fails_the_operation_within_the_budget_and_the_store_works_again_once_it_resumes()
    {
        // Given a moto of its own, with a lake, frozen with SIGSTOP (it accepts connections and answers nothing)
        await using var own = await MotoFixture.StartAsync();
        RealDependency.Require(own.MissingReason);
        using var store = await own.CreateStoreAsync(o =>
        {
            o.MaxAttempts = 2;
            o.RequestTimeout = TimeSpan.FromSeconds(1);
        });
        var key = ObjectKey.Parse("_meta/cursors/spacex.launches.json");
        await store.PutBytesAsync(key, "{\"cursor\":1}"u8.ToArray(), Ct);
        own.Freeze();
        try
        {
            // When an object is read while the server is frozen
            var stopwatch = Stopwatch.StartNew();
            var error = await Should.ThrowAsync<ObjectStoreException>(() => store.ReadAllBytesAsync(key, Ct));

            // Then it fails within the budget, naming the timeout
            stopwatch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
            stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(0.2) + Slack);
            error.IsTransient.ShouldBeTrue();
            error.Message.ShouldContain("did not answer GetObject");
        }
        finally
        {
            own.Thaw();
        }

        // And once it runs again, the same store reads and writes
        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":1}"u8.ToArray());
        await store.PutBytesAsync(key, "{\"cursor\":2}"u8.ToArray(), Ct);
        (await store.ReadAllBytesAsync(key, Ct)).ShouldBe("{\"cursor\":2}"u8.ToArray());
    }

    [SkippableFact]
    public async Task A_missing_bucket_gets_its_own_message_naming_the_bucket_and_the_fix()
    {
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        using var store = new S3ObjectStore(options);
        var key = ObjectKey.Parse("bronze/x.json");

        var errors = new[]
        {
            await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(key, [1], Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ExistsAsync(key, Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ReadAllBytesAsync(key, Ct)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", Ct)),
        };

        foreach (var error in errors)
        {
            error.Message.ShouldStartWith($"Bucket \"{options.Bucket}\" does not exist at S3 endpoint {moto.ServiceUrl.GetLeftPart(UriPartial.Authority)}");
            error.Message.ShouldContain("Lakehouse:Storage:S3:Bucket");
            error.Message.ShouldContain($"mc mb ALIAS/{options.Bucket}");
            error.IsTransient.ShouldBeFalse();
        }
    }

    [SkippableFact]
    public async Task Stores_with_different_prefixes_share_a_bucket_without_seeing_each_other()
    {
        RealDependency.Require(moto.MissingReason);
        var firstOptions = moto.OptionsForNewBucket();
        firstOptions.Prefix = "lakes/first";
        using var first = new S3ObjectStore(firstOptions);
        await first.EnsureBucketAsync(Ct);
        var secondOptions = moto.OptionsForNewBucket();
        secondOptions.Bucket = firstOptions.Bucket;
        secondOptions.Prefix = "lakes/second/";
        using var second = new S3ObjectStore(secondOptions);
        var key = ObjectKey.Parse("bronze/spacex/launches/all/x.json");

        await first.PutBytesAsync(key, "first"u8.ToArray(), Ct);
        await second.PutBytesAsync(key, "second"u8.ToArray(), Ct);

        (await first.ReadAllBytesAsync(key, Ct)).ShouldBe("first"u8.ToArray());
        (await second.ReadAllBytesAsync(key, Ct)).ShouldBe("second"u8.ToArray());
        (await first.ListAllAsync("", Ct)).Select(info => info.Key).ShouldBe([key]);
        (await RawKeysAsync(firstOptions)).ShouldBe(["lakes/first/bronze/spacex/launches/all/x.json", "lakes/second/bronze/spacex/launches/all/x.json"]);
        first.Describe.ShouldContain("/lakes/first/ at ");
    }

    [SkippableFact]
    public async Task Objects_another_tool_put_under_keys_that_break_the_rules_are_not_part_of_the_lake()
    {
        // Given a bucket where another tool wrote keys with "..", "\" and a leading "/" (plain HTTP: moto takes unsigned
        // requests, and no client library would send these), beside one valid object
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        using var store = new S3ObjectStore(options);
        await store.EnsureBucketAsync(Ct);
        using (var http = new HttpClient { BaseAddress = moto.ServiceUrl })
        {
            foreach (var path in new[] { "bronze/a%5Cb.json", "%2Fbronze/lead.json", "bronze/folder/", "bronze/.tmp-0123", "bronze/ok.json" })
            {
                using var put = await http.PutAsync(new Uri($"/{options.Bucket}/{path}", UriKind.Relative), new ByteArrayContent([1]), Ct);
                put.EnsureSuccessStatusCode();
            }
        }

        (await RawKeysAsync(options)).Order(StringComparer.Ordinal).ShouldBe(["/bronze/lead.json", "bronze/.tmp-0123", "bronze/a\\b.json", "bronze/folder/", "bronze/ok.json"]);

        // When the lake is listed
        var listed = await store.ListAllAsync("", Ct);

        // Then only the valid key is an object of the lake
        listed.Select(o => o.Key.Value).ShouldBe(["bronze/ok.json"]);
    }

    [SkippableFact]
    public async Task A_100_MB_bronze_body_from_a_one_way_stream_goes_up_in_parts_and_comes_back_identical()
    {
        // Given a 100 MB body arriving as a one-way stream (an HTTP response being landed)
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        using var store = new S3ObjectStore(options);
        await store.EnsureBucketAsync(Ct);
        var key = ObjectKey.Parse("bronze/rawg/games/2024-01/big-0001.json");
        var content = Payload.Random(100 * 1000 * 1000, seed: 100);

        // When it is put, then read back both ways
        await using (var body = new ObjectStoreContract.OneWayStream(content))
        {
            await store.PutAsync(key, body, Ct);
        }

        byte[] read;
        await using (var stream = await store.OpenReadAsync(key, Ct))
        {
            read = SHA256.HashData(stream);
        }

        await store.DownloadToFileAsync(key, temp.Combine("big.json"), Ct);

        // Then both copies hash as the original, and the server holds a multipart object (ETag "...-6": 16 MiB parts)
        var original = SHA256.HashData(content);
        read.ShouldBe(original);
        (await HashFileAsync(temp.Combine("big.json"))).ShouldBe(original);
        (await RawETagAsync(options, key)).ShouldEndWith("-6");
    }

    [SkippableFact]
    public async Task A_300_MB_parquet_file_goes_up_in_parts_and_comes_back_identical()
    {
        RealDependency.Require(moto.MissingReason);
        var options = moto.OptionsForNewBucket();
        using var store = new S3ObjectStore(options);
        await store.EnsureBucketAsync(Ct);
        var key = ObjectKey.Parse("silver/rawg/games/part-0.parquet");
        var upload = temp.Combine("upload.parquet");
        var original = await WriteRandomFileAsync(upload, 300 * 1000 * 1000, seed: 300);

        await store.PutFileAsync(key, upload, Ct);
        File.Delete(upload);
        await store.DownloadToFileAsync(key, temp.Combine("download.parquet"), Ct);

        (await HashFileAsync(temp.Combine("download.parquet"))).ShouldBe(original);
        (await store.GetInfoAsync(key, Ct)).ShouldNotBeNull().Size.ShouldBe(300 * 1000 * 1000);
        (await RawETagAsync(options, key)).ShouldEndWith("-18");
        Directory.GetFiles(temp.Path).ShouldBe([temp.Combine("download.parquet")]);
    }

    [SkippableFact]
    public async Task Ensuring_the_bucket_twice_is_harmless()
    {
        RealDependency.Require(moto.MissingReason);
        using var store = await moto.CreateStoreAsync();
        await store.PutBytesAsync(ObjectKey.Parse("a.json"), [1], Ct);

        await store.EnsureBucketAsync(Ct);

        (await store.ListAllAsync("", Ct)).Select(o => o.Key.Value).ShouldBe(["a.json"]);
    }

    [Fact]
    public void Describe_names_the_bucket_and_endpoint_but_no_credentials()
    {
        using var store = new S3ObjectStore(Options(new Uri("http://minio.local:9000/"), maxAttempts: 3));

        store.Describe.ShouldBe("s3://lake/ at http://minio.local:9000");
    }

    [Theory]
    [InlineData(null, "lake", "ServiceUrl is required")]
    [InlineData("ftp://host", "lake", "ServiceUrl must be an absolute http or https URL")]
    [InlineData("http://user:pw@host:9000", "lake", "ServiceUrl must not contain credentials")]
    [InlineData("http://host:9000/lake", "lake", "ServiceUrl must be the server alone")]
    [InlineData("http://host:9000", "Lake_Bucket", "Bucket must be an S3 bucket name")]
    [InlineData("http://host:9000", "", "Bucket must be an S3 bucket name")]
    public void Invalid_options_are_rejected_naming_the_configuration_key(string? serviceUrl, string bucket, string expected)
    {
        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = serviceUrl is null ? null : new Uri(serviceUrl),
            Bucket = bucket,
            AccessKey = "AKIAEXAMPLE",
            SecretKey = Secret,
        };

        var error = Should.Throw<ArgumentException>(() => new S3ObjectStore(options));

        error.Message.ShouldContain($"{S3ObjectStoreOptions.SectionName}:{expected}");
        error.Message.ShouldNotContain("pw");
        error.Message.ShouldNotContain(Secret);
    }

    [Fact]
    public void Missing_credentials_name_the_environment_variables()
    {
        var none = new S3ObjectStoreOptions { ServiceUrl = new Uri("http://host:9000"), Bucket = "lake" };
        var half = new S3ObjectStoreOptions { ServiceUrl = new Uri("http://host:9000"), Bucket = "lake", AccessKey = "only-half" };

        string.Join(" ", none.Validate()).ShouldContain("set the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        var halfProblems = string.Join(" ", half.Validate());
        halfProblems.ShouldContain("only one of them is set");
        halfProblems.ShouldNotContain("only-half");
    }

    [Fact]
    public void Tuning_options_are_validated_and_the_budget_follows_from_them()
    {
        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = new Uri("http://host:9000"),
            Bucket = "lake",
            AccessKey = "a",
            SecretKey = "b",
            MaxAttempts = 0,
            RequestTimeout = TimeSpan.Zero,
            RetryBaseDelay = TimeSpan.FromMinutes(2),
        };

        options.Validate().ShouldBe([
            "Lakehouse:Storage:S3:MaxAttempts is 0; allowed: 1 to 20.",
            "Lakehouse:Storage:S3:RequestTimeout is 00:00:00; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:10).",
            "Lakehouse:Storage:S3:RetryBaseDelay is 00:02:00; allowed: 00:00:00 to 00:01:00.",
        ]);

        // 3 attempts of 10 s, pauses of at most 0.5 × 2² = 2 s between them.
        new S3ObjectStoreOptions().FailureBudget.ShouldBe(TimeSpan.FromSeconds(34));
    }

    [Theory]
    [InlineData("MaxAttempts", "0", "Lakehouse:Storage:S3:MaxAttempts is 0; allowed: 1 to 20.")]
    [InlineData("MaxAttempts", "21", "Lakehouse:Storage:S3:MaxAttempts is 21; allowed: 1 to 20.")]
    [InlineData("RequestTimeout", "-00:00:01", "Lakehouse:Storage:S3:RequestTimeout is -00:00:01; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:10).")]
    [InlineData("RequestTimeout", "01:00:01", "Lakehouse:Storage:S3:RequestTimeout is 01:00:01; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:10).")]
    [InlineData("RetryBaseDelay", "-00:00:00.5", "Lakehouse:Storage:S3:RetryBaseDelay is -00:00:00.5; allowed: 00:00:00 to 00:01:00.")]
    public void A_tuning_value_out_of_range_is_refused_with_its_key_value_and_range(string key, string value, string expected)
    {
        // Given otherwise valid options bound from configuration, one value out of range
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ServiceUrl"] = "http://host:9000", ["Bucket"] = "lake", [key] = value })
            .Build()
            .Get<S3ObjectStoreOptions>()!;
        options.AccessKey = "a";
        options.SecretKey = "b";

        // Then the one problem names the key, the bad value as configured and the range
        options.Validate().ShouldHaveSingleItem().ShouldBe(expected);
    }

    private const string SlowDown = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

    private static S3ObjectStoreOptions Options(Uri serviceUrl, int maxAttempts, TimeSpan? timeout = null) => new()
    {
        ServiceUrl = serviceUrl,
        Bucket = "lake",
        AccessKey = "AKIAEXAMPLE",
        SecretKey = Secret,
        MaxAttempts = maxAttempts,
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(5),
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    };

    private static IMinioClient RawClient(S3ObjectStoreOptions options) =>
        new MinioClient().WithEndpoint(options.ServiceUrl!.Host, options.ServiceUrl.Port).WithCredentials(options.AccessKey, options.SecretKey)
            .WithRegion(options.Region).Build();

    /// <summary>Every key in the bucket, as another S3 tool sees it.</summary>
    private static async Task<List<string>> RawKeysAsync(S3ObjectStoreOptions options)
    {
        using var raw = RawClient(options);
        var keys = new List<string>();
        await foreach (var item in raw.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(options.Bucket).WithRecursive(true), Ct))
        {
            keys.Add(item.Key);
        }

        return keys;
    }

    private static async Task<string> RawETagAsync(S3ObjectStoreOptions options, ObjectKey key)
    {
        using var raw = RawClient(options);
        var stat = await raw.StatObjectAsync(new StatObjectArgs().WithBucket(options.Bucket).WithObject(key.Value), Ct);
        return stat.ETag.Trim('"');
    }

    private static async Task<byte[]> HashFileAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file, Ct);
    }

    /// <summary>Writes <paramref name="length"/> seeded random bytes in chunks (not all in memory) and returns their SHA-256.</summary>
    private static async Task<byte[]> WriteRandomFileAsync(string path, int length, int seed)
    {
        var random = new Random(seed);
        var chunk = new byte[4 * 1024 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        for (var written = 0; written < length; written += chunk.Length)
        {
            var size = Math.Min(chunk.Length, length - written);
            random.NextBytes(chunk.AsSpan(0, size));
            hash.AppendData(chunk, 0, size);
            await file.WriteAsync(chunk.AsMemory(0, size), Ct);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>A loopback port with nothing listening: bound, read and released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What only s3rver can show: it checks access keys (moto accepts any).</summary>
[Collection(UsesS3rver.Name)]
public sealed class S3CredentialsTests(S3rverFixture s3rver)
{
    [SkippableFact]
    public async Task Rejected_credentials_get_their_own_message_naming_the_variables_and_never_the_secret()
    {
        // Given a bucket, and a store whose access key the server does not know
        RealDependency.Require(s3rver.MissingReason);
        var options = s3rver.OptionsForNewBucket();
        using (var owner = new S3ObjectStore(options))
        {
            await owner.EnsureBucketAsync(CancellationToken.None);
        }

        options.AccessKey = "NOT-AN-ACCOUNT";
        options.SecretKey = "wJalrXUtnFEMI-not-a-real-secret";
        options.MaxAttempts = 3;
        using var store = new S3ObjectStore(options);

        // When it puts, reads and lists
        var errors = new[]
        {
            await Should.ThrowAsync<ObjectStoreException>(() => store.PutBytesAsync(ObjectKey.Parse("bronze/x.json"), [1], CancellationToken.None)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ExistsAsync(ObjectKey.Parse("bronze/x.json"), CancellationToken.None)),
            await Should.ThrowAsync<ObjectStoreException>(() => store.ListAllAsync("", CancellationToken.None)),
        };

        // Then each says the credentials were refused and where they come from, without echoing them, not as transient
        foreach (var error in errors)
        {
            error.Message.ShouldContain($"{s3rver.ServiceUrl.GetLeftPart(UriPartial.Authority)} (bucket {options.Bucket}) refused the credentials");
            error.Message.ShouldContain("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            error.Message.ShouldNotContain("NOT-AN-ACCOUNT");
            error.Message.ShouldNotContain(options.SecretKey);
            error.IsTransient.ShouldBeFalse();
        }
    }
}
