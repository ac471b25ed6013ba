using System.Runtime.InteropServices;

namespace Lakehouse.DuckDb.Native;

/// <summary>
/// <c>duckdb_type</c>. The numbers are ABI: DuckDB only ever appends, and they are not in declaration order
/// (UHUGEINT is 32, ARRAY 33), so every member carries its value explicitly, checked against duckdb.h.
/// </summary>
internal enum DuckDbTypeId
{
    Invalid = 0,
    Boolean = 1,
    TinyInt = 2,
    SmallInt = 3,
    Integer = 4,
    BigInt = 5,
    UTinyInt = 6,
    USmallInt = 7,
    UInteger = 8,
    UBigInt = 9,
    Float = 10,
    Double = 11,
    Timestamp = 12,
    Date = 13,
    Time = 14,
    Interval = 15,
    HugeInt = 16,
    Varchar = 17,
    Blob = 18,
    Decimal = 19,
    TimestampS = 20,
    TimestampMs = 21,
    TimestampNs = 22,
    Enum = 23,
    List = 24,
    Struct = 25,
    Map = 26,
    Uuid = 27,
    Union = 28,
    Bit = 29,
    TimeTz = 30,
    TimestampTz = 31,
    UHugeInt = 32,
    Array = 33,
    Any = 34,
    BigNum = 35,
    SqlNull = 36,
    StringLiteral = 37,
    IntegerLiteral = 38,
    TimeNs = 39,
    Geometry = 40,
    Variant = 41,
}

/// <summary><c>duckdb_result_type</c>: what kind of answer a statement produced.</summary>
internal enum DuckDbResultType
{
    Invalid = 0,
    ChangedRows = 1,
    Nothing = 2,
    QueryResult = 3,
}

/// <summary>
/// <c>duckdb_result</c>: 48 bytes of deprecated fields plus <c>internal_data</c>. Only its size matters here:
/// <c>duckdb_fetch_chunk</c> and friends take it by value, so the struct must be copied whole.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbResultValue
{
    public ulong DeprecatedColumnCount;
    public ulong DeprecatedRowCount;
    public ulong DeprecatedRowsChanged;
    public nint DeprecatedColumns;
    public nint DeprecatedErrorMessage;
    public nint InternalData;
}

/// <summary><c>duckdb_hugeint</c>: value = upper * 2^64 + lower.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbHugeInt
{
    public ulong Lower;
    public long Upper;
}

/// <summary><c>duckdb_uhugeint</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbUHugeInt
{
    public ulong Lower;
    public ulong Upper;
}

/// <summary><c>duckdb_decimal</c>: width and scale, then the unscaled value (at offset 8; 24 bytes in all).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbDecimal
{
    public byte Width;
    public byte Scale;
    public DuckDbHugeInt Value;
}

/// <summary><c>duckdb_interval</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbInterval
{
    public int Months;
    public int Days;
    public long Micros;
}
