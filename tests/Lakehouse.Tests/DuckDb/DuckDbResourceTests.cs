using Lakehouse.DuckDb;
using Lakehouse.Tests.Support;
using Lakehouse.DuckDb.Native;

namespace Lakehouse.Tests.DuckDb;

/// <summary>
/// These tests count the process's live native handles, so nothing else may run beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DuckDbNativeHandleAccounting
{
    public const string Name = "DuckDB native handle accounting";
}

[Collection(DuckDbNativeHandleAccounting.Name)]
public sealed class DuckDbResourceTests
{
    [Fact]
    public void A_three_million_row_select_streams_one_chunk_at_a_time_and_sums_correctly()
    {
        // Given an open connection, and the handles alive before the query
        using var connection = DuckDbTestConnections.OpenInMemory();
        var baseline = SettledLiveHandles();

        // When three million rows are read
        const long rows = 3_000_000;
        long sum = 0;
        long count = 0;
        var mostHandles = 0L;
        bool streaming;
        using (var reader = connection.Command("SELECT range AS i FROM range(3000000)").ExecuteReader())
        {
            streaming = reader.IsStreaming;
            while (reader.Read())
            {
                sum += reader.GetInt64(0);
                if (count++ % 4096 == 0)
                {
                    mostHandles = Math.Max(mostHandles, NativeHandle.LiveHandles - baseline);
                }
            }
        }

        // Then every row arrived, from a streaming result that never held more than one chunk
        // (the prepared statement, the result and the current chunk)
        count.ShouldBe(rows);
        sum.ShouldBe(rows * (rows - 1) / 2);
        streaming.ShouldBeTrue();
        mostHandles.ShouldBe(3);
        NativeHandle.LiveHandles.ShouldBe(baseline);
    }

    [Fact]
    public void Ten_thousand_queries_leave_no_native_handles_and_no_memory_behind()
    {
        // Given a warmed-up connection
        using var connection = DuckDbTestConnections.OpenInMemory();
        connection.Execute("CREATE TABLE t AS SELECT range AS i, 'row ' || range AS s, [range] AS l FROM range(5000)");
        RunMixedQueries(connection, 500);
        var handles = SettledLiveHandles();
        var rss = Environment.WorkingSet;

        // When ten thousand queries run: scalars, readers abandoned half-way, nested types, and failures
        RunMixedQueries(connection, 10_000);

        // Then every native handle was freed, and the process did not grow
        SettledLiveHandles().ShouldBe(handles);
        (Environment.WorkingSet - rss).ShouldBeLessThan(50L * 1024 * 1024);
    }

    [Fact]
    public void Opening_and_closing_connections_leaves_no_native_handles_behind()
    {
        // Given the handles alive now
        var baseline = SettledLiveHandles();

        // When connections open, run a query and close, some failing to open
        for (var i = 0; i < 200; i++)
        {
            using var connection = DuckDbTestConnections.OpenInMemory();
            connection.Scalar("SELECT 1");
            using var broken = new DuckDbConnection("Data Source=:memory:;no_such_option=1");
            Should.Throw<DuckDbException>(broken.Open);
        }

        // Then nothing is left
        SettledLiveHandles().ShouldBe(baseline);
    }

    private static void RunMixedQueries(DuckDbConnection connection, int count)
    {
        for (var i = 0; i < count; i++)
        {
            switch (i % 5)
            {
                case 0:
                    connection.Scalar("SELECT s FROM t WHERE i = $1", (long)(i % 5000)).ShouldBe($"row {i % 5000}");
                    break;
                case 1:
                    using (var reader = connection.Command("SELECT * FROM t").ExecuteReader())
                    {
                        reader.Read().ShouldBeTrue();
                    }

                    break;
                case 2:
                    connection.Scalar("SELECT l FROM t WHERE i = $1", (long)(i % 5000)).ShouldBe($"[{i % 5000}]");
                    break;
                case 3:
                    Should.Throw<DuckDbException>(() => connection.Scalar("SELEC 1"));
                    break;
                default:
                    Should.Throw<DuckDbException>(() => connection.Scalar("SELECT 1; SELECT error('no')"));
                    break;
            }
        }
    }

    /// <summary>The live handle count once earlier tests' abandoned handles have been finalized.</summary>
    private static long SettledLiveHandles()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return NativeHandle.LiveHandles;
    }
}
