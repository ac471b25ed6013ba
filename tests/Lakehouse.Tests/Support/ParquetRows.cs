using System.Globalization;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Reads a Parquet file with Parquet.Net, independently of DuckDB that wrote it, into rows of comparable text (see
/// <see cref="Text"/>), so a test can hold a file against the DuckDB table it came from. Parquet.Net 6 reads a column
/// of a row group into buffers with its definition and repetition levels; rows are put back together from those:
/// flat columns, and lists of values (DuckDB's <c>VARCHAR[]</c>, <c>INTEGER[]</c>) with their NULL and empty lists and
/// NULL elements told apart.
/// </summary>
internal static class ParquetRows
{
    /// <summary>The file's top-level column names and its rows, in file order.</summary>
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows)> ReadAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.Fields;
        var rows = new List<string[]>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            var rowGroup = reader.OpenRowGroupReader(group);
            var count = checked((int)rowGroup.RowCount);
            var columns = new List<string[]>();
            foreach (var field in fields)
            {
                columns.Add(field switch
                {
                    DataField data => await FlatAsync(rowGroup, data, count),
                    ListField { Item: DataField item } => await ListsAsync(rowGroup, item, count),
                    _ => throw new NotSupportedException($"{path}: column {field.Name} is a {field.SchemaType}, which this reader does not rebuild."),
                });
            }

            for (var row = 0; row < count; row++)
            {
                rows.Add([.. columns.Select(c => c[row])]);
            }
        }

        return ([.. fields.Select(f => f.Name)], rows);
    }

    /// <summary>
    /// One value as text that means the same whichever reader produced it: NULL, invariant numbers (doubles
    /// round-trip), dates and timestamps to the tick (Parquet.Net gives DATE as a DateTime at midnight, DuckDB.NET a
    /// DateOnly; the kind is not compared), lists as <c>[a, b]</c>.
    /// </summary>
    public static string Text(object? value) => value switch
    {
        null or DBNull => "NULL",
        string text => text,
        ReadOnlyMemory<char> chars => chars.ToString(),
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        DateOnly date => date.ToDateTime(TimeOnly.MinValue).ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Text)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static async Task<string[]> FlatAsync(ParquetRowGroupReader rowGroup, DataField field, int rows)
    {
        using var raw = await rowGroup.ReadRawColumnDataBaseAsync(field);
        var levels = Definitions(raw, rows);
        var values = Values(raw, levels.Count(d => d == field.MaxDefinitionLevel));
        var column = new string[rows];
        var next = 0;
        for (var row = 0; row < rows; row++)
        {
            column[row] = levels[row] == field.MaxDefinitionLevel ? values[next++] : "NULL";
        }

        return column;
    }

    /// <summary>
    /// A list column (an optional list of optional elements, as DuckDB writes it): a repetition level of 0 starts a
    /// row; the definition level says how far the value is defined: the list NULL, empty, a NULL element, or a value.
    /// </summary>
    private static async Task<string[]> ListsAsync(ParquetRowGroupReader rowGroup, DataField item, int rows)
    {
        if (item.MaxRepetitionLevel != 1 || item.MaxDefinitionLevel != 3)
        {
            throw new NotSupportedException($"Column {item.Path} is not a nullable list of nullable values (repetition {item.MaxRepetitionLevel}, definition {item.MaxDefinitionLevel}).");
        }

        using var raw = await rowGroup.ReadRawColumnDataBaseAsync(item);
        var definitions = raw.DefinitionLevels.ToArray();
        var repetitions = raw.RepetitionLevels.ToArray();
        var values = Values(raw, definitions.Count(d => d == 3));
        var column = new List<string>(rows);
        List<string>? current = null;
        var next = 0;
        for (var i = 0; i < definitions.Length; i++)
        {
            if (repetitions[i] == 0)
            {
                Flush();
                current = definitions[i] == 0 ? null : [];
            }

            if (definitions[i] >= 2)
            {
                current!.Add(definitions[i] == 3 ? values[next++] : "NULL");
            }
        }

        Flush();
        column.RemoveAt(0);
        return column.Count == rows ? [.. column] : throw new InvalidDataException($"Column {item.Path} rebuilt {column.Count} rows, not {rows}.");

        void Flush() => column.Add(current is null ? "NULL" : "[" + string.Join(", ", current) + "]");
    }

    private static int[] Definitions(RawColumnData raw, int rows)
    {
        try
        {
            return raw.DefinitionLevels.ToArray();
        }
        catch (InvalidOperationException)
        {
            // A required column has no definition levels: every value is there.
            return [.. Enumerable.Repeat(0, rows)];
        }
    }

    /// <summary>The first <paramref name="count"/> values (the buffer may be longer), as text.</summary>
    private static string[] Values(RawColumnData raw, int count) => raw switch
    {
        RawColumnData<long> data => Texts(data, count),
        RawColumnData<int> data => Texts(data, count),
        RawColumnData<short> data => Texts(data, count),
        RawColumnData<double> data => Texts(data, count),
        RawColumnData<float> data => Texts(data, count),
        RawColumnData<bool> data => Texts(data, count),
        RawColumnData<decimal> data => Texts(data, count),
        RawColumnData<DateTime> data => Texts(data, count),
        RawColumnData<DateOnly> data => Texts(data, count),
        RawColumnData<ReadOnlyMemory<char>> data => Texts(data, count),
        _ => throw new NotSupportedException($"Parquet.Net read a column as {raw.GetType()}, which this reader does not know."),
    };

    private static string[] Texts<T>(RawColumnData<T> data, int count)
        where T : struct
    {
        var texts = new string[count];
        var values = data.Values;
        for (var i = 0; i < count; i++)
        {
            texts[i] = Text(values[i]);
        }

        return texts;
    }
}
