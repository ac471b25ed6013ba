using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using DuckDB.NET.Native;

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

    /// <param name="reader">The result.</param>
    /// <param name="destination">Where the JSON goes.</param>
    /// <param name="rawJson">Per column, whether its text is JSON to embed as is (lists, structs, DuckDB's JSON type).</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    // A query is one short process: the row loop must run optimised from the first row, not wait for tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Write(DbDataReader reader, Stream destination, bool[]? rawJson, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(destination, Options);
        var kinds = Cell.KindsOf(reader);
        var names = new JsonEncodedText[kinds.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = JsonEncodedText.Encode(reader.GetName(i), Options.Encoder);
        }

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
                else if (kinds[i] == CellKind.String && rawJson is not null && rawJson[i])
                {
                    json.WriteRawValue(reader.GetString(i), skipInputValidation: true);
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
            case CellKind.Blob: json.WriteBase64StringValue(Cell.BlobOf(reader, i)); break;
            case CellKind.String: json.WriteStringValue(reader.GetString(i)); break;
            case CellKind.Other:
            default: json.WriteStringValue(Cell.OtherText(reader.GetValue(i))); break;
        }
    }

    /// <summary>ISO 8601: <c>2010-06-04</c>, <c>2010-06-04T18:45:00</c>, <c>...Z</c> for TIMESTAMPTZ, <c>18:45:00</c>.</summary>
    private static void WriteDateValue(Utf8JsonWriter json, DbDataReader reader, int i, CellKind kind)
    {
        if (kind == CellKind.Date && reader.GetFieldValue<DuckDBDateOnly>(i) is { IsInfinity: true } date)
        {
            json.WriteStringValue(date.IsPositiveInfinity ? "infinity"u8 : "-infinity"u8);
            return;
        }

        if (kind == CellKind.Timestamp && reader.GetFieldValue<DuckDBTimestamp>(i) is { IsInfinity: true } timestamp)
        {
            json.WriteStringValue(timestamp.IsPositiveInfinity ? "infinity"u8 : "-infinity"u8);
            return;
        }

        Span<byte> text = stackalloc byte[DateText.MaxLength + 1];
        var length = kind switch
        {
            CellKind.Date => DateText.WriteDate(text, reader.GetFieldValue<DuckDBDateOnly>(i)),
            CellKind.Timestamp => DateText.WriteTimestamp(text, reader.GetFieldValue<DuckDBTimestamp>(i), (byte)'T'),
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
