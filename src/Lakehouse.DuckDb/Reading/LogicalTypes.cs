using System.Globalization;
using System.Numerics;
using System.Text;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Reading;

/// <summary>What this binding knows about DuckDB's types: which it decodes, to which CLR type, and their names.</summary>
internal static class LogicalTypes
{
    /// <summary>The CLR type a column of <paramref name="type"/> is read as; null when the binding cannot decode it.</summary>
    public static Type? ClrType(DuckDbTypeId type) => type switch
    {
        DuckDbTypeId.Boolean => typeof(bool),
        DuckDbTypeId.TinyInt => typeof(sbyte),
        DuckDbTypeId.SmallInt => typeof(short),
        DuckDbTypeId.Integer => typeof(int),
        DuckDbTypeId.BigInt => typeof(long),
        DuckDbTypeId.UTinyInt => typeof(byte),
        DuckDbTypeId.USmallInt => typeof(ushort),
        DuckDbTypeId.UInteger => typeof(uint),
        DuckDbTypeId.UBigInt => typeof(ulong),
        DuckDbTypeId.HugeInt or DuckDbTypeId.UHugeInt => typeof(BigInteger),
        DuckDbTypeId.Float => typeof(float),
        DuckDbTypeId.Double => typeof(double),
        DuckDbTypeId.Decimal => typeof(decimal),
        DuckDbTypeId.Varchar or DuckDbTypeId.Enum => typeof(string),
        DuckDbTypeId.Blob => typeof(byte[]),
        DuckDbTypeId.Date => typeof(DateOnly),
        DuckDbTypeId.Time => typeof(TimeOnly),
        DuckDbTypeId.Timestamp or DuckDbTypeId.TimestampS or DuckDbTypeId.TimestampMs or DuckDbTypeId.TimestampNs => typeof(DateTime),
        DuckDbTypeId.TimestampTz => typeof(DateTimeOffset),
        DuckDbTypeId.Uuid => typeof(Guid),
        _ => null,
    };

    public static DuckDbTypeId TypeId(LogicalTypeHandle type) => (DuckDbTypeId)NativeMethods.duckdb_get_type_id(type);

    /// <summary>The type as DuckDB writes it (<c>DECIMAL(18,3)</c>, <c>INTEGER[]</c>, <c>STRUCT(a INTEGER)</c>).</summary>
    public static string Name(LogicalTypeHandle type)
    {
        var alias = NativeText.Owned(NativeMethods.duckdb_logical_type_get_alias(type));
        if (!string.IsNullOrEmpty(alias))
        {
            return alias;
        }

        var id = TypeId(type);
        return id switch
        {
            DuckDbTypeId.Decimal => string.Create(
                CultureInfo.InvariantCulture,
                $"DECIMAL({NativeMethods.duckdb_decimal_width(type)},{NativeMethods.duckdb_decimal_scale(type)})"),
            DuckDbTypeId.Enum => EnumName(type),
            DuckDbTypeId.List => Child(NativeMethods.duckdb_list_type_child_type(type)) + "[]",
            DuckDbTypeId.Array => string.Create(
                CultureInfo.InvariantCulture,
                $"{Child(NativeMethods.duckdb_array_type_child_type(type))}[{NativeMethods.duckdb_array_type_array_size(type)}]"),
            DuckDbTypeId.Map => $"MAP({Child(NativeMethods.duckdb_map_type_key_type(type))}, {Child(NativeMethods.duckdb_map_type_value_type(type))})",
            DuckDbTypeId.Struct => Members(
                "STRUCT",
                NativeMethods.duckdb_struct_type_child_count(type),
                i => NativeMethods.duckdb_struct_type_child_name(type, i),
                i => NativeMethods.duckdb_struct_type_child_type(type, i)),
            DuckDbTypeId.Union => Members(
                "UNION",
                NativeMethods.duckdb_union_type_member_count(type),
                i => NativeMethods.duckdb_union_type_member_name(type, i),
                i => NativeMethods.duckdb_union_type_member_type(type, i)),
            _ => SimpleName(id),
        };
    }

    public static string[] EnumValues(LogicalTypeHandle type)
    {
        var size = NativeMethods.duckdb_enum_dictionary_size(type);
        var values = new string[size];
        for (var i = 0u; i < size; i++)
        {
            values[i] = NativeText.Owned(NativeMethods.duckdb_enum_dictionary_value(type, i)) ?? string.Empty;
        }

        return values;
    }

    private static string SimpleName(DuckDbTypeId id) => id switch
    {
        DuckDbTypeId.Boolean => "BOOLEAN",
        DuckDbTypeId.TinyInt => "TINYINT",
        DuckDbTypeId.SmallInt => "SMALLINT",
        DuckDbTypeId.Integer => "INTEGER",
        DuckDbTypeId.BigInt => "BIGINT",
        DuckDbTypeId.UTinyInt => "UTINYINT",
        DuckDbTypeId.USmallInt => "USMALLINT",
        DuckDbTypeId.UInteger => "UINTEGER",
        DuckDbTypeId.UBigInt => "UBIGINT",
        DuckDbTypeId.HugeInt => "HUGEINT",
        DuckDbTypeId.UHugeInt => "UHUGEINT",
        DuckDbTypeId.Float => "FLOAT",
        DuckDbTypeId.Double => "DOUBLE",
        DuckDbTypeId.Varchar => "VARCHAR",
        DuckDbTypeId.Blob => "BLOB",
        DuckDbTypeId.Date => "DATE",
        DuckDbTypeId.Time => "TIME",
        DuckDbTypeId.TimeNs => "TIME_NS",
        DuckDbTypeId.TimeTz => "TIME WITH TIME ZONE",
        DuckDbTypeId.Timestamp => "TIMESTAMP",
        DuckDbTypeId.TimestampS => "TIMESTAMP_S",
        DuckDbTypeId.TimestampMs => "TIMESTAMP_MS",
        DuckDbTypeId.TimestampNs => "TIMESTAMP_NS",
        DuckDbTypeId.TimestampTz => "TIMESTAMP WITH TIME ZONE",
        DuckDbTypeId.Interval => "INTERVAL",
        DuckDbTypeId.Uuid => "UUID",
        DuckDbTypeId.Bit => "BIT",
        DuckDbTypeId.BigNum => "BIGNUM",
        DuckDbTypeId.SqlNull => "\"NULL\"",
        DuckDbTypeId.Geometry => "GEOMETRY",
        DuckDbTypeId.Variant => "VARIANT",
        DuckDbTypeId.Any => "ANY",
        _ => id.ToString().ToUpperInvariant(),
    };

    private static string Child(nint pointer)
    {
        using var child = new LogicalTypeHandle(pointer);
        return Name(child);
    }

    private static string Members(string kind, ulong count, Func<ulong, nint> name, Func<ulong, nint> type)
    {
        var text = new StringBuilder(kind).Append('(');
        for (var i = 0ul; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(QuoteIfNeeded(NativeText.Owned(name(i)) ?? string.Empty)).Append(' ').Append(Child(type(i)));
        }

        return text.Append(')').ToString();
    }

    private static string EnumName(LogicalTypeHandle type)
    {
        var values = EnumValues(type).Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'");
        return "ENUM(" + string.Join(", ", values) + ")";
    }

    private static string QuoteIfNeeded(string name)
    {
        var plain = name.Length > 0
            && !char.IsAsciiDigit(name[0])
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
        return plain ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
