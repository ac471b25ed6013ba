using System.Data.Common;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lakehouse.Querying;

/// <summary>
/// An aligned table for people. A table needs every cell before it can size its columns, so it shows the first
/// <c>maxRows</c> rows and says when there were more; csv and json stream any number.
/// </summary>
internal static class TableResultWriter
{
    public static long Write(DbDataReader reader, Stream destination, int maxRows, int width, CancellationToken cancellationToken)
    {
        var kinds = Cell.KindsOf(reader);
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < kinds.Length; i++)
        {
            var column = new TableColumn(new Text(reader.GetName(i), new Style(decoration: Decoration.Bold)));
            if (IsNumeric(kinds[i]))
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        var buffer = new MemoryStream();
        long rows = 0;
        var more = false;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rows == maxRows)
            {
                more = true;
                break;
            }

            var cells = new IRenderable[kinds.Length];
            for (var i = 0; i < kinds.Length; i++)
            {
                cells[i] = reader.IsDBNull(i) ? new Text("NULL", new Style(Color.Grey)) : new Text(TextOf(reader, i, kinds[i], buffer));
            }

            table.AddRow(cells);
            rows++;
        }

        using var writer = new StreamWriter(destination, new UTF8Encoding(false), leaveOpen: true);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(table);
        var noun = rows == 1 ? "row" : "rows";
        console.WriteLine(more
            ? $"({rows} {noun} shown; there are more. Add a LIMIT, raise --max-rows, or use --format csv|json for all of them.)"
            : $"({rows} {noun})");
        writer.Flush();
        return rows;
    }

    /// <summary>A non-NULL cell's text as the table shows it (also the web page's SQL box).</summary>
    internal static string TextOf(DbDataReader reader, int ordinal, CellKind kind, MemoryStream buffer)
    {
        if (kind == CellKind.String)
        {
            return reader.GetString(ordinal);
        }

        if (kind == CellKind.Other)
        {
            return Cell.OtherText(reader.GetValue(ordinal));
        }

        buffer.SetLength(0);
        using (var output = new Utf8Output(buffer, 256))
        {
            Cell.WriteText(output, reader, ordinal, kind);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static bool IsNumeric(CellKind kind) => kind is CellKind.SByte or CellKind.Int16 or CellKind.Int32 or CellKind.Int64
        or CellKind.Byte or CellKind.UInt16 or CellKind.UInt32 or CellKind.UInt64 or CellKind.BigInteger
        or CellKind.Single or CellKind.Double or CellKind.Decimal;
}
