using System.Runtime.InteropServices;

namespace Lakehouse.DuckDb.Native;

/// <summary>
/// Owns one DuckDB object. Dispose frees it deterministically; the finalizer is the backstop.
/// A handle made from a parent (a connection from its database, a statement from its connection) holds a
/// reference on that parent until it is itself released, so even when the finalizer frees both in arbitrary
/// order, DuckDB never sees a child outlive its parent.
/// </summary>
internal abstract class NativeHandle : SafeHandle
{
    private static long live;
    private readonly NativeHandle? parent;

    protected NativeHandle(nint pointer, NativeHandle? parent)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        if (parent is not null)
        {
            var added = false;
            parent.DangerousAddRef(ref added);
            this.parent = parent;
        }

        SetHandle(pointer);
        Interlocked.Increment(ref live);
    }

    /// <summary>Native objects allocated by this binding and not yet freed, across the process; tests watch it for leaks.</summary>
    internal static long LiveHandles => Interlocked.Read(ref live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected sealed override bool ReleaseHandle()
    {
        Free(handle);
        Interlocked.Decrement(ref live);
        parent?.DangerousRelease();
        return true;
    }

    protected abstract void Free(nint pointer);
}

internal sealed class ConfigHandle(nint pointer) : NativeHandle(pointer, parent: null)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_config(ref pointer);
}

internal sealed class DatabaseHandle(nint pointer, bool shared) : NativeHandle(pointer, parent: null)
{
    protected override void Free(nint pointer) => DatabaseInstances.CloseNative(pointer, shared);
}

internal sealed class ConnectionHandle(nint pointer, DatabaseHandle database) : NativeHandle(pointer, database)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_disconnect(ref pointer);
}

internal sealed class ExtractedStatementsHandle(nint pointer, ConnectionHandle connection) : NativeHandle(pointer, connection)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_extracted(ref pointer);
}

internal sealed class PreparedStatementHandle(nint pointer, ConnectionHandle connection) : NativeHandle(pointer, connection)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_prepare(ref pointer);
}

internal sealed class PendingResultHandle(nint pointer, PreparedStatementHandle prepared) : NativeHandle(pointer, prepared)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_pending(ref pointer);
}

internal sealed class LogicalTypeHandle(nint pointer) : NativeHandle(pointer, parent: null)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_logical_type(ref pointer);
}

internal sealed class ValueHandle(nint pointer) : NativeHandle(pointer, parent: null)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_value(ref pointer);
}

internal sealed class DataChunkHandle(nint pointer) : NativeHandle(pointer, parent: null)
{
    protected override void Free(nint pointer) => NativeMethods.duckdb_destroy_data_chunk(ref pointer);
}

/// <summary>
/// A <c>duckdb_result</c> lives in 48 zeroed bytes of native memory that this handle owns; the handle's value is
/// the address the "by pointer" result functions want. Zeroed, so destroying it is safe even when DuckDB
/// failed before writing anything into it.
/// </summary>
internal sealed unsafe class ResultHandle : NativeHandle
{
    private ResultHandle(nint pointer, PreparedStatementHandle prepared)
        : base(pointer, prepared)
    {
    }

    public static ResultHandle Allocate(PreparedStatementHandle prepared) =>
        new((nint)NativeMemory.AllocZeroed((nuint)sizeof(DuckDbResultValue)), prepared);

    /// <summary>A copy of the struct, for the functions that take <c>duckdb_result</c> by value.</summary>
    public DuckDbResultValue Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return *(DuckDbResultValue*)handle;
        }
    }

    protected override void Free(nint pointer)
    {
        NativeMethods.duckdb_destroy_result(pointer);
        NativeMemory.Free((void*)pointer);
    }
}
