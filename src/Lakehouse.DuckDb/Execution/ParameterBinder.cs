using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Execution;

/// <summary>
/// Binds a command's parameters to one prepared statement. In a script each statement numbers its own
/// placeholders from 1, so positional parameters past a statement's count, and named ones it does not use, are
/// left for the statements that do; DuckDB itself reports any placeholder left without a value.
/// </summary>
internal static unsafe class ParameterBinder
{
    private const int StackBufferBytes = 512;
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static void Bind(PreparedStatement statement, IReadOnlyList<DuckDbParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var count = (ulong)statement.ParameterCount;
        if (count == 0)
        {
            return;
        }

        for (var position = 0; position < parameters.Count; position++)
        {
            var parameter = parameters[position];
            var name = parameter.BindingName;
            ulong index;
            if (name.Length == 0)
            {
                index = (ulong)position + 1;
            }
            else if (!statement.TryGetParameterIndex(name, out index)
                     && !ulong.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                continue;
            }

            if (index == 0 || index > count)
            {
                continue;
            }

            var state = BindValue(statement.Handle, index, parameter.Value);
            if (state != DuckDbState.Success)
            {
                var label = name.Length == 0 ? $"#{position + 1}" : $"'${name}'";
                throw new DuckDbException(
                    $"DuckDB refused the value of parameter {label} ({parameter.Value?.GetType().Name ?? "null"}).");
            }
        }
    }

    private static DuckDbState BindValue(PreparedStatementHandle statement, ulong index, object? value) => value switch
    {
        null or DBNull => NativeMethods.duckdb_bind_null(statement, index),
        bool v => NativeMethods.duckdb_bind_boolean(statement, index, v),
        sbyte v => NativeMethods.duckdb_bind_int8(statement, index, v),
        short v => NativeMethods.duckdb_bind_int16(statement, index, v),
        int v => NativeMethods.duckdb_bind_int32(statement, index, v),
        long v => NativeMethods.duckdb_bind_int64(statement, index, v),
        byte v => NativeMethods.duckdb_bind_uint8(statement, index, v),
        ushort v => NativeMethods.duckdb_bind_uint16(statement, index, v),
        uint v => NativeMethods.duckdb_bind_uint32(statement, index, v),
        ulong v => NativeMethods.duckdb_bind_uint64(statement, index, v),
        Int128 v => NativeMethods.duckdb_bind_hugeint(statement, index, ToHugeInt(v)),
        UInt128 v => NativeMethods.duckdb_bind_uhugeint(statement, index, new DuckDbUHugeInt { Lower = (ulong)v, Upper = (ulong)(v >> 64) }),
        BigInteger v => NativeMethods.duckdb_bind_hugeint(statement, index, ToHugeInt(checked((Int128)v))),
        float v => NativeMethods.duckdb_bind_float(statement, index, v),
        double v => NativeMethods.duckdb_bind_double(statement, index, v),
        decimal v => NativeMethods.duckdb_bind_decimal(statement, index, ToDuckDbDecimal(v)),
        string v => BindText(statement, index, v),
        char v => BindText(statement, index, v.ToString()),
        DateOnly v => NativeMethods.duckdb_bind_date(statement, index, v.DayNumber - UnixEpochDay),
        TimeOnly v => NativeMethods.duckdb_bind_time(statement, index, v.Ticks / TimeSpan.TicksPerMicrosecond),
        // A DateTime binds as a TIMESTAMP holding its wall-clock value, whatever its Kind: converting would guess.
        DateTime v => NativeMethods.duckdb_bind_timestamp(statement, index, FloorMicros(v.Ticks - UnixEpochTicks)),
        DateTimeOffset v => NativeMethods.duckdb_bind_timestamp_tz(statement, index, FloorMicros(v.UtcTicks - UnixEpochTicks)),
        TimeSpan v => NativeMethods.duckdb_bind_interval(statement, index, new DuckDbInterval { Micros = v.Ticks / TimeSpan.TicksPerMicrosecond }),
        Guid v => BindUuid(statement, index, v),
        byte[] v => BindBlob(statement, index, v),
        ReadOnlyMemory<byte> v => BindBlob(statement, index, v.Span),
        Enum v => NativeMethods.duckdb_bind_int64(statement, index, Convert.ToInt64(v, CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException(
            $"A parameter of type {value.GetType().FullName} cannot be sent to DuckDB; convert it to a supported type first."),
    };

    /// <summary>Ticks to microseconds, rounding toward the past so times before 1970 do not move forward.</summary>
    private static long FloorMicros(long ticks) => FloorDivide(ticks, TimeSpan.TicksPerMicrosecond);

    private static long FloorDivide(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private static DuckDbHugeInt ToHugeInt(Int128 value) => new() { Lower = (ulong)value, Upper = (long)(value >> 64) };

    /// <summary>
    /// A CLR decimal is a 96-bit integer and a scale of 0..28, so it always fits DuckDB's DECIMAL(38): the width is
    /// the smallest that holds the digits, which lets DuckDB pick the narrowest storage.
    /// </summary>
    internal static DuckDbDecimal ToDuckDbDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        var negative = bits[3] < 0;
        var magnitude = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var digits = 1;
        for (var limit = (UInt128)10; magnitude >= limit && digits < 39; limit *= 10)
        {
            digits++;
        }

        var signed = negative ? -(Int128)magnitude : (Int128)magnitude;
        return new DuckDbDecimal
        {
            Width = (byte)Math.Max(digits, Math.Max((int)scale, 1)),
            Scale = scale,
            Value = ToHugeInt(signed),
        };
    }

    private static DuckDbState BindText(PreparedStatementHandle statement, ulong index, string value)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            fixed (byte* pointer = buffer)
            {
                return NativeMethods.duckdb_bind_varchar_length(statement, index, pointer, (ulong)length);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static DuckDbState BindBlob(PreparedStatementHandle statement, ulong index, ReadOnlySpan<byte> value)
    {
        // An empty span has no address; DuckDB still wants a valid pointer, so point at a dummy byte.
        byte empty = 0;
        fixed (byte* pointer = value)
        {
            return NativeMethods.duckdb_bind_blob(statement, index, value.IsEmpty ? &empty : pointer, (ulong)value.Length);
        }
    }

    /// <summary>
    /// <c>duckdb_create_uuid</c> takes the UUID as the 128-bit number its hex digits spell (big-endian); DuckDB
    /// flips the top bit itself for storage.
    /// </summary>
    private static DuckDbState BindUuid(PreparedStatementHandle statement, ulong index, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        var number = new DuckDbUHugeInt
        {
            Upper = BinaryPrimitives.ReadUInt64BigEndian(bytes),
            Lower = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        };
        using var uuid = new ValueHandle(NativeMethods.duckdb_create_uuid(number));
        return NativeMethods.duckdb_bind_value(statement, index, uuid);
    }
}
