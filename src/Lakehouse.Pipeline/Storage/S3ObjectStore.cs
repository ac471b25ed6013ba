using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using MinioObjectNotFoundException = Minio.Exceptions.ObjectNotFoundException;

namespace Lakehouse.Storage;

/// <summary>
/// The lake in a bucket on an S3-protocol server, through the Minio client: MinIO in production (several nodes share
/// the bucket), moto and s3rver in tests.
/// </summary>
/// <remarks>
/// What Minio 7.0.0 gives and lacks, and how this store deals with it:
/// <list type="bullet">
/// <item>No retries of its own, and one 30-minute timeout per call: each operation here runs in a Polly retry
/// pipeline (bounded attempts, exponential jittered backoff, transient failures only), and every HTTP request goes
/// through <see cref="TimedRequestHandler"/>, which bounds how long the server may keep it waiting.</item>
/// <item>ListObjects V1 stops after 1,000 keys: listings use V2 (continuation tokens).</item>
/// <item>Ranged GETs fail (<c>PartialContentException</c>): objects are always read whole.</item>
/// <item>No conditional writes (an <c>If-None-Match</c> header goes out as user metadata): nothing here relies on
/// create-if-absent; leases on the lake are built on listing alone (see <c>LakeLeases</c>).</item>
/// <item>Every GET is preceded by HEAD bucket and HEAD object (the client checks before it streams); a GET of a
/// missing object therefore fails cleanly, before anything is written locally.</item>
/// <item>Objects of 5 MiB and more go up as multipart uploads in 16 MiB parts; an upload becomes visible only when
/// it is completed, so a put stays all-or-nothing. Parts of an upload that failed for good are left to the server's
/// cleanup of stale uploads (MinIO: 24 hours by default).</item>
/// </list>
/// </remarks>
internal sealed partial class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>Polly's shortest break and sampling window.</summary>
    private static readonly TimeSpan MinimumBreak = TimeSpan.FromSeconds(0.5);

    /// <summary>Objects read into memory up to this size; larger ones are spooled to a temp file.</summary>
    private const int InMemoryReadLimit = 8 * 1024 * 1024;

    private readonly S3ObjectStoreOptions options;
    private readonly HttpClient http;
    private readonly IMinioClient client;
    private readonly ResiliencePipeline resilience;
    private readonly ILogger logger;
    private readonly string keyPrefix;
    private readonly string endpoint;

    /// <param name="options">Validated here; every problem is named in one <see cref="ArgumentException"/>.</param>
    /// <param name="time">The clock for timeouts and backoff (tests may pass their own).</param>
    /// <param name="logger">Where retries are reported.</param>
    public S3ObjectStore(S3ObjectStoreOptions options, TimeProvider? time = null, ILogger<S3ObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"S3 storage is misconfigured: {string.Join(" ", problems)}", nameof(options));
        }

        this.options = options;
        this.logger = logger ?? NullLogger<S3ObjectStore>.Instance;
        time ??= TimeProvider.System;
        var serviceUrl = options.ServiceUrl!;
        endpoint = serviceUrl.GetLeftPart(UriPartial.Authority);
        keyPrefix = options.Prefix.Trim('/') is { Length: > 0 } prefix ? prefix + "/" : "";

        http = new HttpClient(new TimedRequestHandler(options.RequestTimeout, time), disposeHandler: true);
        client = new MinioClient()
            .WithEndpoint(serviceUrl.Host, serviceUrl.Port)
            .WithSSL(serviceUrl.Scheme == Uri.UriSchemeHttps)
            .WithRegion(options.Region)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithHttpClient(http)
            .Build();

        // Build() sets the client's own timeout to 30 minutes; the handler enforces the real, per-request ones.
        http.Timeout = Timeout.InfiniteTimeSpan;
        resilience = BuildResilience(time);
    }

    /// <inheritdoc />
    public string Describe => $"s3://{options.Bucket}/{keyPrefix} at {endpoint}";

    /// <inheritdoc />
    public string? LocalPathOf(ObjectKey key) => null;

    /// <summary>Creates the bucket when it does not exist yet (for tests, benchmarks and first set-ups).</summary>
    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        var exists = await Call("HeadBucket", null, c => client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), c), ct);
        if (exists)
        {
            return;
        }

        await Call("CreateBucket", null, async c =>
        {
            try
            {
                await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(options.Bucket), c);
            }
            catch (Exception e) when (IsAlreadyCreated(e))
            {
                // Created concurrently (another node setting up): the outcome asked for.
            }

            return true;
        }, ct);
    }

    /// <inheritdoc />
    public async Task PutAsync(ObjectKey key, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(content);
        if (content.CanSeek)
        {
            await PutSeekableAsync(key, content, content.Position, content.Length - content.Position, ct);
            return;
        }

        // The client must know the length up front, and a retry must start the body again: a one-way stream (an HTTP
        // response being landed) is spooled to a local temp file first (not memory: it may be large).
        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), $"lakehouse-s3-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (spool)
        {
            await content.CopyToAsync(spool, ct);
            await PutSeekableAsync(key, spool, 0, spool.Length, ct);
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
            await PutSeekableAsync(key, file, 0, file.Length, ct);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The Minio client hands a body to a callback only while its response is open, so the object is read whole
    /// first: into memory, or into a temp file (deleted on close) beyond <see cref="InMemoryReadLimit"/>.
    /// </remarks>
    public async Task<Stream> OpenReadAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await Call("GetObject", key.Value, async c =>
        {
            Stream? copy = null;
            try
            {
                await client.GetObjectAsync(
                    new GetObjectArgs().WithBucket(options.Bucket).WithObject(FullKey(key)).WithCallbackStream(async (body, c2) =>
                    {
                        // A retry of the same GET calls back again: start over.
                        if (copy is not null)
                        {
                            await copy.DisposeAsync();
                        }

                        copy = await ReadWholeAsync(body, c2);
                    }),
                    c);
                var result = copy ?? new MemoryStream([], writable: false);
                result.Position = 0;
                return result;
            }
            catch
            {
                if (copy is not null)
                {
                    await copy.DisposeAsync();
                }

                throw;
            }
        }, ct);
    }

    /// <inheritdoc />
    public async Task DownloadToFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        var target = Path.GetFullPath(localPath);
        var folder = Path.GetDirectoryName(target)!;

        // The body goes to a temp file, renamed over the target only once the whole GET has succeeded: the client
        // hands an error response's body to the callback too, before it throws.
        var temp = Path.Combine(folder, ObjectKey.ReservedTempMarker + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(folder);
            await Call("GetObject", key.Value, async c =>
            {
                await client.GetObjectAsync(
                    new GetObjectArgs().WithBucket(options.Bucket).WithObject(FullKey(key)).WithCallbackStream(
                        (body, c2) => CopyToLocalFileAsync(body, temp, c2)),
                    c);
                return true;
            }, ct);

            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not copy object \"{key}\" from {Describe} to local file {localPath}: {e.Message}",
                "Download", key.Value, isTransient: false, e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(ObjectKey key, CancellationToken ct) => await GetInfoAsync(key, ct) is not null;

    /// <inheritdoc />
    public async Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);

        // The client asks HEAD bucket before HEAD object, so a missing bucket is told apart from a missing key.
        return await Call<ObjectInfo?>("HeadObject", key.Value, async c =>
        {
            try
            {
                var stat = await client.StatObjectAsync(new StatObjectArgs().WithBucket(options.Bucket).WithObject(FullKey(key)), c);
                return new ObjectInfo(key, stat.Size, ToUtc(stat.LastModified));
            }
            catch (MinioObjectNotFoundException)
            {
                return null;
            }
        }, ct);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct)
    {
        // Validated here rather than inside the iterator, so a bad prefix fails at the call, not at the first MoveNext.
        ObjectKey.ValidatePrefix(prefix);
        return ListValidatedAsync(prefix, ct);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(ObjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);

        // S3 answers 204 for a key that does not exist, which is the "no error" the contract asks for.
        await Call("DeleteObject", key.Value, async c =>
        {
            await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(options.Bucket).WithObject(FullKey(key)), c);
            return true;
        }, ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A server-side copy (<c>PUT</c> with <c>x-amz-copy-source</c>; the client asks HEAD of the source first, so a
    /// missing source fails before anything is written), then a delete of the source. Objects above 5 GiB would need
    /// a multipart copy, which the client does by itself; silver files are far smaller.
    /// </remarks>
    public async Task MoveAsync(ObjectKey source, ObjectKey target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        await Call("CopyObject", source.Value, async c =>
        {
            await client.CopyObjectAsync(
                new CopyObjectArgs()
                    .WithBucket(options.Bucket)
                    .WithObject(FullKey(target))
                    .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(options.Bucket).WithObject(FullKey(source))),
                c);
            return true;
        }, ct);
        await DeleteAsync(source, ct);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        client.Dispose();
        http.Dispose();
    }

    private async IAsyncEnumerable<ObjectInfo> ListValidatedAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        // Collected whole inside one attempt, so that a retry after a failed page starts the listing again rather
        // than yield some keys twice.
        var found = await Call("ListObjectsV2", prefix, async c =>
        {
            var listed = new List<ObjectInfo>();
            var args = new ListObjectsArgs().WithBucket(options.Bucket).WithPrefix(keyPrefix + prefix).WithRecursive(true);
            await foreach (var item in client.ListObjectsEnumAsync(args, c))
            {
                // Objects that are no valid lake key (folder markers "x/", files put there by other tools, keys with
                // "..", "\" or a leading "/") are skipped, as the folder store skips stray files.
                if (!item.IsDir && item.Key.StartsWith(keyPrefix, StringComparison.Ordinal)
                    && ObjectKey.TryParse(item.Key[keyPrefix.Length..], out var key))
                {
                    listed.Add(new ObjectInfo(key, (long)item.Size, ToUtc(item.LastModifiedDateTime)));
                }
            }

            // S3 lists in UTF-8 byte order; the contract is ordinal (UTF-16) order, which differs above U+FFFF.
            listed.Sort((a, b) => string.CompareOrdinal(a.Key.Value, b.Key.Value));
            return listed;
        }, ct);

        foreach (var info in found)
        {
            ct.ThrowIfCancellationRequested();
            yield return info;
        }
    }

    private async Task PutSeekableAsync(ObjectKey key, Stream content, long start, long length, CancellationToken ct)
    {
        await Call("PutObject", key.Value, async c =>
        {
            // A fresh window on the caller's stream for every attempt: a retry sends the same bytes from the start,
            // and the caller's stream stays open.
            using var body = new StreamSlice(content, start, length);
            await client.PutObjectAsync(
                new PutObjectArgs()
                    .WithBucket(options.Bucket)
                    .WithObject(FullKey(key))
                    .WithStreamData(body)
                    .WithObjectSize(length)
                    .WithContentType("application/octet-stream"),
                c);
            return true;
        }, ct);
    }

    private string FullKey(ObjectKey key) => keyPrefix + key.Value;

    /// <summary>
    /// The operation's pipeline: bounded retries of transient failures, around a circuit breaker that stops sending
    /// once most recent requests went unanswered (timed out, refused), so that a run whose store went away mid-way
    /// fails its remaining steps at once instead of waiting out the budget for each. After
    /// <see cref="S3ObjectStoreOptions.RequestTimeout"/> one request is let through again to see if the server is back.
    /// </summary>
    private ResiliencePipeline BuildResilience(TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                OnRetry = args =>
                {
                    LogRetrying(endpoint, args.AttemptNumber + 1, options.MaxAttempts, args.RetryDelay.TotalSeconds, Reason(args.Outcome.Exception!));
                    return default;
                },
            });
        }

        var pause = options.RequestTimeout < MinimumBreak ? MinimumBreak : options.RequestTimeout;
        return builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 3,
            SamplingDuration = pause * 3,
            BreakDuration = pause,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsUnanswered(e)),
            OnOpened = args =>
            {
                LogCircuitOpened(endpoint, args.BreakDuration.TotalSeconds);
                return default;
            },
        }).Build();
    }

    /// <summary>
    /// Runs one store operation in the resilience pipeline and turns its final failure into an
    /// <see cref="ObjectStoreException"/> that says what to check.
    /// </summary>
    private async Task<T> Call<T>(string operation, string? key, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await resilience.ExecuteAsync(static async (call, c) => await call(c), call, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Translate(operation, key, e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Whether trying again may help: the server could not be reached or did not answer in time, a connection broke,
    /// or it answered 5xx or "slow down". Credentials, a missing bucket or key, a refused request: no.
    /// </summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        TimeoutException or TimeoutRejectedException => true,
        OperationCanceledException => false,
        MinioException minio => IsTransientResponse(minio),
        HttpRequestException or SocketException => true,
        LocalWriteException => false,
        IOException => true,
        _ => false,
    };

    /// <summary>The server did not answer at all: a timeout, a refused or broken connection.</summary>
    private static bool IsUnanswered(Exception e) => e switch
    {
        TimeoutException or TimeoutRejectedException or ConnectionException or HttpRequestException or SocketException => true,
        OperationCanceledException or LocalWriteException or MinioException => false,
        IOException => true,
        _ => false,
    };

    private static bool IsTransientResponse(MinioException e)
    {
        if (e is ConnectionException)
        {
            return true;
        }

        var status = (int)(e.ServerResponse?.StatusCode ?? 0);
        return status >= 500 || status == (int)HttpStatusCode.TooManyRequests
            || e.Response?.Code is "SlowDown" or "InternalError" or "ServiceUnavailable" or "RequestTimeout" or "Throttling";
    }

    private ObjectStoreException? Translate(string operation, string? key, Exception e)
    {
        var where = $"S3 endpoint {endpoint} (bucket {options.Bucket})";
        var subject = key is null ? "" : $" of \"{key}\"";
        var status = (e as MinioException)?.ServerResponse?.StatusCode;
        var code = (e as MinioException)?.Response?.Code;
        var check = $"Check {S3ObjectStoreOptions.SectionName}:ServiceUrl and that the server is running.";

        if (e is LocalWriteException local)
        {
            return new ObjectStoreException(
                $"Could not write the local copy{subject} from {Describe}: {local.Message} Check that the local folder (or the temp folder) is writable and has space.",
                operation, key, isTransient: false, local.InnerException);
        }

        if (e is MinioObjectNotFoundException && key is not null)
        {
            return new ObjectNotFoundException(Describe, operation, key, e);
        }

        if (e is BucketNotFoundException || code == "NoSuchBucket")
        {
            return MissingBucket(operation, key, e);
        }

        if (status == HttpStatusCode.Forbidden || code is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch"
            || (e is AuthorizationException or AccessDeniedException or ForbiddenException && !IsTransient(e)))
        {
            return new ObjectStoreException(
                $"{where} refused the credentials for {operation}{subject}{(code is null ? "" : $" ({code})")}. Check the access key " +
                "and secret key in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that this user may use the bucket.",
                operation, key, isTransient: false, e);
        }

        if (e is BrokenCircuitException)
        {
            return new ObjectStoreException(
                $"{where} is not answering: most of its recent requests timed out or were refused, so {operation}{subject} " +
                $"was not sent (the next request goes out within {(options.RequestTimeout < MinimumBreak ? MinimumBreak : options.RequestTimeout).TotalSeconds:0.#} s). {check}",
                operation, key, isTransient: true, e);
        }

        if (e is TimeoutException or TimeoutRejectedException)
        {
            return new ObjectStoreException(
                $"{where} did not answer {operation}{subject} in time; {options.DescribeBudget()}. {check}",
                operation, key, isTransient: true, e);
        }

        if (e is MinioException minio && IsTransientResponse(minio) && e is not ConnectionException)
        {
            return new ObjectStoreException(
                $"{where} failed {operation}{subject}: {code ?? $"HTTP {(int)(status ?? 0)}"}; {options.DescribeBudget()}. " +
                "The server is overloaded or failing; try again later.",
                operation, key, isTransient: true, e);
        }

        if (IsTransient(e))
        {
            return new ObjectStoreException(
                $"{where} could not be reached for {operation}{subject}: {Reason(e)}; {options.DescribeBudget()}. {check}",
                operation, key, isTransient: true, e);
        }

        if (e is MinioException other)
        {
            return new ObjectStoreException(
                $"{where} refused {operation}{subject}: {code ?? other.ServerMessage ?? other.Message}",
                operation, key, isTransient: false, e);
        }

        return null;
    }

    private ObjectStoreException MissingBucket(string operation, string? key, Exception? inner = null) =>
        new($"Bucket \"{options.Bucket}\" does not exist at S3 endpoint {endpoint} ({operation} failed). Create it " +
            $"(MinIO: mc mb ALIAS/{options.Bucket}; docker-compose.yml's minio-init service does it) or correct " +
            $"{S3ObjectStoreOptions.SectionName}:Bucket.",
            operation, key, isTransient: false, inner);

    private static bool IsAlreadyCreated(Exception e) =>
        (e is ArgumentException && e.Message.StartsWith("Bucket already owned by you", StringComparison.Ordinal))
        || (e is MinioException { Response.Code: "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" });

    /// <summary>The innermost message, e.g. the socket's "Connection refused", without the clients' wrapping.</summary>
    private static string Reason(Exception e)
    {
        var socket = e as SocketException;
        for (var inner = e.InnerException; inner is not null && socket is null; inner = inner.InnerException)
        {
            socket = inner as SocketException;
        }

        if (socket is not null)
        {
            return socket.Message.TrimEnd('.');
        }

        return (e is TimeoutException or MinioException ? e : Innermost(e)).Message.TrimEnd('.');
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static async Task<Stream> ReadWholeAsync(Stream body, CancellationToken ct)
    {
        var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (memory.Length + read <= InMemoryReadLimit)
            {
                memory.Write(buffer, 0, read);
                continue;
            }

            // Large: move to a temp file that disappears when the caller disposes the stream.
            FileStream spill;
            try
            {
                spill = new FileStream(
                    Path.Combine(Path.GetTempPath(), $"lakehouse-s3-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
                    FileShare.None, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                memory.Position = 0;
                await memory.CopyToAsync(spill, ct);
                await spill.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LocalWriteException(e);
            }

            // Reading the rest may fail on the network side (retried); writing it, on the local side (not).
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                try
                {
                    await spill.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                catch (IOException e)
                {
                    await spill.DisposeAsync();
                    throw new LocalWriteException(e);
                }
            }

            return spill;
        }

        return memory;
    }

    /// <summary>Copies a response body to a local file; a failure of the local side is marked, so it is not retried.</summary>
    private static async Task CopyToLocalFileAsync(Stream body, string path, CancellationToken ct)
    {
        FileStream file;
        try
        {
            // Create, not CreateNew: a retry of the GET writes the file again from its start.
            file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 81920, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalWriteException(e);
        }

        await using (file)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                try
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                catch (IOException e)
                {
                    throw new LocalWriteException(e);
                }
            }

            try
            {
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                throw new LocalWriteException(e);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless, listings skip it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static DateTimeOffset ToUtc(DateTime? value) => value switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } unspecified => new DateTimeOffset(unspecified, TimeSpan.Zero),
        { } known => new DateTimeOffset(known.ToUniversalTime(), TimeSpan.Zero),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "S3 endpoint {Endpoint} is not answering: no requests are sent for {BreakSeconds} s")]
    private partial void LogCircuitOpened(string endpoint, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "S3 endpoint {Endpoint}: attempt {Attempt} of {MaxAttempts} in {DelaySeconds:0.##} s after: {Reason}")]
    private partial void LogRetrying(string endpoint, int attempt, int maxAttempts, double delaySeconds, string reason);

    /// <summary>Writing the local copy failed (disk full, no permission): not the server's fault, and not retried.</summary>
    private sealed class LocalWriteException(Exception inner) : Exception(inner.Message, inner);
}
