namespace Lakehouse.Querying;

/// <summary>How <c>query</c> prints a result.</summary>
internal enum ResultFormat
{
    /// <summary>An aligned table for people; shows the first rows only.</summary>
    Table,

    /// <summary>RFC 4180 CSV with a header row, streamed: any number of rows in flat memory.</summary>
    Csv,

    /// <summary>A JSON array of objects with typed values (NULL as null, lists and structs nested), streamed.</summary>
    Json,

    /// <summary>An Arrow IPC stream (schema, then record batches) with DuckDB's types, streamed.</summary>
    Arrow,

    /// <summary>A Parquet file, written by DuckDB; only to a file.</summary>
    Parquet,
}
