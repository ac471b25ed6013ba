namespace Lakehouse.Cli;

/// <summary>The process's standard output was closed by its reader (a broken pipe).</summary>
internal sealed class OutputClosedException(Exception inner) : IOException("The output was closed by its reader.", inner);

/// <summary>
/// Standard output as a command writes results to it: a write to a pipe whose reader has gone (EPIPE) becomes an
/// <see cref="OutputClosedException"/>, so that the command stops and the process ends quietly instead of
/// reporting an I/O error. Any other failure to write (a full disk behind a redirect) stays an error.
/// </summary>
internal sealed class PipeOutput(Stream inner) : Stream
{
    // errno 32 on Linux; .NET puts the errno of an I/O failure it has no other type for into HResult.
    private const int BrokenPipe = 32;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException ex) when (IsBrokenPipe(ex))
        {
            throw new OutputClosedException(ex);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        catch (IOException ex) when (IsBrokenPipe(ex))
        {
            throw new OutputClosedException(ex);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => Guard(inner.Flush);

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await inner.FlushAsync(cancellationToken);
        }
        catch (IOException ex) when (IsBrokenPipe(ex))
        {
            throw new OutputClosedException(ex);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    internal static bool IsBrokenPipe(IOException exception) =>
        exception is not OutputClosedException && (exception.HResult == BrokenPipe || exception.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase));

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException ex) when (IsBrokenPipe(ex))
        {
            throw new OutputClosedException(ex);
        }
    }
}
