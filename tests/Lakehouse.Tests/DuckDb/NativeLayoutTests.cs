using System.Runtime.CompilerServices;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.Tests.DuckDb;

public sealed class NativeLayoutTests
{
    [Fact]
    public void Structs_passed_by_value_have_duckdb_h_sizes()
    {
        // Given the structs this binding passes to DuckDB by value
        // When their managed sizes are measured
        // Then they match duckdb.h on 64-bit platforms (a mismatch would corrupt the call stack)
        Unsafe.SizeOf<DuckDbResultValue>().ShouldBe(48);
        Unsafe.SizeOf<DuckDbDecimal>().ShouldBe(24);
        Unsafe.SizeOf<DuckDbHugeInt>().ShouldBe(16);
        Unsafe.SizeOf<DuckDbUHugeInt>().ShouldBe(16);
        Unsafe.SizeOf<DuckDbInterval>().ShouldBe(16);
    }
}
