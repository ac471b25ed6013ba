using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Meta;
using ParquetType = Parquet.Meta.Type;

namespace Lakehouse.Silver;

/// <summary>
/// What a Parquet file's footer says about it, read with Parquet.Net (not with DuckDB, which wrote it): its top-level
/// columns with their types spelled as DuckDB spells them, its rows and its compressed size. Reading it touches the
/// footer only, not the data.
/// </summary>
/// <param name="Columns">The top-level columns, in file order.</param>
/// <param name="Rows">Rows in the file (the sum over its row groups).</param>
/// <param name="CompressedBytes">The column chunks' compressed sizes, summed over row groups: the data on disk.</param>
internal sealed record ParquetFooter(IReadOnlyList<ParquetColumn> Columns, long Rows, long CompressedBytes)
{
    /// <summary>Reads the footer of the Parquet file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not Parquet, or its footer cannot be read.</exception>
    public static async Task<ParquetFooter> ReadAsync(string path, CancellationToken ct)
    {
        FileMetaData metadata;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: ct);
            metadata = reader.Metadata ?? throw new InvalidDataException("it has no footer");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a readable Parquet file: {e.Message}", e);
        }

        return FromMetadata(metadata);
    }

    /// <summary>The footer of <paramref name="metadata"/> (Parquet's own <c>FileMetaData</c>).</summary>
    public static ParquetFooter FromMetadata(FileMetaData metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var schema = metadata.Schema;
        if (schema.Count == 0)
        {
            throw new InvalidDataException("the footer has no schema");
        }

        // The schema is a tree flattened depth-first; element 0 is the root, whose children are the columns.
        var columns = new List<ParquetColumn>();
        var next = 1;
        for (var i = 0; i < (schema[0].NumChildren ?? 0); i++)
        {
            var element = schema[next];
            var type = TypeOf(schema, ref next);
            columns.Add(new ParquetColumn(element.Name, type, element.RepetitionType == FieldRepetitionType.REQUIRED, NullsOf(metadata, element)));
        }

        var compressed = metadata.RowGroups.Sum(g => g.Columns.Sum(c => c.MetaData?.TotalCompressedSize ?? 0));
        return new ParquetFooter(columns, metadata.RowGroups.Sum(g => g.NumRows), compressed);
    }

    /// <summary>
    /// The NULLs in a top-level column, from the row groups' statistics: known only for a primitive column whose
    /// every chunk counts them (in a list or struct, a leaf's count mixes NULL values with NULL or empty parents).
    /// </summary>
    private static long? NullsOf(FileMetaData metadata, SchemaElement column)
    {
        if (column.NumChildren is > 0)
        {
            return null;
        }

        long nulls = 0;
        foreach (var group in metadata.RowGroups)
        {
            var chunk = group.Columns.FirstOrDefault(c => c.MetaData?.PathInSchema is [var only] && only == column.Name);
            if (chunk?.MetaData?.Statistics?.NullCount is not { } count)
            {
                return null;
            }

            nulls += count;
        }

        return nulls;
    }

    /// <summary>The DuckDB spelling of the element at <paramref name="index"/>, moving it past the element's subtree.</summary>
    private static string TypeOf(List<SchemaElement> schema, ref int index)
    {
        var element = schema[index++];
        var type = element.NumChildren is > 0 ? GroupType(schema, element, ref index) : PrimitiveType(element);

        // A repeated field outside a LIST annotation (the oldest list layout) is a list of its type.
        return element.RepetitionType == FieldRepetitionType.REPEATED ? type + "[]" : type;
    }

    private static string GroupType(List<SchemaElement> schema, SchemaElement group, ref int index)
    {
        var children = group.NumChildren!.Value;
        if ((group.LogicalType?.LIST is not null || group.ConvertedType == ConvertedType.LIST) && children == 1)
        {
            // LIST: one repeated child. In the standard layout it is a group of one field, the element; older writers
            // made the repeated field the element itself (Parquet's backward-compatibility rules).
            var repeated = schema[index];
            if (repeated.NumChildren == 1 && repeated.Name != "array" && repeated.Name != group.Name + "_tuple")
            {
                index++;
                return TypeOf(schema, ref index) + "[]";
            }

            var element = Unrepeated(schema, ref index);
            return element + "[]";
        }

        if ((group.LogicalType?.MAP is not null || group.ConvertedType is ConvertedType.MAP or ConvertedType.MAP_KEY_VALUE) && children == 1
            && schema[index].NumChildren == 2)
        {
            index++;
            var key = TypeOf(schema, ref index);
            var value = TypeOf(schema, ref index);
            return $"MAP({key}, {value})";
        }

        var fields = new StringBuilder("STRUCT(");
        for (var i = 0; i < children; i++)
        {
            var name = schema[index].Name;
            fields.Append(i == 0 ? "" : ", ").Append(name).Append(' ').Append(TypeOf(schema, ref index));
        }

        return fields.Append(')').ToString();
    }

    /// <summary>The type of a repeated element that is itself the list's element (no "[]" for its repetition).</summary>
    private static string Unrepeated(List<SchemaElement> schema, ref int index)
    {
        var element = schema[index++];
        return element.NumChildren is > 0 ? GroupType(schema, element, ref index) : PrimitiveType(element);
    }

    /// <summary>The type DuckDB reads a primitive column as, with its logical (or older converted) annotation.</summary>
    private static string PrimitiveType(SchemaElement e)
    {
        var logical = e.LogicalType;
        if (logical?.DECIMAL is { } d)
        {
            return Decimal(d.Precision, d.Scale);
        }

        if (e.ConvertedType == ConvertedType.DECIMAL)
        {
            return Decimal(e.Precision ?? 0, e.Scale ?? 0);
        }

        return e.Type switch
        {
            ParquetType.BOOLEAN => "BOOLEAN",
            ParquetType.INT32 => logical switch
            {
                { DATE: not null } => "DATE",
                { TIME: not null } => "TIME",
                { INTEGER: { } i } => Integer(i.BitWidth, i.IsSigned),
                _ => e.ConvertedType switch
                {
                    ConvertedType.DATE => "DATE",
                    ConvertedType.TIME_MILLIS => "TIME",
                    ConvertedType.INT_8 => "TINYINT",
                    ConvertedType.INT_16 => "SMALLINT",
                    ConvertedType.UINT_8 => "UTINYINT",
                    ConvertedType.UINT_16 => "USMALLINT",
                    ConvertedType.UINT_32 => "UINTEGER",
                    _ => "INTEGER",
                },
            },
            ParquetType.INT64 => logical switch
            {
                { TIMESTAMP: { } t } => Timestamp(t.Unit, t.IsAdjustedToUTC),
                { TIME: not null } => "TIME",
                { INTEGER: { } i } => Integer(i.BitWidth, i.IsSigned),
                _ => e.ConvertedType switch
                {
                    ConvertedType.TIMESTAMP_MICROS => "TIMESTAMP",
                    ConvertedType.TIMESTAMP_MILLIS => "TIMESTAMP_MS",
                    ConvertedType.TIME_MICROS => "TIME",
                    ConvertedType.UINT_64 => "UBIGINT",
                    _ => "BIGINT",
                },
            },

            // Legacy timestamps (Spark, Impala, Parquet.Net's DateTime): not what silver declares, named as such.
            ParquetType.INT96 => "INT96",
            ParquetType.FLOAT => "FLOAT",
            ParquetType.DOUBLE => "DOUBLE",
            ParquetType.BYTE_ARRAY => logical switch
            {
                { STRING: not null } or { ENUM: not null } => "VARCHAR",
                { JSON: not null } => "JSON",
                _ => e.ConvertedType is ConvertedType.UTF8 or ConvertedType.ENUM ? "VARCHAR"
                    : e.ConvertedType == ConvertedType.JSON ? "JSON" : "BLOB",
            },
            ParquetType.FIXED_LEN_BYTE_ARRAY => logical switch
            {
                { UUID: not null } => "UUID",
                { FLOAT16: not null } => "FLOAT",
                _ => e.ConvertedType == ConvertedType.INTERVAL ? "INTERVAL" : "BLOB",
            },
            _ => "UNKNOWN",
        };
    }

    private static string Integer(sbyte bits, bool signed) => (bits, signed) switch
    {
        (8, true) => "TINYINT",
        (16, true) => "SMALLINT",
        (32, true) => "INTEGER",
        (64, true) => "BIGINT",
        (8, false) => "UTINYINT",
        (16, false) => "USMALLINT",
        (32, false) => "UINTEGER",
        (64, false) => "UBIGINT",
        _ => string.Create(CultureInfo.InvariantCulture, $"INT{bits}"),
    };

    private static string Timestamp(TimeUnit unit, bool utc) =>
        utc ? "TIMESTAMP WITH TIME ZONE"
        : unit.MILLIS is not null ? "TIMESTAMP_MS"
        : unit.NANOS is not null ? "TIMESTAMP_NS"
        : "TIMESTAMP";

    private static string Decimal(int precision, int scale) => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({precision},{scale})");
}

/// <summary>A top-level column as a Parquet footer describes it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">DuckDB's spelling of the type it holds, e.g. <c>INTEGER</c>, <c>VARCHAR[]</c>.</param>
/// <param name="Required">The file marks it REQUIRED (no NULL possible); DuckDB marks every column OPTIONAL.</param>
/// <param name="Nulls">NULLs counted by the row groups' statistics, or null when they are not all known.</param>
internal sealed record ParquetColumn(string Name, string Type, bool Required, long? Nulls);
