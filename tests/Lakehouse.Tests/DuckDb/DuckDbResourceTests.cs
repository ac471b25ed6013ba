using System.Diagnostics;
using DuckDB.NET.Data;
using DuckDbConnections = Lakehouse.DuckDb.DuckDbConnections;
using Lakehouse.Querying;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.DuckDb;

/// <summary>These tests measure the whole process (open descriptors, resident memory), so nothing may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessResourceAccounting
{
    public const string Name = "process resource accounting";
}

[Collection(ProcessResourceAccounting.Name)]
public sealed class DuckDbResourceTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Ten_thousand_queries_leave_no_descriptors_and_no_memory_behind()
    {
        // Given a warmed-up connection
        using var connection = DuckDbConnections.OpenInMemory();
        connection.Execute("CREATE TABLE t AS SELECT range AS i, 'row ' || range AS s, [range] AS l, {'k': range} AS st FROM range(5000)");
        RunMixedQueries(connection, 1_000);
        var (descriptors, resident) = Settled();

        // When ten thousand queries run: scalars, readers abandoned half-way, nested types, Arrow streams, failures
        RunMixedQueries(connection, 10_000);

        // Then no descriptor was left open (a leak would be thousands; tests of other classes may open or close a
        // few meanwhile), and the process did not grow
        var (descriptorsAfter, residentAfter) = Settled();
        descriptorsAfter.ShouldBeLessThan(descriptors + 20);
        (residentAfter - resident).ShouldBeLessThan(50L << 20, $"resident memory grew from {resident >> 20} MiB to {residentAfter >> 20} MiB");
    }

    [Fact]
    public async Task A_thousand_queries_of_gold_each_opening_and_closing_it_leave_nothing_behind()
    {
        // Given a gold file, and the process after a first round of queries
        var gold = temp.Combine("gold.duckdb");
        using (var setup = DuckDbConnections.OpenFile(gold, readOnly: false))
        {
            setup.Execute("CREATE TABLE fact AS SELECT range AS id, 'name ' || range AS name FROM range(1000)");
        }

        var query = new GoldQuery(TimeProvider.System);
        await RunQueriesAsync(query, gold, 100);
        var (descriptors, resident) = Settled();

        // When a thousand queries run as `lakehouse query` does, one open and close of gold each: every format,
        // refusals and SQL errors among them
        await RunQueriesAsync(query, gold, 1_000);

        // Then the database was closed every time (a leak would be a thousand descriptors or more; tests of other
        // classes may open or close a few meanwhile), and the process did not grow
        var (descriptorsAfter, residentAfter) = Settled();
        descriptorsAfter.ShouldBeLessThan(descriptors + 20);
        (residentAfter - resident).ShouldBeLessThan(50L << 20, $"resident memory grew from {resident >> 20} MiB to {residentAfter >> 20} MiB");
    }

    private static async Task RunQueriesAsync(GoldQuery query, string gold, int count)
    {
        var formats = new[] { ResultFormat.Csv, ResultFormat.Json, ResultFormat.Table, ResultFormat.Arrow };
        for (var i = 0; i < count; i++)
        {
            using var output = new MemoryStream();
            switch (i % 6)
            {
                case 4:
                    await Should.ThrowAsync<QueryRefusedException>(
                        () => query.RunAsync(gold, "DELETE FROM fact", ResultFormat.Csv, output, new QueryOutputOptions(), CancellationToken.None));
                    break;
                case 5:
                    await Should.ThrowAsync<DuckDBException>(
                        () => query.RunAsync(gold, "SELECT nothing FROM fact", ResultFormat.Csv, output, new QueryOutputOptions(), CancellationToken.None));
                    break;
                default:
                    var rows = await query.RunAsync(
                        gold, $"SELECT id, name, [id] AS l FROM fact WHERE id >= {i % 1000}", formats[i % 6 % 4], output, new QueryOutputOptions(), CancellationToken.None);
                    rows.ShouldBe(1000 - (i % 1000));
                    break;
            }
        }
    }

    private static void RunMixedQueries(DuckDBConnection connection, int count)
    {
        for (var i = 0; i < count; i++)
        {
            switch (i % 6)
            {
                case 0:
                    connection.Scalar("SELECT s FROM t WHERE i = $1", (long)(i % 5000)).ShouldBe($"row {i % 5000}");
                    break;
                case 1:
                    using (var command = connection.Command("SELECT * FROM t"))
                    {
                        command.UseStreamingMode = true;
                        using var reader = command.ExecuteReader();
                        reader.Read().ShouldBeTrue();
                        reader.GetFieldValue<List<long>>(2).ShouldBe([0L]);
                    }

                    break;
                case 2:
                    using (var command = connection.Command("SELECT * FROM t WHERE i < 3000"))
                    {
                        command.UseStreamingMode = true;
                        using var batches = command.ExecuteArrowStream();
                        using var batch = batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult();
                        batch!.Length.ShouldBe(2048);
                    }

                    break;
                case 3:
                    Should.Throw<DuckDBException>(() => connection.Scalar("SELEC 1"));
                    break;
                case 4:
                    Should.Throw<DuckDBException>(() => connection.Execute("SELECT 1; SELECT error('no')"));
                    break;
                default:
                    Lakehouse.DuckDb.DuckDbCommands.Query(connection, "SELECT l, st FROM t WHERE i < 10", r => r.GetValue(1)).Count.ShouldBe(10);
                    break;
            }
        }
    }

    /// <summary>Open descriptors and resident memory once earlier garbage has been collected and finalized.</summary>
    private static (int Descriptors, long Resident) Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (Directory.GetFiles("/proc/self/fd").Length, process.WorkingSet64);
    }
}
