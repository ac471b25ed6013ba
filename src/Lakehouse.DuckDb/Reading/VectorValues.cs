using System.Buffers.Binary;
using System.Numerics;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Reading;

/// <summary>
/// Decodes single cells straight from DuckDB's vectors. Layouts (duckdb.h): strings and blobs are 16-byte
/// <c>duckdb_string_t</c> (length, then up to 12 bytes inline or a 4-byte prefix and a pointer at offset 8);
/// hugeints are (lower, upper); UUIDs are hugeints with the top bit flipped so they sort as unsigned.
/// </summary>
internal static unsafe class VectorValues
{
    private const int StringSize = 16;
    private const int InlineLimit = 12;
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    private static readonly UInt128 MaxDecimalMantissa = (UInt128.One << 96) - 1;

    public static ReadOnlySpan<byte> Utf8(nint data, int row)
    {
        var cell = (byte*)data + ((nint)row * StringSize);
        var length = *(uint*)cell;
        var bytes = length <= InlineLimit ? cell + 4 : *(byte**)(cell + 8);
        return new ReadOnlySpan<byte>(bytes, checked((int)length));
    }

    public static Int128 HugeInt(nint data, int row)
    {
        var cell = (ulong*)data + ((nint)row * 2);
        return new Int128(cell[1], cell[0]);
    }

    public static UInt128 UHugeInt(nint data, int row)
    {
        var cell = (ulong*)data + ((nint)row * 2);
        return new UInt128(cell[1], cell[0]);
    }

    public static Guid Uuid(nint data, int row)
    {
        var cell = (ulong*)data + ((nint)row * 2);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, cell[1] ^ 0x8000_0000_0000_0000UL);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], cell[0]);
        return new Guid(bytes, bigEndian: true);
    }

    public static decimal Decimal(nint data, int row, DuckDbTypeId storage, byte scale)
    {
        long small = storage switch
        {
            DuckDbTypeId.SmallInt => ((short*)data)[row],
            DuckDbTypeId.Integer => ((int*)data)[row],
            DuckDbTypeId.BigInt => ((long*)data)[row],
            DuckDbTypeId.HugeInt => 0,
            _ => throw new InvalidOperationException($"DECIMAL stored as {storage} is not a layout DuckDB documents."),
        };

        if (storage == DuckDbTypeId.HugeInt)
        {
            return ToDecimal(HugeInt(data, row), scale);
        }

        // Widths up to 18 fit in 64 bits and scales up to 18 in System.Decimal: build it directly, without the
        // 128-bit arithmetic that wide decimals need (this is the common case, and a hot one in CSV exports).
        var negative = small < 0;
        var magnitude = negative ? unchecked((ulong)-small) : (ulong)small;
        return new decimal(unchecked((int)(uint)magnitude), unchecked((int)(uint)(magnitude >> 32)), 0, negative, scale);
    }

    /// <summary>
    /// System.Decimal holds 96 bits and at most 28 decimal places; DuckDB's DECIMAL(38,s) can hold more. Extra
    /// places are rounded off (half away from zero); a value too large even with no places overflows.
    /// </summary>
    public static decimal ToDecimal(Int128 unscaled, int scale)
    {
        var negative = unscaled < 0;
        var magnitude = negative ? (UInt128)(-unscaled) : (UInt128)unscaled;
        var drop = 0;
        var divisor = UInt128.One;
        while (scale - drop > 0 && (scale - drop > 28 || magnitude / divisor > MaxDecimalMantissa))
        {
            drop++;
            divisor *= 10;
        }

        if (drop > 0)
        {
            var (quotient, remainder) = UInt128.DivRem(magnitude, divisor);
            magnitude = remainder * 2 >= divisor ? quotient + 1 : quotient;
        }

        if (magnitude > MaxDecimalMantissa)
        {
            throw new OverflowException($"The DECIMAL value {unscaled}e-{scale} is outside the range of System.Decimal.");
        }

        return new decimal(
            (int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)(scale - drop));
    }

    /// <summary>Days since 1970-01-01; DuckDB's ±infinity become DateOnly's extremes.</summary>
    public static DateOnly Date(int days)
    {
        if (days == int.MaxValue)
        {
            return DateOnly.MaxValue;
        }

        if (days == -int.MaxValue)
        {
            return DateOnly.MinValue;
        }

        var dayNumber = (long)UnixEpochDay + days;
        return dayNumber >= DateOnly.MinValue.DayNumber && dayNumber <= DateOnly.MaxValue.DayNumber
            ? DateOnly.FromDayNumber((int)dayNumber)
            : throw new OverflowException($"The DATE {days} days from 1970-01-01 is outside the range of DateOnly.");
    }

    /// <summary>Microseconds since midnight. DuckDB allows 24:00:00, which TimeOnly cannot hold: it reads as TimeOnly.MaxValue.</summary>
    public static TimeOnly Time(long micros)
    {
        var ticks = micros * TimeSpan.TicksPerMicrosecond;
        if (ticks == TimeSpan.TicksPerDay)
        {
            return TimeOnly.MaxValue;
        }

        return ticks >= 0 && ticks <= TimeOnly.MaxValue.Ticks
            ? new TimeOnly(ticks)
            : throw new OverflowException($"The TIME of {micros} microseconds is outside the range of TimeOnly.");
    }

    /// <summary>A TIMESTAMP of the given unit as a wall-clock DateTime (Kind Unspecified); ±infinity become the extremes.</summary>
    public static DateTime Timestamp(long value, DuckDbTypeId unit)
    {
        if (value == long.MaxValue)
        {
            return DateTime.MaxValue;
        }

        if (value == -long.MaxValue)
        {
            return DateTime.MinValue;
        }

        return new DateTime(Ticks(value, unit), DateTimeKind.Unspecified);
    }

    public static DateTimeOffset TimestampTz(long micros)
    {
        if (micros == long.MaxValue)
        {
            return DateTimeOffset.MaxValue;
        }

        if (micros == -long.MaxValue)
        {
            return DateTimeOffset.MinValue;
        }

        return new DateTimeOffset(Ticks(micros, DuckDbTypeId.Timestamp), TimeSpan.Zero);
    }

    public static BigInteger ToBigInteger(Int128 value) => value;

    public static BigInteger ToBigInteger(UInt128 value) => value;

    private static long Ticks(long value, DuckDbTypeId unit)
    {
        Int128 sinceEpoch = unit switch
        {
            DuckDbTypeId.TimestampS => (Int128)value * TimeSpan.TicksPerSecond,
            DuckDbTypeId.TimestampMs => (Int128)value * TimeSpan.TicksPerMillisecond,
            DuckDbTypeId.TimestampNs => FloorDivide(value, 100),
            _ => (Int128)value * TimeSpan.TicksPerMicrosecond,
        };
        var ticks = sinceEpoch + UnixEpochTicks;
        return ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
            ? (long)ticks
            : throw new OverflowException($"The {unit} value {value} is outside the range of DateTime.");
    }

    private static long FloorDivide(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}
