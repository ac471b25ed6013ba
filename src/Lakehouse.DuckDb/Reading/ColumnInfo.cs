using Lakehouse.DuckDb.Native;

namespace Lakehouse.DuckDb.Reading;

/// <summary>What the reader needs to know about one result column, worked out once per result.</summary>
internal sealed class ColumnInfo
{
    private ColumnInfo(string name, DuckDbTypeId typeId, string typeName, Type? clrType)
    {
        Name = name;
        TypeId = typeId;
        TypeName = typeName;
        ClrType = clrType;
    }

    public string Name { get; }

    /// <summary>The type of the vectors as they arrive (VARCHAR for a column the reader had DuckDB render as text).</summary>
    public DuckDbTypeId TypeId { get; }

    /// <summary>DuckDB's name for the column's type, before any rendering as text.</summary>
    public string TypeName { get; }

    /// <summary>Null when the binding cannot decode the column (it could not be rendered as text either).</summary>
    public Type? ClrType { get; }

    public byte DecimalScale { get; private init; }

    public DuckDbTypeId StorageType { get; private init; }

    public IReadOnlyList<string>? EnumValues { get; private init; }

    public static ColumnInfo Describe(string name, LogicalTypeHandle type, string? declaredTypeName)
    {
        var id = LogicalTypes.TypeId(type);
        var typeName = declaredTypeName ?? LogicalTypes.Name(type);
        return id switch
        {
            DuckDbTypeId.Decimal => new ColumnInfo(name, id, typeName, typeof(decimal))
            {
                DecimalScale = NativeMethods.duckdb_decimal_scale(type),
                StorageType = (DuckDbTypeId)NativeMethods.duckdb_decimal_internal_type(type),
            },
            DuckDbTypeId.Enum => new ColumnInfo(name, id, typeName, typeof(string))
            {
                StorageType = (DuckDbTypeId)NativeMethods.duckdb_enum_internal_type(type),
                EnumValues = LogicalTypes.EnumValues(type),
            },
            _ => new ColumnInfo(name, id, typeName, LogicalTypes.ClrType(id)),
        };
    }
}
