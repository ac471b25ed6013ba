namespace Lakehouse.Storage;

/// <summary>
/// A read-only, seekable window onto part of another stream, which it does not close. The S3 store hands the Minio
/// client a fresh slice for every attempt of a put: each attempt reads exactly the bytes from the caller's position
/// to the end, from their start, and the caller's stream stays open.
/// </summary>
internal sealed class StreamSlice : Stream
{
    private readonly Stream inner;
    private readonly long start;
    private long position;

    public StreamSlice(Stream inner, long start, long length)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanSeek || !inner.CanRead)
        {
            throw new ArgumentException("A slice needs a readable, seekable stream.", nameof(inner));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        this.inner = inner;
        this.start = start;
        Length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = Remaining(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        inner.Position = start + position;
        var read = inner.Read(buffer[..wanted]);
        position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Remaining(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        inner.Position = start + position;
        var read = await inner.ReadAsync(buffer[..wanted], cancellationToken);
        position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A stream slice is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A stream slice is read-only.");

    private int Remaining(int requested) => (int)Math.Clamp(Length - position, 0, requested);
}
