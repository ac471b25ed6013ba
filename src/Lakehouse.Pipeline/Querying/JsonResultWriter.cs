using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>
/// A JSON array with one object per row: numbers as numbers, booleans as booleans, NULL as null, dates and
/// timestamps as ISO 8601 strings, blobs as base64. Non-ASCII text is written as is, not escaped. Streams.
/// </summary>
internal static class JsonResultWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // A query is one short process: the row loop must run optimised from the first row, not wait for tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Write(DbDataReader reader, Stream destination, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(destination, Options);
        var kinds = Cell.KindsOf(reader);
        var names = new JsonEncodedText[kinds.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = JsonEncodedText.Encode(reader.GetName(i), Options.Encoder);
        }

        var duck = reader as DuckDbDataReader;
        json.WriteStartArray();
        long rows = 0;
        while (reader.Read())
        {
            json.WriteStartObject();
            for (var i = 0; i < kinds.Length; i++)
            {
                json.WritePropertyName(names[i]);
                if (reader.IsDBNull(i))
                {
                    json.WriteNullValue();
                }
                else if (kinds[i] == CellKind.String && duck is not null && duck.TryGetUtf8(i, out var utf8))
                {
                    json.WriteStringValue(utf8);
                }
                else
                {
                    WriteValue(json, reader, i, kinds[i]);
                }
            }

            json.WriteEndObject();
            if (json.BytesPending > 1 << 16)
            {
                json.Flush();
            }

            if ((++rows & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        json.WriteEndArray();
        json.Flush();
        destination.WriteByte((byte)'\n');
        destination.Flush();
        return rows;
    }

    private static void WriteValue(Utf8JsonWriter json, DbDataReader reader, int i, CellKind kind)
    {
        switch (kind)
        {
            case CellKind.Boolean: json.WriteBooleanValue(reader.GetBoolean(i)); break;
            case CellKind.SByte: json.WriteNumberValue(reader.GetFieldValue<sbyte>(i)); break;
            case CellKind.Int16: json.WriteNumberValue(reader.GetInt16(i)); break;
            case CellKind.Int32: json.WriteNumberValue(reader.GetInt32(i)); break;
            case CellKind.Int64: json.WriteNumberValue(reader.GetInt64(i)); break;
            case CellKind.Byte: json.WriteNumberValue(reader.GetByte(i)); break;
            case CellKind.UInt16: json.WriteNumberValue(reader.GetFieldValue<ushort>(i)); break;
            case CellKind.UInt32: json.WriteNumberValue(reader.GetFieldValue<uint>(i)); break;
            case CellKind.UInt64: json.WriteNumberValue(reader.GetFieldValue<ulong>(i)); break;
            case CellKind.BigInteger:
                json.WriteRawValue(reader.GetFieldValue<BigInteger>(i).ToString(System.Globalization.CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case CellKind.Single: WriteFloating(json, reader.GetFloat(i)); break;
            case CellKind.Double: WriteFloating(json, reader.GetDouble(i)); break;
            case CellKind.Decimal: json.WriteNumberValue(reader.GetDecimal(i)); break;
            case CellKind.Date:
            case CellKind.Timestamp:
            case CellKind.TimestampTz:
            case CellKind.Time:
                WriteDateValue(json, reader, i, kind);
                break;
            case CellKind.Guid: json.WriteStringValue(reader.GetGuid(i)); break;
            case CellKind.Blob: json.WriteBase64StringValue(reader.GetFieldValue<byte[]>(i)); break;
            case CellKind.String:
            case CellKind.Other:
            default: json.WriteStringValue(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>ISO 8601: <c>2010-06-04</c>, <c>2010-06-04T18:45:00</c>, <c>...Z</c> for TIMESTAMPTZ, <c>18:45:00</c>.</summary>
    private static void WriteDateValue(Utf8JsonWriter json, DbDataReader reader, int i, CellKind kind)
    {
        Span<byte> text = stackalloc byte[DateText.MaxLength + 1];
        var length = kind switch
        {
            CellKind.Date => DateText.WriteDate(text, reader.GetFieldValue<DateOnly>(i)),
            CellKind.Timestamp => DateText.WriteTimestamp(text, reader.GetDateTime(i), (byte)'T'),
            CellKind.Time => DateText.WriteTimeOfDay(text, reader.GetFieldValue<TimeOnly>(i).Ticks),
            _ => DateText.WriteTimestamp(text, reader.GetFieldValue<DateTimeOffset>(i).UtcDateTime, (byte)'T'),
        };
        if (kind == CellKind.TimestampTz)
        {
            text[length++] = (byte)'Z';
        }

        json.WriteStringValue(text[..length]);
    }

    /// <summary>JSON has no NaN or infinity: they are written as the strings "NaN", "Infinity", "-Infinity".</summary>
    private static void WriteFloating(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void WriteFloating(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
