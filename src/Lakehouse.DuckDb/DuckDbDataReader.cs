using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Lakehouse.DuckDb.Execution;
using Lakehouse.DuckDb.Native;
using Lakehouse.DuckDb.Reading;

namespace Lakehouse.DuckDb;

/// <summary>
/// Reads the result of a command's last statement, one DuckDB data chunk (up to 2048 rows) at a time, decoding
/// cells straight from DuckDB's vectors. SELECTs stream: DuckDB computes each chunk as it is fetched, so memory
/// stays flat however many rows come back. Columns of types this binding does not decode (LIST, STRUCT, MAP,
/// INTERVAL, ...) arrive as DuckDB's text for them (see <see cref="DuckDbCommand"/>).
/// </summary>
/// <remarks>
/// Type mapping: BOOLEAN bool; TINYINT..BIGINT sbyte/short/int/long; UTINYINT..UBIGINT byte/ushort/uint/ulong;
/// HUGEINT/UHUGEINT BigInteger; FLOAT/DOUBLE float/double; DECIMAL decimal; VARCHAR and ENUM string; BLOB byte[];
/// DATE DateOnly; TIME TimeOnly; TIMESTAMP (any unit) DateTime of Kind Unspecified; TIMESTAMPTZ DateTimeOffset in
/// UTC; UUID Guid. DuckDB's ±infinity dates and timestamps read as the CLR type's MinValue/MaxValue, and TIME
/// 24:00:00 as TimeOnly.MaxValue.
/// <para>
/// The per-cell getters are marked AggressiveOptimization: most readers live in short processes (a query, a run)
/// that would otherwise spend much of a million-row read in unoptimised tier-0 code before tiering catches up.
/// </para>
/// </remarks>
[SuppressMessage(
    "Design",
    "CA1010",
    Justification = "DbDataReader's enumeration of IDataRecord is ADO.NET's contract; rows are not objects of one type.")]
public sealed unsafe class DuckDbDataReader : DbDataReader
{
    private readonly DuckDbConnection connection;
    private readonly CommandBehavior behavior;
    private readonly PreparedStatement? statement;
    private readonly QueryResult? result;
    private readonly ColumnInfo[] columns;
    private readonly nint[] data;
    private readonly nint[] validity;
    private readonly int recordsAffected;
    private readonly bool hasRows;
    private DataChunkHandle? chunk;
    private int chunkSize;
    private int row;
    private bool started;
    private bool finished;
    private bool closed;
    private bool nativeReleased;

    internal DuckDbDataReader(
        DuckDbConnection connection,
        PreparedStatement? statement,
        QueryResult? result,
        IReadOnlyList<string>? declaredTypeNames,
        CommandBehavior behavior)
    {
        this.connection = connection;
        this.behavior = behavior;
        this.statement = statement;
        this.result = result;
        try
        {
            if (result is not null && result.ReturnType == DuckDbResultType.QueryResult)
            {
                columns = DescribeColumns(result, declaredTypeNames);
                data = new nint[columns.Length];
                validity = new nint[columns.Length];
                recordsAffected = -1;

                // Fetching the first chunk now answers HasRows and surfaces errors at ExecuteReader, where callers expect them.
                hasRows = FetchNextChunk();
                if (!hasRows)
                {
                    ReleaseNative();
                }
            }
            else
            {
                columns = [];
                data = [];
                validity = [];
                recordsAffected = result?.ReturnType == DuckDbResultType.ChangedRows
                    ? (int)Math.Min(result.RowsChanged, int.MaxValue)
                    : -1;
                finished = true;
                ReleaseNative();
            }
        }
        catch
        {
            result?.Dispose();
            statement?.Dispose();
            throw;
        }
    }

    public override int FieldCount
    {
        get
        {
            ThrowIfClosed();
            return columns.Length;
        }
    }

    public override bool HasRows
    {
        get
        {
            ThrowIfClosed();
            return hasRows;
        }
    }

    public override bool IsClosed => closed;

    /// <summary>Rows inserted, updated or deleted when the last statement was such a statement; otherwise -1.</summary>
    public override int RecordsAffected => recordsAffected;

    public override int Depth => 0;

    /// <summary>Whether DuckDB computes this result lazily, chunk by chunk, as it is read.</summary>
    internal bool IsStreaming => result is not null && !nativeReleased && result.IsStreaming;

    /// <summary>
    /// Whether the reader still holds DuckDB's result. Until it lets go (at the end of the rows, or on Close), the
    /// connection must not run anything else: a new statement would end the result inside DuckDB.
    /// </summary>
    internal bool HoldsNativeResult => !nativeReleased;

