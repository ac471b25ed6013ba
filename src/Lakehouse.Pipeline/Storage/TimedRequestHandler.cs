using System.Buffers;
using System.Net;
using Polly;
using Polly.Timeout;

namespace Lakehouse.Storage;

/// <summary>
/// The S3 store's HTTP pipeline below the Minio client: each request waits at most the request timeout for its
/// response, each read of a large body at most the same time for its next bytes, and no write is sent once the
/// <see cref="WriteFence"/> says it must not be.
/// </summary>
/// <remarks>
/// The Minio client has one timeout (<c>WithTimeout</c>) for a whole call, retries and body included, which cannot
/// tell a hung server from a large download; and <c>HttpClient.Timeout</c> ends at the response headers. So the
/// timeout lives here, per request: Polly's timeout strategy up to the headers, then small bodies are read within the
/// same budget and large ones must keep flowing. Retries are the store's (one level, so the attempt count in its
/// messages is the truth).
/// </remarks>
internal sealed class TimedRequestHandler : DelegatingHandler
{
    /// <summary>Bodies up to this size (errors, listings, upload receipts) are read within the request's timeout.</summary>
    private const long BufferedBodyLimit = 1024 * 1024;

    private readonly TimeSpan timeout;
    private readonly TimeProvider time;
    private readonly ResiliencePipeline deadline;

    public TimedRequestHandler(TimeSpan timeout, TimeProvider time)
        : base(new SocketsHttpHandler { ConnectTimeout = timeout, AutomaticDecompression = DecompressionMethods.None })
    {
        this.timeout = timeout;
        this.time = time;
        deadline = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(timeout).Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            WriteFence.Check();
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await deadline.ExecuteAsync(
                async (state, ct) =>
                {
                    var sent = await state.Handler.SendBaseAsync(state.Request, ct);
                    if (sent.Content.Headers.ContentLength is <= BufferedBodyLimit || !sent.IsSuccessStatusCode || state.Request.Method == HttpMethod.Head)
                    {
                        // Small, or an error: read now, inside the deadline. (The Minio client reads these
                        // synchronously, where a hung server could not be timed out any more.)
                        await sent.Content.LoadIntoBufferAsync(ct);
                    }

                    return sent;
                },
                (Handler: this, Request: request),
                cancellationToken);

            if (response.Content.Headers.ContentLength is not <= BufferedBodyLimit && response.IsSuccessStatusCode && request.Method != HttpMethod.Head)
            {
                response.Content = await IdleTimeoutContent.WrapAsync(response.Content, timeout, time, cancellationToken);
            }

            return response;
        }
        catch (TimeoutRejectedException e)
        {
            response?.Dispose();
            throw new TimeoutException(
                $"No response within {timeout.TotalSeconds:0.#} s to {request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)}.", e);
        }
    }

    private Task<HttpResponseMessage> SendBaseAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);

    /// <summary>A response body whose every read must bring bytes within the timeout.</summary>
    private sealed class IdleTimeoutContent : HttpContent
    {
        private readonly Stream body;

        private IdleTimeoutContent(Stream body, HttpContent original)
        {
            this.body = body;
            foreach (var header in original.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        public static async Task<HttpContent> WrapAsync(HttpContent original, TimeSpan timeout, TimeProvider time, CancellationToken ct)
        {
            var stream = await original.ReadAsStreamAsync(ct);
            return new IdleTimeoutContent(new IdleTimeoutStream(stream, original, timeout, time), original);
        }

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => body;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(body);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = Headers.ContentLength ?? 0;
            return Headers.ContentLength is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class IdleTimeoutStream(Stream inner, HttpContent owner, TimeSpan timeout, TimeProvider time) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // The Minio client reads some bodies synchronously; the wait is bounded all the same.
            var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                var read = ReadAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                rented.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var idle = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException e) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The server stopped sending for {timeout.TotalSeconds:0.#} s in the middle of a response.", e);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
