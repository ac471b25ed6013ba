using System.Runtime.InteropServices;

namespace Lakehouse.DuckDb.Native;

/// <summary><c>duckdb_state</c>.</summary>
internal enum DuckDbState
{
    Success = 0,
    Error = 1,
}

/// <summary><c>duckdb_pending_state</c>.</summary>
internal enum DuckDbPendingState
{
    ResultReady = 0,
    ResultNotReady = 1,
    Error = 2,
    NoTasksAvailable = 3,
}

/// <summary>
/// The slice of DuckDB's C API (duckdb.h, checked against libduckdb 1.5.6's exports) this binding uses.
/// Names keep their C spelling so they can be grepped against the header. Handles that own native memory travel
/// as <see cref="NativeHandle"/>s (the marshaller keeps them alive for the call); borrowed pointers (vectors,
/// strings owned by a result) travel as <see cref="nint"/>. Out-pointers come back as <see cref="nint"/> and are
/// wrapped at once, even after a failure, because several failed calls still allocate something to destroy.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "duckdb";

    // ---- Open / connect ----------------------------------------------------------------------------------------

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_open_ext(string path, out nint database, ConfigHandle config, out nint error);

    [LibraryImport(Library)]
    internal static partial nint duckdb_create_instance_cache();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_get_or_create_from_cache(
        nint instanceCache, string path, out nint database, ConfigHandle config, out nint error);

    [LibraryImport(Library)]
    internal static partial void duckdb_close(ref nint database);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_connect(DatabaseHandle database, out nint connection);

    [LibraryImport(Library)]
    internal static partial void duckdb_interrupt(ConnectionHandle connection);

    [LibraryImport(Library)]
    internal static partial void duckdb_disconnect(ref nint connection);

    [LibraryImport(Library)]
    internal static partial nint duckdb_library_version();

    [LibraryImport(Library)]
    internal static partial void duckdb_free(nint pointer);

    // ---- Configuration -----------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_create_config(out nint config);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_set_config(ConfigHandle config, string name, string option);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_config(ref nint config);

    // ---- Statements --------------------------------------------------------------------------------------------

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ulong duckdb_extract_statements(ConnectionHandle connection, string query, out nint extracted);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_prepare_extracted_statement(
        ConnectionHandle connection, ExtractedStatementsHandle extracted, ulong index, out nint prepared);

    [LibraryImport(Library)]
    internal static partial nint duckdb_extract_statements_error(ExtractedStatementsHandle extracted);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_extracted(ref nint extracted);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_prepare(ConnectionHandle connection, string query, out nint prepared);

    [LibraryImport(Library)]
    internal static partial nint duckdb_prepare_error(PreparedStatementHandle prepared);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_prepare(ref nint prepared);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_nparams(PreparedStatementHandle prepared);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_bind_parameter_index(PreparedStatementHandle prepared, out ulong index, string name);

    [LibraryImport(Library)]
    internal static partial int duckdb_prepared_statement_type(PreparedStatementHandle prepared);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_prepared_statement_column_count(PreparedStatementHandle prepared);

    /// <remarks>The returned name must be freed with <see cref="duckdb_free"/>.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_prepared_statement_column_name(PreparedStatementHandle prepared, ulong column);

    [LibraryImport(Library)]
    internal static partial nint duckdb_prepared_statement_column_logical_type(PreparedStatementHandle prepared, ulong column);

    // ---- Binding -----------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_null(PreparedStatementHandle prepared, ulong index);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_boolean(
        PreparedStatementHandle prepared, ulong index, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_int8(PreparedStatementHandle prepared, ulong index, sbyte value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_int16(PreparedStatementHandle prepared, ulong index, short value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_int32(PreparedStatementHandle prepared, ulong index, int value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_int64(PreparedStatementHandle prepared, ulong index, long value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_uint8(PreparedStatementHandle prepared, ulong index, byte value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_uint16(PreparedStatementHandle prepared, ulong index, ushort value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_uint32(PreparedStatementHandle prepared, ulong index, uint value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_uint64(PreparedStatementHandle prepared, ulong index, ulong value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_hugeint(PreparedStatementHandle prepared, ulong index, DuckDbHugeInt value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_uhugeint(PreparedStatementHandle prepared, ulong index, DuckDbUHugeInt value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_float(PreparedStatementHandle prepared, ulong index, float value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_double(PreparedStatementHandle prepared, ulong index, double value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_decimal(PreparedStatementHandle prepared, ulong index, DuckDbDecimal value);

    /// <remarks><c>duckdb_date</c> is a struct holding one int32 (days since 1970-01-01); ABI-identical to int.</remarks>
    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_date(PreparedStatementHandle prepared, ulong index, int days);

    /// <remarks><c>duckdb_time</c>: one int64, microseconds since midnight.</remarks>
    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_time(PreparedStatementHandle prepared, ulong index, long micros);

    /// <remarks><c>duckdb_timestamp</c>: one int64, microseconds since the epoch.</remarks>
    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_timestamp(PreparedStatementHandle prepared, ulong index, long micros);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_timestamp_tz(PreparedStatementHandle prepared, ulong index, long micros);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_interval(PreparedStatementHandle prepared, ulong index, DuckDbInterval value);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_varchar_length(
        PreparedStatementHandle prepared, ulong index, byte* value, ulong length);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_blob(PreparedStatementHandle prepared, ulong index, byte* data, ulong length);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_bind_value(PreparedStatementHandle prepared, ulong index, ValueHandle value);

    [LibraryImport(Library)]
    internal static partial nint duckdb_create_uuid(DuckDbUHugeInt value);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_value(ref nint value);

    // ---- Execution ---------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_pending_prepared(PreparedStatementHandle prepared, out nint pending);

    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_pending_prepared_streaming(PreparedStatementHandle prepared, out nint pending);

    [LibraryImport(Library)]
    internal static partial nint duckdb_pending_error(PendingResultHandle pending);

    [LibraryImport(Library)]
    internal static partial DuckDbPendingState duckdb_pending_execute_task(PendingResultHandle pending);

    /// <remarks><paramref name="result"/> is the address of a zeroed 48-byte <c>duckdb_result</c>.</remarks>
    [LibraryImport(Library)]
    internal static partial DuckDbState duckdb_execute_pending(PendingResultHandle pending, ResultHandle result);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_pending(ref nint pending);

    // ---- Results (by pointer, except where noted) --------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_result(nint result);

    [LibraryImport(Library)]
    internal static partial nint duckdb_result_error(ResultHandle result);

    [LibraryImport(Library)]
    internal static partial int duckdb_result_error_type(ResultHandle result);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_column_count(ResultHandle result);

    /// <remarks>Owned by the result; do not free.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_column_name(ResultHandle result, ulong column);

    [LibraryImport(Library)]
    internal static partial nint duckdb_column_logical_type(ResultHandle result, ulong column);

    /// <remarks>
    /// A "deprecated" accessor: it converts the result to the legacy materialized form, after which
    /// <see cref="duckdb_fetch_chunk"/> returns nothing. Only call it on results that will not be read.
    /// </remarks>
    [LibraryImport(Library)]
    internal static partial ulong duckdb_rows_changed(ResultHandle result);

    /// <remarks>Takes the result BY VALUE.</remarks>
    [LibraryImport(Library)]
    internal static partial int duckdb_result_return_type(DuckDbResultValue result);

    /// <remarks>Takes the result BY VALUE.</remarks>
    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool duckdb_result_is_streaming(DuckDbResultValue result);

    /// <remarks>Takes the result BY VALUE; returns null when exhausted or failed (then check the result's error).</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_fetch_chunk(DuckDbResultValue result);

    // ---- Data chunks and vectors -------------------------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial ulong duckdb_data_chunk_get_size(DataChunkHandle chunk);

    [LibraryImport(Library)]
    internal static partial nint duckdb_data_chunk_get_vector(DataChunkHandle chunk, ulong column);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_data_chunk(ref nint chunk);

    [LibraryImport(Library)]
    internal static partial nint duckdb_vector_get_data(nint vector);

    [LibraryImport(Library)]
    internal static partial ulong* duckdb_vector_get_validity(nint vector);

    // ---- Logical types -----------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    internal static partial int duckdb_get_type_id(LogicalTypeHandle type);

    /// <remarks>Returns null when the type has no alias; otherwise free with <see cref="duckdb_free"/>.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_logical_type_get_alias(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial byte duckdb_decimal_width(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial byte duckdb_decimal_scale(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial int duckdb_decimal_internal_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial int duckdb_enum_internal_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial uint duckdb_enum_dictionary_size(LogicalTypeHandle type);

    /// <remarks>Free with <see cref="duckdb_free"/>.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_enum_dictionary_value(LogicalTypeHandle type, ulong index);

    [LibraryImport(Library)]
    internal static partial nint duckdb_list_type_child_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial nint duckdb_array_type_child_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_array_type_array_size(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial nint duckdb_map_type_key_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial nint duckdb_map_type_value_type(LogicalTypeHandle type);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_struct_type_child_count(LogicalTypeHandle type);

    /// <remarks>Free with <see cref="duckdb_free"/>.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_struct_type_child_name(LogicalTypeHandle type, ulong index);

    [LibraryImport(Library)]
    internal static partial nint duckdb_struct_type_child_type(LogicalTypeHandle type, ulong index);

    [LibraryImport(Library)]
    internal static partial ulong duckdb_union_type_member_count(LogicalTypeHandle type);

    /// <remarks>Free with <see cref="duckdb_free"/>.</remarks>
    [LibraryImport(Library)]
    internal static partial nint duckdb_union_type_member_name(LogicalTypeHandle type, ulong index);

    [LibraryImport(Library)]
    internal static partial nint duckdb_union_type_member_type(LogicalTypeHandle type, ulong index);

    [LibraryImport(Library)]
    internal static partial void duckdb_destroy_logical_type(ref nint type);
}
