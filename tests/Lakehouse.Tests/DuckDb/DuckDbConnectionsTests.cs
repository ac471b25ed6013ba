using DuckDB.NET.Data;
using DuckDbConnections = Lakehouse.DuckDb.DuckDbConnections;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.DuckDb;

public sealed class DuckDbConnectionsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Extension_autoloading_is_off_even_when_the_settings_ask_for_it()
    {
        // Given settings that try to turn autoloading on
        using var connection = DuckDbConnections.OpenInMemory(
            new("autoload_known_extensions", "true"), new("autoinstall_known_extensions", "true"));

        // When the settings are read back
        // Then both are off, so DuckDB never reaches for the network nor creates ~/.duckdb
        connection.Scalar("SELECT current_setting('autoload_known_extensions')").ShouldBe(false);
        connection.Scalar("SELECT current_setting('autoinstall_known_extensions')").ShouldBe(false);
    }

    [Fact]
    public void Settings_are_handed_to_DuckDB()
    {
        using var connection = DuckDbConnections.OpenInMemory(new("memory_limit", "123MB"), new("threads", "1"));

        connection.Scalar("SELECT current_setting('threads')").ShouldBe(1L);
        connection.Scalar<string>("SELECT current_setting('memory_limit')").ShouldStartWith("117");
    }

    [Fact]
    public void A_read_only_connection_refuses_to_insert_with_DuckDBs_message()
    {
        // Given a database file with a table
        var path = temp.Combine("gold.duckdb");
        using (var writer = DuckDbConnections.OpenFile(path, readOnly: false))
        {
            writer.Execute("CREATE TABLE facts(a INTEGER); INSERT INTO facts VALUES (1)");
        }

        using var reader = DuckDbConnections.OpenFile(path, readOnly: true);

        // When a read-only connection tries to insert
        var error = Should.Throw<DuckDBException>(() => reader.Execute("INSERT INTO facts VALUES (2)"));

        // Then DuckDB refuses, and reading still works
        error.Message.ShouldContain("read-only mode");
        reader.Scalar("SELECT count(*) FROM facts").ShouldBe(1L);
    }

    [Fact]
    public void A_database_locked_by_another_process_fails_to_open_with_a_transient_error()
    {
        // Given a database file that "another process" holds locked
        var path = temp.Combine("locked.duckdb");
        using (var setup = DuckDbConnections.OpenFile(path, readOnly: false))
        {
            setup.Execute("CREATE TABLE t AS SELECT 1 AS a");
        }

        var error = Should.Throw<DuckDBException>(() =>
        {
            using var foreignLock = new ForeignFileLock(path);

            // When it is opened
            using var connection = DuckDbConnections.OpenFile(path, readOnly: false);
        });

        // Then DuckDB's lock error is recognised as transient (without DuckDB.NET's prefix), and once the lock is
        // gone the open succeeds
        DuckDbConnections.IsTransient(error).ShouldBeTrue();
        DuckDbConnections.MessageOf(error).ShouldStartWith("IO Error: Could not set lock on file");
        using var retried = DuckDbConnections.OpenFile(path, readOnly: false);
        retried.Scalar("SELECT a FROM t").ShouldBe(1);
    }

    [Fact]
    public void A_committed_transaction_is_visible_to_another_connection_and_a_rolled_back_one_is_not()
    {
        // Given two connections to one database with a table
        var path = temp.Combine("transactions.duckdb");
        using var writer = DuckDbConnections.OpenFile(path, readOnly: false);
        using var observer = DuckDbConnections.OpenFile(path, readOnly: false);
        writer.Execute("CREATE TABLE t(a INTEGER)");

        // When one transaction commits, one rolls back, and one is disposed unfinished
        using (var committed = writer.BeginTransaction())
        {
            writer.Execute("INSERT INTO t VALUES (1)");
            observer.Scalar("SELECT count(*) FROM t").ShouldBe(0L);
            committed.Commit();
        }

        using (var rolledBack = writer.BeginTransaction())
        {
            writer.Execute("INSERT INTO t VALUES (2)");
            rolledBack.Rollback();
        }

        using (writer.BeginTransaction())
        {
            writer.Execute("INSERT INTO t VALUES (3)");
        }

        // Then only the committed row is visible to the other connection
        observer.Scalar<long>("SELECT sum(a) FROM t").ShouldBe(1);
        writer.Scalar<long>("SELECT count(*) FROM t").ShouldBe(1);
    }

    [Fact]
    public async Task A_cancelled_token_interrupts_a_running_statement_inside_DuckDB_and_the_connection_survives()
    {
        // Given a statement that would run for minutes
        using var connection = DuckDbConnections.OpenInMemory();
        using var cancellation = new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.StartNew();

        // When the token is cancelled while it runs
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
        var run = Task.Run(() => Lakehouse.DuckDb.DuckDbCommands.Execute(
            connection, "CREATE TEMP TABLE slow AS SELECT count(*) FROM range(100000000000) t(i) WHERE md5(i::VARCHAR) = 'x'", cancellation.Token));

        // Then DuckDB stops it within moments, and the connection runs the next statement
        await Should.ThrowAsync<OperationCanceledException>(run);
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        connection.Scalar("SELECT 42").ShouldBe(42);
    }

    [Fact]
    public void An_error_half_way_through_a_streamed_result_surfaces_from_Read()
    {
        // Given a streamed query that fails after many rows
        using var connection = DuckDbConnections.OpenInMemory();
        using var command = connection.Command("SELECT CASE WHEN i = 500000 THEN error('boom at half-way') ELSE i END AS x FROM range(1000000) t(i)");
        command.UseStreamingMode = true;

        // When it is read to the end
        var error = Should.Throw<DuckDBException>(() =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
            }
        });

        // Then the failure arrives with DuckDB's message: the result does not just end early
        error.Message.ShouldContain("boom at half-way");
    }
}
