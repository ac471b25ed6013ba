using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Lakehouse.Storage;

/// <summary>
/// The lake in a bucket on an S3-protocol server: MinIO (several nodes share it) or, in tests, s3rver.
/// </summary>
/// <remarks>
/// Only plain object operations are used (no TransferUtility, CopyObject or conditional writes) because they are what
/// every S3-protocol server implements the same way. A put is atomic on S3 itself: an object appears whole or not at
/// all, and a multipart upload becomes visible only when it is completed.
/// </remarks>
internal sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly S3ObjectStoreOptions options;
    private readonly AmazonS3Client client;
    private readonly string keyPrefix;
    private readonly string endpoint;

    // Set once the bucket is known to exist, so that a 404 on HEAD can be told apart from a missing bucket cheaply.
    private volatile bool bucketConfirmed;

    /// <param name="options">Validated here; every problem is named in one <see cref="ArgumentException"/>.</param>
    public S3ObjectStore(S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"S3 storage is misconfigured: {string.Join(" ", problems)}", nameof(options));
        }

        this.options = options;
        var serviceUrl = options.ServiceUrl!;
        endpoint = serviceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        keyPrefix = options.Prefix.Trim('/') is { Length: > 0 } prefix ? prefix + "/" : "";

        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl.ToString(),
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,

            // MinIO and s3rver reject or mangle the CRC trailers that SDK v4 adds by default.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,

            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxAttempts - 1,

            // Retry throttling would quietly skip retries after a burst of failures; the attempt count in our messages
            // should be the truth, and the pipeline bounds its own retries above this.
            ThrottleRetries = false,
            Timeout = options.RequestTimeout,
            ConnectTimeout = options.RequestTimeout,
        };

        // Anonymous rather than the SDK's default chain when no keys are given: the chain would probe profiles and the
        // EC2 metadata endpoint, which takes seconds off-cloud and could pick up credentials meant for something else.
        AWSCredentials credentials = string.IsNullOrEmpty(options.AccessKey)
            ? new AnonymousAWSCredentials()
            : new BasicAWSCredentials(options.AccessKey, options.SecretKey);
        client = new AmazonS3Client(credentials, config);
    }

    /// <inheritdoc />
    public string? LocalPathOf(ObjectKey key) => null;

    /// <inheritdoc />
    public string Describe => $"s3://{options.Bucket}/{keyPrefix} at {endpoint}";

    /// <summary>Creates the bucket when it does not exist yet (for <c>init</c> and tests).</summary>
    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (await BucketExistsAsync(ct))
        {
            return;
        }

        await Call("CreateBucket", null, async c =>
        {
            try
            {
                await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Bucket }, c);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // Created concurrently (another node running init): the outcome asked for.
            }

            return true;
        }, ct);
        bucketConfirmed = true;
    }

    /// <inheritdoc />
    public async Task PutAsync(ObjectKey key, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(content);
        if (content.CanSeek)
        {
            await PutSeekableAsync(key, content, ct);
            return;
        }

        // The SDK must know the length up front and rewind to retry, so a one-way stream is spooled to a local temp
        // file first (not memory: it may be large).
        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), $"lakehouse-s3-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (spool)
        {
            await content.CopyToAsync(spool, ct);
            spool.Position = 0;
            await PutSeekableAsync(key, spool, ct);
        }
    }

    /// <inheritdoc />
    public async Task PutFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        FileStream file;
        try
        {
            file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not read local file {localPath} to store it as \"{key}\" in {Describe}: {e.Message}",
                "PutFile", key.Value, isTransient: false, e);
        }

        await using (file)
        {
            await PutSeekableAsync(key, file, ct);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        var response = await Call(
            "GetObject", key.Value,
            c => client.GetObjectAsync(new GetObjectRequest { BucketName = options.Bucket, Key = FullKey(key) }, c),
            ct);

        // Disposing the response stream releases the HTTP response (and its connection) too.
        return response.ResponseStream;
    }

    /// <inheritdoc />
    public async Task DownloadToFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);

        // Opened before the target is touched, so a missing object leaves localPath as it was.
        await using var source = await OpenReadAsync(key, ct);
        try
        {
            await LocalFile.WriteAtomicallyAsync(Path.GetFullPath(localPath), source.CopyToAsync, ct);
        }
        catch (HttpIOException e)
        {
            throw new ObjectStoreException(
                $"S3 endpoint {endpoint} (bucket {options.Bucket}) broke off sending \"{key}\": {e.Message}",
                "GetObject", key.Value, isTransient: true, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not copy object \"{key}\" from {Describe} to local file {localPath}: {e.Message}",
                "Download", key.Value, isTransient: false, e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(ObjectKey key, CancellationToken ct) => await GetInfoAsync(key, ct) is not null;

    /// <inheritdoc />
    public async Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        var info = await Call("HeadObject", key.Value, async c =>
        {
            try
            {
                var head = await client.GetObjectMetadataAsync(
                    new GetObjectMetadataRequest { BucketName = options.Bucket, Key = FullKey(key) }, c);
                return new ObjectInfo(key, head.ContentLength, ToUtc(head.LastModified));
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

        // A HEAD response has no body, so a missing key and a missing bucket look the same (404); ask once.
        if (info is null && !bucketConfirmed && !await BucketExistsAsync(ct))
        {
            throw MissingBucket("HeadObject", key.Value);
        }

        return info;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct)
    {
        // Validated here rather than inside the iterator, so a bad prefix fails at the call, not at the first MoveNext.
        ObjectKey.ValidatePrefix(prefix);
        return ListValidatedAsync(prefix, ct);
    }

    /// <summary>
    /// Creates the object only when the key is free: a HEAD first, then a PUT with <c>If-None-Match: *</c> (MinIO and
    /// AWS answer 412 when another writer got there first), then, after <see cref="S3ObjectStoreOptions.CreateSettle"/>,
    /// a read-back that must find this call's own bytes.
    /// </summary>
    /// <remarks>
    /// On a server that honours the conditional PUT this is exact. On one that ignores it (s3rver does), two writers
    /// racing for a free key overwrite each other and the read-back decides: the last writer wins, and the earlier one
    /// sees foreign bytes and backs off, provided its read-back comes after the later write, i.e. provided the two
    /// PUTs land within the settle time of each other's HEAD. A writer stalled longer than that between its HEAD and
    /// its PUT can still believe it won: that is the honest limit of a store without conditional writes.
    /// </remarks>
    public async Task<bool> TryCreateAsync(ObjectKey key, byte[] content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(content);
        if (await GetInfoAsync(key, ct) is not null)
        {
            return false;
        }

        var created = await Call("PutObject", key.Value, async c =>
        {
            try
            {
                using var body = new MemoryStream(content, writable: false);
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = options.Bucket,
                    Key = FullKey(key),
                    InputStream = body,
                    AutoCloseStream = false,
                    UseChunkEncoding = false,
                    IfNoneMatch = "*",
                }, c);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
            {
                return false;
            }
        }, ct);
        if (!created)
        {
            return false;
        }

        await Task.Delay(options.CreateSettle, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var stream = await OpenReadAsync(key, ct);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                return buffer.ToArray().AsSpan().SequenceEqual(content);
            }
            catch (ObjectNotFoundException)
            {
                // Deleted at once by someone who saw it as theirs to release: not ours either way.
                return false;
            }
            catch (AmazonClientException e) when (attempt < 5 && e.Message.Contains("hash", StringComparison.OrdinalIgnoreCase))
            {
                // The read crossed another writer's PUT of the same key (a server that ignores If-None-Match lets it
                // overwrite): read again once that write has landed; its final bytes decide.
                await Task.Delay(options.CreateSettle / 5, ct);
            }
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);

        // S3 answers 204 for a key that does not exist, which is the "no error" the contract asks for.
        await Call(
            "DeleteObject", key.Value,
            c => client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = options.Bucket, Key = FullKey(key) }, c),
            ct);
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();

    private async IAsyncEnumerable<ObjectInfo> ListValidatedAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request
            {
                BucketName = options.Bucket,
                Prefix = keyPrefix + prefix,
                MaxKeys = options.MaxKeysPerPage,
                ContinuationToken = continuation,
            };
            var page = await Call("ListObjectsV2", prefix, c => client.ListObjectsV2Async(request, c), ct);

            // S3 returns keys in UTF-8 byte order, which is ordinal order for the lake's ASCII keys.
            foreach (var item in page.S3Objects ?? [])
            {
                // Objects that are no valid lake key (folder markers "x/", files put there by other tools) are skipped,
                // as the folder store skips stray files.
                if (item.Key.StartsWith(keyPrefix, StringComparison.Ordinal)
                    && ObjectKey.TryParse(item.Key[keyPrefix.Length..], out var key))
                {
                    yield return new ObjectInfo(key, item.Size ?? 0, ToUtc(item.LastModified));
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    private async Task PutSeekableAsync(ObjectKey key, Stream content, CancellationToken ct)
    {
        var start = content.Position;
        var length = content.Length - start;
        if (length > options.MultipartThreshold)
        {
            await PutMultipartAsync(key, content, start, length, ct);
            return;
        }

        using var body = new StreamSlice(content, start, length);
        await Call("PutObject", key.Value, c => client.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = options.Bucket,
                Key = FullKey(key),
                InputStream = body,
                AutoCloseStream = false,

                // Without this, s3rver stores the aws-chunked framing as the object's content: silent corruption.
                UseChunkEncoding = false,
            }, c), ct);
    }

    private async Task PutMultipartAsync(ObjectKey key, Stream content, long start, long length, CancellationToken ct)
    {
        var upload = await Call("CreateMultipartUpload", key.Value, c => client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = options.Bucket, Key = FullKey(key) }, c), ct);
        try
        {
            var parts = new List<PartETag>();
            var partNumber = 1;
            for (long offset = 0; offset < length; offset += options.MultipartPartSize, partNumber++)
            {
                var size = Math.Min(options.MultipartPartSize, length - offset);
                using var part = new StreamSlice(content, start + offset, size);
                var number = partNumber;
                var uploaded = await Call("UploadPart", key.Value, c => client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = options.Bucket,
                        Key = FullKey(key),
                        UploadId = upload.UploadId,
                        PartNumber = number,
                        InputStream = part,
                        PartSize = size,
                        IsLastPart = offset + size == length,
                        UseChunkEncoding = false,
                    }, c), ct);
                parts.Add(new PartETag(number, uploaded.ETag));
            }

            await Call("CompleteMultipartUpload", key.Value, c => client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest
                {
                    BucketName = options.Bucket,
                    Key = FullKey(key),
                    UploadId = upload.UploadId,
                    PartETags = parts,
                }, c), ct);
        }
        catch
        {
            await AbortQuietlyAsync(key, upload.UploadId);
            throw;
        }
    }

    /// <summary>Frees the parts of a failed upload; if that fails too, MinIO's lifecycle cleanup gets them later.</summary>
    private async Task AbortQuietlyAsync(ObjectKey key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload should still be cleaned up.
            using var timeout = new CancellationTokenSource(options.RequestTimeout);
            await client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = options.Bucket, Key = FullKey(key), UploadId = uploadId },
                timeout.Token);
        }
