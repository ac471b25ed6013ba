using System.Data;
using Lakehouse.DuckDb;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.DuckDb;

public sealed class DuckDbConnectionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_new_connection_opens_an_in_memory_database_and_reports_DuckDBs_version()
    {
        // Given a connection with no data source
        using var connection = new DuckDbConnection(string.Empty);

        // When it opens
        connection.Open();

        // Then it is an open in-memory database, and the version is the library's
        connection.State.ShouldBe(ConnectionState.Open);
        connection.DataSource.ShouldBe(":memory:");
        connection.ServerVersion.ShouldBe("1.5.6");
        connection.Scalar("SELECT 1 + 1").ShouldBe(2);
    }

    [Fact]
    public void Each_in_memory_connection_gets_its_own_database()
    {
        // Given two in-memory connections
        using var first = DuckDbTestConnections.OpenInMemory();
        using var second = DuckDbTestConnections.OpenInMemory();

        // When one creates a table
        first.Execute("CREATE TABLE mine(a INTEGER)");

        // Then the other does not see it
        Should.Throw<DuckDbException>(() => second.Scalar("SELECT count(*) FROM mine")).Message.ShouldContain("mine");
    }

    [Fact]
    public void Extension_autoloading_is_off_even_when_the_connection_string_asks_for_it()
    {
        // Given a connection string that tries to turn autoloading on
        using var connection = DuckDbTestConnections.Open("Data Source=:memory:;autoload_known_extensions=true;autoinstall_known_extensions=true");

        // When the settings are read back
        var autoload = connection.Scalar("SELECT current_setting('autoload_known_extensions')");
        var autoinstall = connection.Scalar("SELECT current_setting('autoinstall_known_extensions')");

        // Then both are off, so DuckDB never reaches for the network
        autoload.ShouldBe(false);
        autoinstall.ShouldBe(false);
    }

    [Fact]
    public void Other_connection_string_keys_are_handed_to_DuckDB_as_options()
    {
        // Given options in the connection string, in any case
        using var connection = DuckDbTestConnections.Open("Data Source=:memory:;Threads=1;memory_limit=100MB");

        // When they are read back
        // Then DuckDB applied them
        connection.Scalar("SELECT current_setting('threads')").ShouldBe(1L);
        connection.Scalar<string>("SELECT current_setting('memory_limit')").ShouldStartWith("95.3");
    }

    [Fact]
    public void An_unknown_option_fails_to_open_with_DuckDBs_message()
    {
        // Given an option DuckDB does not know
        using var connection = new DuckDbConnection("Data Source=:memory:;frobnicate=3");

        // When the connection opens
        var error = Should.Throw<DuckDbException>(connection.Open);

        // Then DuckDB's complaint names it, and the connection stays closed
        error.Message.ShouldContain("frobnicate");
        connection.State.ShouldBe(ConnectionState.Closed);
    }

    [Fact]
    public void A_file_that_is_not_a_DuckDB_database_fails_to_open_with_a_clear_message()
    {
        // Given a text file posing as a database
        var path = temp.Combine("not-a-database.duckdb");
        File.WriteAllText(path, "hello");
        using var connection = new DuckDbConnection($"Data Source={path}");

        // When it is opened
        var error = Should.Throw<DuckDbException>(connection.Open);

        // Then DuckDB's reason is in the message, and the file is untouched
        error.Message.ShouldContain(path);
        error.Message.ShouldContain("not a valid DuckDB database file");
        File.ReadAllText(path).ShouldBe("hello");
    }

    [Fact]
    public void A_database_in_a_missing_folder_fails_to_open()
    {
        // Given a path under a folder that does not exist
        using var connection = new DuckDbConnection($"Data Source={temp.Combine("missing", "lake.duckdb")}");

        // When it is opened
        var error = Should.Throw<DuckDbException>(connection.Open);

        // Then the failure is DuckDB's IO error
        error.Message.ShouldContain("No such file or directory");
    }

    [Fact]
    public void A_read_only_connection_refuses_to_insert_with_DuckDBs_message()
    {
        // Given a database file with a table
        var path = temp.Combine("gold.duckdb");
        using (var writer = DuckDbTestConnections.OpenFile(path))
        {
            writer.Execute("CREATE TABLE facts(a INTEGER); INSERT INTO facts VALUES (1)");
        }

        using var reader = DuckDbTestConnections.OpenFile(path, "Access Mode=read_only");

        // When a read-only connection tries to insert
        var error = Should.Throw<DuckDbException>(() => reader.Execute("INSERT INTO facts VALUES (2)"));

        // Then DuckDB refuses, and reading still works
        error.Message.ShouldContain("read-only mode");
        reader.Scalar("SELECT count(*) FROM facts").ShouldBe(1L);
    }

    [Fact]
    public void A_database_locked_by_another_process_fails_to_open_with_a_transient_error()
    {
        // Given a database file that "another process" holds locked
        var path = temp.Combine("locked.duckdb");
        using (var setup = DuckDbTestConnections.OpenFile(path))
        {
            setup.Execute("CREATE TABLE t AS SELECT 1 AS a");
        }

        var error = Should.Throw<DuckDbException>(() =>
        {
            using var foreignLock = new ForeignFileLock(path);

            // When it is opened
            using var connection = DuckDbTestConnections.OpenFile(path);
        });

        // Then DuckDB's lock error comes back marked transient, and once the lock is gone the open succeeds
        error.Message.ShouldContain("Could not set lock on file");
        error.IsTransient.ShouldBeTrue();
        using var retried = DuckDbTestConnections.OpenFile(path);
        retried.Scalar("SELECT a FROM t").ShouldBe(1);
    }

    [Fact]
    public void Two_connections_to_one_file_share_the_database()
    {
        // Given two connections to the same file, one through a relative-looking path
        var path = temp.Combine("shared.duckdb");
        using var first = DuckDbTestConnections.OpenFile(path);
        using var second = DuckDbTestConnections.OpenFile(Path.Combine(temp.Path, ".", "shared.duckdb"));

        // When one writes
        first.Execute("CREATE TABLE t AS SELECT 42 AS answer");

        // Then the other reads it at once, without a lock conflict
        second.Scalar("SELECT answer FROM t").ShouldBe(42);
    }

    [Fact]
    public void Connections_to_one_file_with_different_options_are_refused_by_DuckDB()
    {
        // Given an open connection to a file
        var path = temp.Combine("options.duckdb");
        using var first = DuckDbTestConnections.OpenFile(path);

        // When a second one asks for different options
        using var second = new DuckDbConnection($"Data Source={path};threads=1");

        // Then DuckDB refuses rather than open the file twice
        Should.Throw<DuckDbException>(second.Open).Message.ShouldContain("different configuration");
    }

    [Fact]
    public void A_committed_transaction_is_visible_to_another_connection_and_a_rolled_back_one_is_not()
    {
        // Given two connections to one database with a table
        var path = temp.Combine("transactions.duckdb");
        using var writer = DuckDbTestConnections.OpenFile(path);
        using var observer = DuckDbTestConnections.OpenFile(path);
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
    public async Task Two_threads_with_their_own_connections_write_and_read_one_file_concurrently()
    {
        // Given a file database with a table
        var path = temp.Combine("concurrent.duckdb");
        using (var setup = DuckDbTestConnections.OpenFile(path))
        {
            setup.Execute("CREATE TABLE events(worker INTEGER, n INTEGER)");
        }

        // When two threads each insert and read back through their own connection at the same time
        const int rowsPerWorker = 200;
        using var start = new Barrier(2);
        long[] seen = new long[2];
        var workers = Enumerable.Range(0, 2).Select(worker => Task.Factory.StartNew(
            () =>
            {
                using var connection = DuckDbTestConnections.OpenFile(path);
                start.SignalAndWait();
                for (var n = 0; n < rowsPerWorker; n++)
                {
                    connection.Execute("INSERT INTO events VALUES ($1, $2)", worker, n);
                    seen[worker] = connection.Scalar<long>("SELECT count(*) FROM events WHERE worker = $1", worker);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);

        // Then every row landed, and each thread always saw its own writes
        seen.ShouldAllBe(count => count == rowsPerWorker);
        using var check = DuckDbTestConnections.OpenFile(path);
        check.Scalar("SELECT count(*) FROM events").ShouldBe(2L * rowsPerWorker);
    }

    [Fact]
    public void GetStatementTypes_classifies_each_statement_without_running_it()
    {
        // Given a script of many kinds of statement, on a database with one table
        using var connection = DuckDbTestConnections.OpenFile(temp.Combine("types.duckdb"));
        connection.Execute("CREATE TABLE t(a INTEGER)");
        var attached = temp.Combine("attached.duckdb");
        var script = $"""
            SELECT 1;
            INSERT INTO t VALUES (1);
            COPY t TO '{temp.Combine("t.csv")}';
            ATTACH '{attached}' AS other;
            INSTALL httpfs;
            LOAD parquet;
            CREATE TABLE u(a INTEGER);
            PRAGMA enable_progress_bar;
            UPDATE t SET a = 2;
            DELETE FROM t;
            DROP TABLE t;
            SET threads = 2;
            BEGIN TRANSACTION;
            EXPLAIN SELECT 1;
            CALL pragma_version();
            """;

        // When it is classified
        var types = connection.GetStatementTypes(script);

        // Then each statement has DuckDB's type, and none of them ran
        types.ShouldBe(
        [
            DuckDbStatementType.Select, DuckDbStatementType.Insert, DuckDbStatementType.Copy, DuckDbStatementType.Attach,
            DuckDbStatementType.Load, DuckDbStatementType.Load, DuckDbStatementType.Create, DuckDbStatementType.Pragma,
            DuckDbStatementType.Update, DuckDbStatementType.Delete, DuckDbStatementType.Drop, DuckDbStatementType.Set,
            DuckDbStatementType.Transaction, DuckDbStatementType.Explain, DuckDbStatementType.Call,
        ]);
        connection.Scalar("SELECT count(*) FROM t").ShouldBe(0L);
        File.Exists(attached).ShouldBeFalse();
        File.Exists(temp.Combine("t.csv")).ShouldBeFalse();
    }

    [Fact]
    public void GetStatementTypes_reports_a_parse_error_with_DuckDBs_message()
    {
        // Given text that does not parse
        using var connection = DuckDbTestConnections.OpenInMemory();

        // When it is classified
        var error = Should.Throw<DuckDbException>(() => connection.GetStatementTypes("SELECT 1; SELEC 2"));

        // Then DuckDB's parser error comes back
        error.Message.ShouldContain("syntax error");
    }

    [Fact]
    public void Closing_the_connection_closes_its_reader()
    {
        // Given an open reader
        var connection = DuckDbTestConnections.OpenInMemory();
        var reader = connection.Command("SELECT * FROM range(10)").ExecuteReader();
        reader.Read().ShouldBeTrue();

        // When the connection closes
        connection.Dispose();

        // Then the reader is closed too
        reader.IsClosed.ShouldBeTrue();
        connection.State.ShouldBe(ConnectionState.Closed);
    }
}
