using System.Runtime.InteropServices;

namespace Lakehouse.DuckDb.Native;

/// <summary>C strings coming out of DuckDB: some are borrowed from their owner, some must be handed back with duckdb_free.</summary>
internal static class NativeText
{
    /// <summary>Reads a string DuckDB still owns.</summary>
    public static string? Borrowed(nint pointer) => pointer == 0 ? null : Marshal.PtrToStringUTF8(pointer);

    /// <summary>Reads a string DuckDB allocated for the caller, then frees it.</summary>
    public static string? Owned(nint pointer)
    {
        if (pointer == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(pointer);
        }
        finally
        {
            NativeMethods.duckdb_free(pointer);
        }
    }
}