#pragma warning disable CA1031 // Best effort on a path that is already failing; the original error is what matters.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<bool> BucketExistsAsync(CancellationToken ct)
    {
        var exists = await Call("HeadBucket", null, async c =>
        {
            try
            {
                await client.HeadBucketAsync(new HeadBucketRequest { BucketName = options.Bucket }, c);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, ct);
        bucketConfirmed = exists;
        return exists;
    }

    private string FullKey(ObjectKey key) => keyPrefix + key.Value;

    /// <summary>Runs one SDK call and turns its failures into <see cref="ObjectStoreException"/>s that say what to check.</summary>
    private async Task<T> Call<T>(string operation, string? key, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not ObjectStoreException && Translate(operation, key, e) is { } translated)
        {
            throw translated;
        }
    }

    private ObjectStoreException? Translate(string operation, string? key, Exception e)
    {
        var where = $"S3 endpoint {endpoint} (bucket {options.Bucket})";
        var attempts = options.MaxAttempts == 1 ? "1 attempt" : $"{options.MaxAttempts} attempts";
        var subject = key is null ? "" : $" of \"{key}\"";

        if (e is AmazonServiceException { StatusCode: not 0 } service)
        {
            var code = string.IsNullOrEmpty(service.ErrorCode) ? ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : service.ErrorCode;
            return code switch
            {
                "NoSuchKey" when key is not null => new ObjectNotFoundException(Describe, operation, key, e),
                "NoSuchBucket" => MissingBucket(operation, key, e),
                "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" =>
                    new ObjectStoreException(
                        $"{where} refused {operation}{subject}: {code}. Check the S3 access key and secret key given " +
                        "through the environment, and that they may use this bucket.",
                        operation, key, isTransient: false, e),
                _ when (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests || code == "SlowDown" =>
                    new ObjectStoreException(
                        $"{where} failed {operation}{subject} after {attempts}: {code} {service.Message}. The server is " +
                        "overloaded or failing; try again later.",
                        operation, key, isTransient: true, e),
                _ => new ObjectStoreException(
                    $"{where} refused {operation}{subject}: {code} {service.Message}",
                    operation, key, isTransient: false, e),
            };
        }

        if (e is OperationCanceledException or TimeoutException)
        {
            return new ObjectStoreException(
                $"{where} did not answer {operation}{subject} within {options.RequestTimeout.TotalSeconds:0.#} s, " +
                $"after {attempts}. Check {S3ObjectStoreOptions.SectionName}:ServiceUrl, that the server is running, " +
                $"and {S3ObjectStoreOptions.SectionName}:RequestTimeout for slow links.",
                operation, key, isTransient: true, e);
        }

        if (e is HttpRequestException or IOException or SocketException or AmazonClientException)
        {
            return new ObjectStoreException(
                $"{where} did not answer {operation}{subject} after {attempts}: {Reason(e)}. " +
                $"Check {S3ObjectStoreOptions.SectionName}:ServiceUrl and that the server is running.",
                operation, key, isTransient: true, e);
        }

        return null;
    }

    private ObjectStoreException MissingBucket(string operation, string? key, Exception? inner = null) =>
        new($"Bucket \"{options.Bucket}\" does not exist at S3 endpoint {endpoint} ({operation} failed). Create it " +
            $"(lakehouse init) or check {S3ObjectStoreOptions.SectionName}:Bucket.",
            operation, key, isTransient: false, inner);

    /// <summary>The innermost message, e.g. the socket's "Connection refused", without the SDK's wrapping.</summary>
    private static string Reason(Exception e)
    {
        var socket = e as SocketException;
        for (var inner = e.InnerException; inner is not null && socket is null; inner = inner.InnerException)
        {
            socket = inner as SocketException;
        }

        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return (socket?.Message ?? innermost.Message).TrimEnd('.');
    }

    private static DateTimeOffset ToUtc(DateTime? value) => value switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } unspecified => new DateTimeOffset(unspecified, TimeSpan.Zero),
        { } known => new DateTimeOffset(known.ToUniversalTime(), TimeSpan.Zero),
    };
}
