using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using DuckDB.NET.Native;

namespace Lakehouse.Querying;

/// <summary>The CLR type of a result column, decided once per column so rows are read without boxing.</summary>
internal enum CellKind
{
    Boolean,
    SByte,
    Int16,
    Int32,
    Int64,
    Byte,
    UInt16,
    UInt32,
    UInt64,
    BigInteger,
    Single,
    Double,
    Decimal,
    String,
    Date,
    Timestamp,
    TimestampTz,
    Time,
    Guid,
    Blob,
    Other,
}

/// <summary>Reads cells of a <see cref="DbDataReader"/> and writes their text form, shared by CSV and the table.</summary>
internal static class Cell
{
    public static CellKind[] KindsOf(DbDataReader reader)
    {
        var kinds = new CellKind[reader.FieldCount];
        for (var i = 0; i < kinds.Length; i++)
        {
            kinds[i] = KindOf(reader.GetFieldType(i));
        }

        return kinds;
    }

    public static CellKind KindOf(Type type) => type switch
    {
        _ when type == typeof(bool) => CellKind.Boolean,
        _ when type == typeof(sbyte) => CellKind.SByte,
        _ when type == typeof(short) => CellKind.Int16,
        _ when type == typeof(int) => CellKind.Int32,
        _ when type == typeof(long) => CellKind.Int64,
        _ when type == typeof(byte) => CellKind.Byte,
        _ when type == typeof(ushort) => CellKind.UInt16,
        _ when type == typeof(uint) => CellKind.UInt32,
        _ when type == typeof(ulong) => CellKind.UInt64,
        _ when type == typeof(BigInteger) => CellKind.BigInteger,
        _ when type == typeof(float) => CellKind.Single,
        _ when type == typeof(double) => CellKind.Double,
        _ when type == typeof(decimal) => CellKind.Decimal,
        _ when type == typeof(string) => CellKind.String,
        _ when type == typeof(DateOnly) => CellKind.Date,
        _ when type == typeof(DateTime) => CellKind.Timestamp,
        _ when type == typeof(DateTimeOffset) => CellKind.TimestampTz,
        _ when type == typeof(TimeOnly) => CellKind.Time,
        _ when type == typeof(Guid) => CellKind.Guid,
        _ when typeof(Stream).IsAssignableFrom(type) || type == typeof(byte[]) => CellKind.Blob,
        _ => CellKind.Other,
    };

    /// <summary>
    /// Writes the text form of a non-NULL, non-string cell the way DuckDB prints it: invariant numbers, ISO dates,
    /// timestamps with a space and only the fractional digits that are not zero, <c>infinity</c> for DuckDB's
    /// infinite dates. (Lists, structs, intervals and the like reach the writers as DuckDB's own text, see
    /// <see cref="ResultColumns"/>; <see cref="OtherText"/> covers the statements DuckDB cannot describe.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteText(Utf8Output output, DbDataReader reader, int ordinal, CellKind kind)
    {
        switch (kind)
        {
            case CellKind.Boolean: output.Write(reader.GetBoolean(ordinal) ? "true"u8 : "false"u8); break;
            case CellKind.SByte: output.WriteFormatted(reader.GetFieldValue<sbyte>(ordinal)); break;
            case CellKind.Int16: output.WriteFormatted(reader.GetInt16(ordinal)); break;
            case CellKind.Int32: output.WriteFormatted(reader.GetInt32(ordinal)); break;
            case CellKind.Int64: output.WriteFormatted(reader.GetInt64(ordinal)); break;
            case CellKind.Byte: output.WriteFormatted(reader.GetByte(ordinal)); break;
            case CellKind.UInt16: output.WriteFormatted(reader.GetFieldValue<ushort>(ordinal)); break;
            case CellKind.UInt32: output.WriteFormatted(reader.GetFieldValue<uint>(ordinal)); break;
            case CellKind.UInt64: output.WriteFormatted(reader.GetFieldValue<ulong>(ordinal)); break;
            case CellKind.BigInteger: output.WriteFormatted(reader.GetFieldValue<BigInteger>(ordinal)); break;
            case CellKind.Single: output.WriteFloating(reader.GetFloat(ordinal)); break;
            case CellKind.Double: output.WriteFloating(reader.GetDouble(ordinal)); break;
            case CellKind.Decimal: output.WriteFormatted(reader.GetDecimal(ordinal)); break;
            case CellKind.Date:
                var date = reader.GetFieldValue<DuckDBDateOnly>(ordinal);
                if (date.IsInfinity)
                {
                    output.Write(date.IsPositiveInfinity ? "infinity"u8 : "-infinity"u8);
                }
                else
                {
                    output.WriteDate(date);
                }

                break;
            case CellKind.Timestamp:
                var timestamp = reader.GetFieldValue<DuckDBTimestamp>(ordinal);
                if (timestamp.IsInfinity)
                {
                    output.Write(timestamp.IsPositiveInfinity ? "infinity"u8 : "-infinity"u8);
                }
                else
                {
                    output.WriteTimestamp(timestamp);
                }

                break;
            case CellKind.TimestampTz:
                output.WriteTimestamp(reader.GetFieldValue<DateTimeOffset>(ordinal).UtcDateTime);
                output.Write("+00"u8);
                break;
            case CellKind.Time: output.WriteTimeOfDay(reader.GetFieldValue<TimeOnly>(ordinal).Ticks); break;
            case CellKind.Guid: output.WriteFormatted(reader.GetGuid(ordinal)); break;
            case CellKind.Blob: output.Write(BlobText(BlobOf(reader, ordinal))); break;
            case CellKind.String: output.Write(reader.GetString(ordinal)); break;
            case CellKind.Other:
            default: output.Write(OtherText(reader.GetValue(ordinal))); break;
        }
    }

    /// <summary>A blob's bytes (DuckDB.NET reads a BLOB as a stream over DuckDB's memory).</summary>
    public static byte[] BlobOf(DbDataReader reader, int ordinal)
    {
        using var stream = reader.GetStream(ordinal);
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>
    /// Readable text for a value of a type the writers do not format (what DuckDB.NET makes of a list, a struct, a
    /// map or an interval), for the statements whose columns DuckDB cannot describe up front.
    /// </summary>
    public static string OtherText(object? value) => value switch
    {
        null or DBNull => "NULL",
        string text => text,
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{OtherText(k)}: {OtherText(map[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(OtherText)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>DuckDB's text for a BLOB: printable ASCII as is; other bytes, and the quote characters and the
    /// backslash, as <c>\xHH</c>.</summary>
    public static byte[] BlobText(byte[] blob)
    {
        var text = new List<byte>(blob.Length);
        foreach (var b in blob)
        {
            if (b is >= 32 and <= 126 and not (byte)'\\' and not (byte)'\'' and not (byte)'"')
            {
                text.Add(b);
            }
            else
            {
                text.AddRange([(byte)'\\', (byte)'x', (byte)"0123456789ABCDEF"[b >> 4], (byte)"0123456789ABCDEF"[b & 15]]);
            }
        }

        return [.. text];
    }
}
