using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Lakehouse.Querying;

/// <summary>
/// RFC 4180 CSV, byte for byte what DuckDB's <c>COPY ... TO</c> writes: a header row, comma separators, LF line
/// ends, NULL as an empty field, an empty string as <c>""</c> (so the two stay apart), and a field quoted (quotes
/// doubled) only when it holds a comma, a quote, a line break or <c>#</c> (which DuckDB's reader can treat as a
/// comment). Streams: memory does not grow with the row count.
/// </summary>
internal static class CsvResultWriter
{
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(",\"\r\n#");

    /// <param name="reader">The result.</param>
    /// <param name="destination">Where the CSV goes.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <param name="textOf">
    /// Per column, the ordinal of an extra column of the reader that holds the column's text where the column itself
    /// is NULL though its value is not (a wide decimal narrowed, see <see cref="ResultColumns.RewriteForCsv"/>), or -1.
    /// The extra columns are not written. Null when there are none.
    /// </param>
    // A query is one short process: the row loop must run optimised from the first row, not wait for tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Write(DbDataReader reader, Stream destination, CancellationToken cancellationToken, int[]? textOf = null)
    {
        using var output = new Utf8Output(destination);
        var kinds = Cell.KindsOf(reader);
        if (textOf is not null)
        {
            kinds = kinds[..textOf.Length];
        }

        for (var i = 0; i < kinds.Length; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            WriteField(output, reader.GetName(i));
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
                    if (textOf is not null && textOf[i] >= 0 && !reader.IsDBNull(textOf[i]))
                    {
                        WriteField(output, reader.GetString(textOf[i]));
                    }

                    continue;
                }

                if (kinds[i] == CellKind.String)
                {
                    WriteField(output, reader.GetString(i));
                }
                else if (kinds[i] == CellKind.Blob)
                {
                    WriteField(output, System.Text.Encoding.UTF8.GetString(Cell.BlobText(Cell.BlobOf(reader, i))));
                }
                else if (kinds[i] == CellKind.Other)
                {
                    WriteField(output, Cell.OtherText(reader.GetValue(i)));
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
    private static void WriteField(Utf8Output output, ReadOnlySpan<char> text)
    {
        if (text.Length > 0 && text.IndexOfAny(NeedsQuoting) < 0)
        {
            output.Write(text);
            return;
        }

        output.WriteByte((byte)'"');
        while (true)
        {
            var quote = text.IndexOf('"');
            if (quote < 0)
            {
                output.Write(text);
                break;
            }

            output.Write(text[..(quote + 1)]);
            output.WriteByte((byte)'"');
            text = text[(quote + 1)..];
        }

        output.WriteByte((byte)'"');
    }
}
