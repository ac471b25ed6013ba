using System.Runtime.CompilerServices;
using System.Text;
using DuckDB.NET.Native;

namespace Lakehouse.Querying;

/// <summary>
/// A buffered UTF-8 writer over a stream. Result writers format numbers and copy strings straight into its buffer,
/// so a million-row result costs no string per cell. The per-cell methods are optimised from their first call:
/// a query is a short process, and most of it would otherwise run unoptimised code.
/// </summary>
internal sealed class Utf8Output(Stream stream, int bufferSize = 1 << 16) : IDisposable
{
    private readonly byte[] buffer = new byte[bufferSize];
    private int used;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > buffer.Length - used)
        {
            Flush();
            if (bytes.Length > buffer.Length)
            {
                stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(buffer.AsSpan(used));
        used += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteByte(byte value)
    {
        if (used == buffer.Length)
        {
            Flush();
        }

        buffer[used++] = value;
    }

    public void Write(string text) => Write(text.AsSpan());

    public void Write(ReadOnlySpan<char> text)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (needed > buffer.Length - used)
        {
            Flush();
            if (needed > buffer.Length)
            {
                Write(Encoding.UTF8.GetBytes(text.ToArray()));
                return;
            }
        }

        used += Encoding.UTF8.GetBytes(text, buffer.AsSpan(used));
    }

    /// <summary>Formats a number or date straight into the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteFormatted<T>(T value, ReadOnlySpan<char> format = default)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(buffer.AsSpan(used), out var written, format, System.Globalization.CultureInfo.InvariantCulture))
        {
            Flush();
            if (!value.TryFormat(buffer.AsSpan(used), out written, format, System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"A value of {typeof(T).Name} did not fit into {buffer.Length} bytes.");
            }
        }

        used += written;
    }

    /// <summary>
    /// The shortest text that reads back as the same number, as DuckDB prints it: <c>-1249.0</c> for a whole
    /// number (so it still reads as floating point), <c>1e+20</c> with a lower-case exponent, <c>nan</c>, <c>inf</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteFloating<T>(T value)
        where T : IUtf8SpanFormattable, System.Numerics.IFloatingPoint<T>
    {
        if (!T.IsFinite(value))
        {
            Write(T.IsNaN(value) ? "nan"u8 : T.IsNegative(value) ? "-inf"u8 : "inf"u8);
            return;
        }

        var span = Reserve(32);
        if (!value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"A {typeof(T).Name} did not fit into 32 bytes.");
        }

        var text = span[..written];
        var exponent = text.IndexOf((byte)'E');
        if (exponent >= 0)
        {
            text[exponent] = (byte)'e';
        }
        else if (text.IndexOf((byte)'.') < 0)
        {
            span[written++] = (byte)'.';
            span[written++] = (byte)'0';
        }

        Advance(written);
    }

    // Not `used += Write(Reserve(...))`: that reads used before Reserve may flush and reset it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteDate(DateOnly date) => Advance(DateText.WriteDate(Reserve(DateText.MaxLength), date));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteDate(DuckDBDateOnly date) => Advance(DateText.WriteDate(Reserve(DateText.MaxLength), date));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteTimeOfDay(long ticksOfDay) => Advance(DateText.WriteTimeOfDay(Reserve(DateText.MaxLength), ticksOfDay));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteTimestamp(DateTime timestamp) => Advance(DateText.WriteTimestamp(Reserve(DateText.MaxLength), timestamp, (byte)' '));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteTimestamp(DuckDBTimestamp timestamp) => Advance(DateText.WriteTimestamp(Reserve(DateText.MaxLength), timestamp, (byte)' '));

    public void Flush()
    {
        if (used > 0)
        {
            stream.Write(buffer, 0, used);
            used = 0;
        }
    }

    private void Advance(int written) => used += written;

    private Span<byte> Reserve(int length)
    {
        if (length > buffer.Length - used)
        {
            Flush();
        }

        return buffer.AsSpan(used, length);
    }

    public void Dispose()
    {
        Flush();
        stream.Flush();
    }
}
