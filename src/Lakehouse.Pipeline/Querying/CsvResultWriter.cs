using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>
/// RFC 4180 CSV, byte for byte what DuckDB's <c>COPY ... TO</c> writes: a header row, comma separators, LF line
/// ends, NULL as an empty field, an empty string as <c>""</c> (so the two stay apart), and a field quoted (quotes
/// doubled) only when it holds a comma, a quote, a line break or <c>#</c> (which DuckDB's reader can treat as a
/// comment). Streams: memory does not grow with the row count.
/// </summary>
internal static class CsvResultWriter
{
    private static readonly SearchValues<byte> NeedsQuoting = SearchValues.Create(",\"\r\n#"u8);

    // A query is one short process: the row loop must run optimised from the first row, not wait for tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Write(DbDataReader reader, Stream destination, CancellationToken cancellationToken)
    {
        using var output = new Utf8Output(destination);
        var kinds = Cell.KindsOf(reader);
        var duck = reader as DuckDbDataReader;

        for (var i = 0; i < kinds.Length; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            WriteField(output, System.Text.Encoding.UTF8.GetBytes(reader.GetName(i)));
        }

        output.WriteByte((byte)'\n');

        long rows = 0;
        while (reader.Read())
        {
            for (var i = 0; i < kinds.Length; i++)
            {
                if (i > 0)
                {
                    output.WriteByte((byte)',');
                }

                if (reader.IsDBNull(i))
                {
                    continue;
                }

                if (kinds[i] == CellKind.String && duck is not null && duck.TryGetUtf8(i, out var utf8))
                {
                    WriteField(output, utf8);
                }
                else if (kinds[i] == CellKind.Blob)
                {
                    WriteField(output, Cell.BlobText(reader.GetFieldValue<byte[]>(i)));
                }
                else if (kinds[i] is CellKind.String or CellKind.Other)
                {
                    WriteField(output, System.Text.Encoding.UTF8.GetBytes(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }
                else
                {
                    Cell.WriteText(output, reader, i, kinds[i]);
                }
            }

            output.WriteByte((byte)'\n');
            if ((++rows & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return rows;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteField(Utf8Output output, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 0 && utf8.IndexOfAny(NeedsQuoting) < 0)
        {
            output.Write(utf8);
            return;
        }

        output.WriteByte((byte)'"');
        while (true)
        {
            var quote = utf8.IndexOf((byte)'"');
            if (quote < 0)
            {
                output.Write(utf8);
                break;
            }

            output.Write(utf8[..(quote + 1)]);
            output.WriteByte((byte)'"');
            utf8 = utf8[(quote + 1)..];
        }

        output.WriteByte((byte)'"');
    }
}