    private bool OnRow => started && !finished && chunk is not null;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Read()
    {
        ThrowIfClosed();
        if (finished)
        {
            return false;
        }

        if (!started)
        {
            started = true;
            row = 0;
            finished = chunk is null;
            return !finished;
        }

        if (++row < chunkSize)
        {
            return true;
        }

        row = 0;
        finished = !FetchNextChunk();
        if (finished)
        {
            ReleaseNative();
        }

        return !finished;
    }

    /// <summary>Only the last statement's result is exposed, so there is never a next one.</summary>
    public override bool NextResult()
    {
        ThrowIfClosed();
        started = true;
        finished = true;
        ReleaseNative();
        return false;
    }

    public override string GetName(int ordinal) => Column(ordinal).Name;

    public override int GetOrdinal(string name)
    {
        ThrowIfClosed();
        var index = Array.FindIndex(columns, c => string.Equals(c.Name, name, StringComparison.Ordinal));
        if (index < 0)
        {
            index = Array.FindIndex(columns, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        return index >= 0 ? index : throw NoSuchColumn($"The result has no column named '{name}'.");
    }

    /// <summary>DuckDB's name for the column's type, e.g. <c>VARCHAR</c>, <c>DECIMAL(18,3)</c>, <c>INTEGER[]</c>.</summary>
    public override string GetDataTypeName(int ordinal) => Column(ordinal).TypeName;

    public override Type GetFieldType(int ordinal) => Column(ordinal).ClrType ?? typeof(string);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool IsDBNull(int ordinal)
    {
        RequireRow(ordinal);
        var mask = (ulong*)validity[ordinal];
        return mask is not null && ((mask[row >> 6] >> (row & 63)) & 1) == 0;
    }

    public override object GetValue(int ordinal) => IsDBNull(ordinal) ? DBNull.Value : ReadValue(ordinal);

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    /// <summary>
    /// The raw UTF-8 bytes of a VARCHAR cell, without allocating a string: the fast path for writers of text.
    /// False for NULL and for columns that are not VARCHAR. The span points into DuckDB's memory and is valid only
    /// until the next <see cref="Read"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> utf8)
    {
        if (Column(ordinal).TypeId != DuckDbTypeId.Varchar || IsDBNull(ordinal))
        {
            utf8 = default;
            return false;
        }

        utf8 = VectorValues.Utf8(data[ordinal], row);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool GetBoolean(int ordinal) =>
        Kind(ordinal) == DuckDbTypeId.Boolean ? ((byte*)data[ordinal])[row] != 0 : GetFieldValue<bool>(ordinal);

    public override byte GetByte(int ordinal) =>
        Kind(ordinal) == DuckDbTypeId.UTinyInt ? ((byte*)data[ordinal])[row] : GetFieldValue<byte>(ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override short GetInt16(int ordinal) => Kind(ordinal) switch
    {
        DuckDbTypeId.SmallInt => ((short*)data[ordinal])[row],
        DuckDbTypeId.TinyInt => ((sbyte*)data[ordinal])[row],
        DuckDbTypeId.UTinyInt => ((byte*)data[ordinal])[row],
        _ => GetFieldValue<short>(ordinal),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int GetInt32(int ordinal) => Kind(ordinal) switch
    {
        DuckDbTypeId.Integer => ((int*)data[ordinal])[row],
        DuckDbTypeId.SmallInt => ((short*)data[ordinal])[row],
        DuckDbTypeId.USmallInt => ((ushort*)data[ordinal])[row],
        DuckDbTypeId.TinyInt => ((sbyte*)data[ordinal])[row],
        DuckDbTypeId.UTinyInt => ((byte*)data[ordinal])[row],
        _ => GetFieldValue<int>(ordinal),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override long GetInt64(int ordinal) => Kind(ordinal) switch
    {
        DuckDbTypeId.BigInt => ((long*)data[ordinal])[row],
        DuckDbTypeId.Integer => ((int*)data[ordinal])[row],
        DuckDbTypeId.UInteger => ((uint*)data[ordinal])[row],
        DuckDbTypeId.SmallInt => ((short*)data[ordinal])[row],
        DuckDbTypeId.USmallInt => ((ushort*)data[ordinal])[row],
        DuckDbTypeId.TinyInt => ((sbyte*)data[ordinal])[row],
        DuckDbTypeId.UTinyInt => ((byte*)data[ordinal])[row],
        _ => GetFieldValue<long>(ordinal),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float GetFloat(int ordinal) =>
        Kind(ordinal) == DuckDbTypeId.Float ? ((float*)data[ordinal])[row] : GetFieldValue<float>(ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double GetDouble(int ordinal) => Kind(ordinal) switch
    {
        DuckDbTypeId.Double => ((double*)data[ordinal])[row],
        DuckDbTypeId.Float => ((float*)data[ordinal])[row],
        _ => GetFieldValue<double>(ordinal),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override decimal GetDecimal(int ordinal)
    {
        var column = Column(ordinal);
        return Kind(ordinal) == DuckDbTypeId.Decimal
            ? VectorValues.Decimal(data[ordinal], row, column.StorageType, column.DecimalScale)
            : GetFieldValue<decimal>(ordinal);
    }

    /// <summary>VARCHAR and ENUM columns (and columns rendered as text); other types throw InvalidCastException.</summary>
    public override string GetString(int ordinal) => Kind(ordinal) switch
    {
        DuckDbTypeId.Varchar => Encoding.UTF8.GetString(VectorValues.Utf8(data[ordinal], row)),
        DuckDbTypeId.Enum => EnumValue(ordinal),
        _ => throw CannotRead(ordinal, typeof(string)),
    };

    public override char GetChar(int ordinal)
    {
        var text = GetString(ordinal);
        return text.Length > 0 ? text[0] : throw new InvalidCastException($"Column '{GetName(ordinal)}' holds an empty string.");
    }

    /// <summary>TIMESTAMP (any unit), DATE (at midnight), and TIMESTAMPTZ (as UTC).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override DateTime GetDateTime(int ordinal)
    {
        var kind = Kind(ordinal);
        return kind switch
        {
            DuckDbTypeId.Timestamp or DuckDbTypeId.TimestampS or DuckDbTypeId.TimestampMs or DuckDbTypeId.TimestampNs =>
                VectorValues.Timestamp(((long*)data[ordinal])[row], kind),
            DuckDbTypeId.Date => VectorValues.Date(((int*)data[ordinal])[row]).ToDateTime(TimeOnly.MinValue),
            DuckDbTypeId.TimestampTz => VectorValues.TimestampTz(((long*)data[ordinal])[row]).UtcDateTime,
            _ => throw CannotRead(ordinal, typeof(DateTime)),
        };
    }

    public override Guid GetGuid(int ordinal) =>
        Kind(ordinal) == DuckDbTypeId.Uuid ? VectorValues.Uuid(data[ordinal], row) : GetFieldValue<Guid>(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        if (Kind(ordinal) is not (DuckDbTypeId.Blob or DuckDbTypeId.Varchar))
        {
            throw CannotRead(ordinal, typeof(byte[]));
        }

        var bytes = VectorValues.Utf8(data[ordinal], row);
        if (buffer is null)
        {
            return bytes.Length;
        }

        var available = (int)Math.Max(0, Math.Min(bytes.Length - dataOffset, length));
        if (available > 0)
        {
            bytes.Slice((int)dataOffset, available).CopyTo(buffer.AsSpan(bufferOffset));
        }

        return available;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        var available = (int)Math.Max(0, Math.Min(text.Length - dataOffset, length));
        if (available > 0)
        {
            text.AsSpan((int)dataOffset, available).CopyTo(buffer.AsSpan(bufferOffset));
        }

        return available;
    }

    /// <summary>
    /// The cell as <typeparamref name="T"/>: the column's own CLR type, a nullable of it (NULL reads as null), or a
    /// lossless-enough conversion (DATE as DateTime, integers widened, BigInteger narrowed with overflow checks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override T GetFieldValue<T>(int ordinal)
    {
        if (typeof(T) == typeof(object))
        {
            return (T)GetValue(ordinal);
        }

        if (IsDBNull(ordinal))
        {
            return default(T) is null
                ? default!
                : throw new InvalidCastException($"Column '{GetName(ordinal)}' is NULL in this row; read it as a nullable type or check IsDBNull.");
        }

        // Fast paths without boxing for the value types writers read per cell. Each `typeof(T) ==` test is a JIT-time
        // constant, so an instantiation keeps only its own branch, and `(T)(object)x` compiles to no allocation.
        var kind = columns[ordinal].TypeId;
        var cells = data[ordinal];
        if (typeof(T) == typeof(DateOnly) && kind == DuckDbTypeId.Date)
        {
            return (T)(object)VectorValues.Date(((int*)cells)[row]);
        }

        if (typeof(T) == typeof(DateTime) && kind is DuckDbTypeId.Timestamp or DuckDbTypeId.TimestampS or DuckDbTypeId.TimestampMs or DuckDbTypeId.TimestampNs)
        {
            return (T)(object)VectorValues.Timestamp(((long*)cells)[row], kind);
        }

        if (typeof(T) == typeof(DateTimeOffset) && kind == DuckDbTypeId.TimestampTz)
        {
            return (T)(object)VectorValues.TimestampTz(((long*)cells)[row]);
        }

        if (typeof(T) == typeof(TimeOnly) && kind == DuckDbTypeId.Time)
        {
            return (T)(object)VectorValues.Time(((long*)cells)[row]);
        }

        if (typeof(T) == typeof(sbyte) && kind == DuckDbTypeId.TinyInt)
        {
            return (T)(object)((sbyte*)cells)[row];
        }

        if (typeof(T) == typeof(ushort) && kind == DuckDbTypeId.USmallInt)
        {
            return (T)(object)((ushort*)cells)[row];
        }

        if (typeof(T) == typeof(uint) && kind == DuckDbTypeId.UInteger)
        {
            return (T)(object)((uint*)cells)[row];
        }

        if (typeof(T) == typeof(ulong) && kind == DuckDbTypeId.UBigInt)
        {
            return (T)(object)((ulong*)cells)[row];
        }

        var value = ReadValue(ordinal);
        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)(ValueConversion.To(value, target) ?? throw CannotRead(ordinal, target));
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    /// <summary>The columns' names, ordinals, CLR types and DuckDB type names, for tools such as DataTable.Load.</summary>
    public override DataTable GetSchemaTable()
    {
        ThrowIfClosed();
        var table = new DataTable("SchemaTable") { Locale = CultureInfo.InvariantCulture };
        table.Columns.Add(SchemaTableColumn.ColumnName, typeof(string));
        table.Columns.Add(SchemaTableColumn.ColumnOrdinal, typeof(int));
        table.Columns.Add(SchemaTableColumn.ColumnSize, typeof(int));
        table.Columns.Add(SchemaTableColumn.NumericPrecision, typeof(short));
        table.Columns.Add(SchemaTableColumn.NumericScale, typeof(short));
        table.Columns.Add(SchemaTableColumn.DataType, typeof(Type));
        table.Columns.Add("DataTypeName", typeof(string));
        table.Columns.Add(SchemaTableColumn.AllowDBNull, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsKey, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsUnique, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsLong, typeof(bool));
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            table.Rows.Add(
                column.Name,
                i,
                -1,
                DBNull.Value,
                column.TypeId == DuckDbTypeId.Decimal ? column.DecimalScale : DBNull.Value,
                column.ClrType ?? typeof(string),
                column.TypeName,
                true,
                false,
                false,
                column.TypeId is DuckDbTypeId.Varchar or DuckDbTypeId.Blob);
        }

        return table;
    }

    public override void Close()
    {
        if (closed)
        {
            return;
        }

        closed = true;
        ReleaseNative();
        if (behavior.HasFlag(CommandBehavior.CloseConnection))
        {
            connection.Close();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    private static ColumnInfo[] DescribeColumns(QueryResult result, IReadOnlyList<string>? declaredTypeNames)
    {
        var count = result.ColumnCount;
        var described = new ColumnInfo[count];
        for (var i = 0; i < count; i++)
        {
            using var type = result.ColumnType(i);
            var declared = declaredTypeNames is not null && i < declaredTypeNames.Count ? declaredTypeNames[i] : null;
            described[i] = ColumnInfo.Describe(result.ColumnName(i), type, declared);
        }

        return described;
    }

    private bool FetchNextChunk()
    {
        ReleaseChunk();
        while (true)
        {
            var next = result!.FetchChunk();
            if (next is null)
            {
                return false;
            }

            var size = (int)NativeMethods.duckdb_data_chunk_get_size(next);
            if (size == 0)
            {
                next.Dispose();
                continue;
            }

            for (var i = 0; i < columns.Length; i++)
            {
                var vector = NativeMethods.duckdb_data_chunk_get_vector(next, (ulong)i);
                data[i] = NativeMethods.duckdb_vector_get_data(vector);
                validity[i] = (nint)NativeMethods.duckdb_vector_get_validity(vector);
            }

            chunk = next;
            chunkSize = size;
            return true;
        }
    }

    /// <summary>Frees the result and its statement as soon as they are no longer needed, and frees the connection.</summary>
    private void ReleaseNative()
    {
        if (nativeReleased)
        {
            return;
        }

        nativeReleased = true;
        ReleaseChunk();
        result?.Dispose();
        statement?.Dispose();
        connection.OnReaderClosed(this);
    }

    private void ReleaseChunk()
    {
        chunk?.Dispose();
        chunk = null;
        chunkSize = 0;
    }

    private object ReadValue(int ordinal)
    {
        var column = columns[ordinal];
        var cells = data[ordinal];
        return column.TypeId switch
        {
            DuckDbTypeId.Boolean => ((byte*)cells)[row] != 0,
            DuckDbTypeId.TinyInt => ((sbyte*)cells)[row],
            DuckDbTypeId.SmallInt => ((short*)cells)[row],
            DuckDbTypeId.Integer => ((int*)cells)[row],
            DuckDbTypeId.BigInt => ((long*)cells)[row],
            DuckDbTypeId.UTinyInt => ((byte*)cells)[row],
            DuckDbTypeId.USmallInt => ((ushort*)cells)[row],
            DuckDbTypeId.UInteger => ((uint*)cells)[row],
            DuckDbTypeId.UBigInt => ((ulong*)cells)[row],
            DuckDbTypeId.HugeInt => VectorValues.ToBigInteger(VectorValues.HugeInt(cells, row)),
            DuckDbTypeId.UHugeInt => VectorValues.ToBigInteger(VectorValues.UHugeInt(cells, row)),
            DuckDbTypeId.Float => ((float*)cells)[row],
            DuckDbTypeId.Double => ((double*)cells)[row],
            DuckDbTypeId.Decimal => VectorValues.Decimal(cells, row, column.StorageType, column.DecimalScale),
            DuckDbTypeId.Varchar => Encoding.UTF8.GetString(VectorValues.Utf8(cells, row)),
            DuckDbTypeId.Enum => EnumValue(ordinal),
            DuckDbTypeId.Blob => VectorValues.Utf8(cells, row).ToArray(),
            DuckDbTypeId.Date => VectorValues.Date(((int*)cells)[row]),
            DuckDbTypeId.Time => VectorValues.Time(((long*)cells)[row]),
            DuckDbTypeId.Timestamp or DuckDbTypeId.TimestampS or DuckDbTypeId.TimestampMs or DuckDbTypeId.TimestampNs =>
                VectorValues.Timestamp(((long*)cells)[row], column.TypeId),
            DuckDbTypeId.TimestampTz => VectorValues.TimestampTz(((long*)cells)[row]),
            DuckDbTypeId.Uuid => VectorValues.Uuid(cells, row),
            _ => throw new NotSupportedException(
                $"Column '{column.Name}' has type {column.TypeName}, which this binding cannot decode (it renders such " +
                "columns as text only for SELECT statements); cast it to VARCHAR in the query."),
        };
    }

    private string EnumValue(int ordinal)
    {
        var column = columns[ordinal];
        var cells = data[ordinal];
        var index = column.StorageType switch
        {
            DuckDbTypeId.UTinyInt => ((byte*)cells)[row],
            DuckDbTypeId.USmallInt => ((ushort*)cells)[row],
            _ => (int)((uint*)cells)[row],
        };
        return column.EnumValues![index];
    }

    /// <summary>The column's vector type, after checking there is a current row and the cell is not NULL.</summary>
    private DuckDbTypeId Kind(int ordinal)
    {
        if (IsDBNull(ordinal))
        {
            throw new InvalidCastException($"Column '{GetName(ordinal)}' is NULL in this row; check IsDBNull first.");
        }

        return columns[ordinal].TypeId;
    }

    private ColumnInfo Column(int ordinal)
    {
        ThrowIfClosed();
        return (uint)ordinal < (uint)columns.Length
            ? columns[ordinal]
            : throw NoSuchColumn($"Column {ordinal} does not exist: the result has {columns.Length} columns.");
    }

    private void RequireRow(int ordinal)
    {
        Column(ordinal);
        if (!OnRow)
        {
            throw new InvalidOperationException("There is no current row: call Read() and check that it returned true.");
        }
    }

    [SuppressMessage(
        "Usage",
        "CA2201",
        Justification = "DbDataReader documents IndexOutOfRangeException for an unknown column, and ADO.NET callers catch it.")]
    private static IndexOutOfRangeException NoSuchColumn(string message) => new(message);

    private InvalidCastException CannotRead(int ordinal, Type target) =>
        new($"Column '{GetName(ordinal)}' ({GetDataTypeName(ordinal)}) cannot be read as {target.Name}.");

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(closed, this);
}
