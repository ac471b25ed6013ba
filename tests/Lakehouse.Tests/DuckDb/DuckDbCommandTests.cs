using Lakehouse.DuckDb;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.DuckDb;

public sealed class DuckDbCommandTests : IDisposable
{
    private readonly DuckDbConnection connection = DuckDbTestConnections.OpenInMemory();

    public void Dispose() => connection.Dispose();

    [Fact]
    public void Named_parameters_bind_by_name_with_or_without_the_dollar()
    {
        // Given a statement with named placeholders, and parameters added out of order, one named with its "$"
        using var command = connection.Command(
            "SELECT $greeting || ', ' || $name AS text, $count * 2 AS doubled",
            new DuckDbParameter("name", "duck"),
            new DuckDbParameter("$greeting", "hello"),
            new DuckDbParameter("count", 21));

        // When it runs
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then each placeholder got the value of the same name
        reader.GetString(0).ShouldBe("hello, duck");
        reader.GetInt32(1).ShouldBe(42);
    }

    [Theory]
    [InlineData("SELECT ? || ? AS v")]
    [InlineData("SELECT $1 || $2 AS v")]
    public void Positional_parameters_bind_in_collection_order(string sql)
    {
        // Given unnamed parameters
        // When the statement runs
        var value = connection.Scalar(sql, "first", "second");

        // Then they filled the placeholders in order
        value.ShouldBe("firstsecond");
    }

    [Fact]
    public void Numbered_placeholders_can_repeat_and_reorder()
    {
        // Given $2 used before $1, and $1 used twice
        // When the statement runs
        var value = connection.Scalar("SELECT $2 || $1 || $1", "a", "b");

        // Then each number refers to its position in the collection
        value.ShouldBe("baa");
    }

    [Fact]
    public void A_script_runs_every_statement_and_returns_the_last_result()
    {
        // Given several statements, including a parameterised one and an empty one
        const string script = """
            CREATE TABLE birds(name VARCHAR, legs INTEGER);
            INSERT INTO birds VALUES ('duck', 2), ('goose', $1);;
            INSERT INTO birds VALUES ('heron', 2);
            SELECT count(*) FROM birds WHERE legs = $1
            """;

        // When it runs as a scalar
        var count = connection.Scalar(script, 2);

        // Then every statement ran, in order, and the scalar is the last statement's
        count.ShouldBe(3L);
        connection.Scalar("SELECT count(*) FROM birds").ShouldBe(3L);
    }

    [Fact]
    public void ExecuteNonQuery_reports_rows_changed_across_the_script()
    {
        // Given a table
        connection.Execute("CREATE TABLE t(a INTEGER)").ShouldBe(-1);

        // When rows are inserted, updated and deleted
        var inserted = connection.Execute("INSERT INTO t SELECT * FROM range(10); INSERT INTO t VALUES (100)");
        var updated = connection.Execute("UPDATE t SET a = a + 1 WHERE a < 5");
        var deleted = connection.Execute("DELETE FROM t WHERE a > 5");

        // Then each reports the rows it changed, summed over its statements
        inserted.ShouldBe(11);
        updated.ShouldBe(5);
        deleted.ShouldBe(5);
    }

    [Fact]
    public void A_reader_over_an_insert_has_no_columns_and_counts_the_rows()
    {
        // Given a table
        connection.Execute("CREATE TABLE t(a INTEGER)");

        // When an INSERT runs through ExecuteReader
        using var reader = connection.Command("INSERT INTO t VALUES (1), (2), (3)").ExecuteReader();

        // Then the reader has nothing to read but knows how many rows changed
        reader.FieldCount.ShouldBe(0);
        reader.HasRows.ShouldBeFalse();
        reader.Read().ShouldBeFalse();
        reader.RecordsAffected.ShouldBe(3);
    }

    [Fact]
    public void ExecuteScalar_distinguishes_no_row_from_a_NULL()
    {
        // Given queries returning no row, and a NULL
        // When run as scalars
        var none = connection.Scalar("SELECT 1 WHERE false");
        var nothing = connection.Scalar("SELECT NULL");

        // Then no row is null, and NULL is DBNull
        none.ShouldBeNull();
        nothing.ShouldBe(DBNull.Value);
    }

    [Fact]
    public void A_syntax_error_throws_DuckDbException_with_DuckDBs_message_and_the_connection_survives()
    {
        // Given SQL that does not parse
        // When it runs
        var error = Should.Throw<DuckDbException>(() => connection.Execute("SELEC 1 FROM"));

        // Then DuckDB's own message comes back, and the connection still works
        error.Message.ShouldContain("syntax error");
        error.ErrorType.ShouldBe(DuckDbErrorType.Parser);
        connection.Scalar("SELECT 42").ShouldBe(42);
    }

    [Theory]
    [InlineData("SELECT * FROM no_such_table", DuckDbErrorType.Catalog)]
    [InlineData("SELECT no_such_column FROM range(1)", DuckDbErrorType.Binder)]
    public void A_failure_to_prepare_carries_the_category_DuckDB_names_in_its_message(string sql, DuckDbErrorType expected)
    {
        // Given SQL that parses but cannot be prepared (DuckDB reports no category for a failed prepare)
        // When it runs
        var error = Should.Throw<DuckDbException>(() => connection.Execute(sql));

        // Then the category comes from the message's "<Category> Error:" prefix
        error.Message.ShouldStartWith($"{expected} Error:", Case.Insensitive);
        error.ErrorType.ShouldBe(expected);
    }

    [Fact]
    public void A_missing_table_throws_DuckDbException_naming_it()
    {
        // Given a query on a table that does not exist
        // When it runs
        var error = Should.Throw<DuckDbException>(() => connection.Scalar("SELECT * FROM no_such_table"));

        // Then DuckDB's catalog error is reported
        error.Message.ShouldContain("no_such_table");
        error.Message.ShouldContain("Catalog Error");
    }

    [Fact]
    public void An_error_while_streaming_surfaces_from_Read_with_its_category()
    {
        // Given a query that fails on row 100,000, well after the first chunks
        using var command = connection.Command("SELECT CASE WHEN i = 100000 THEN error('boom') ELSE i END AS v FROM range(200000) t(i)");

        // When it is read
        var error = Should.Throw<DuckDbException>(() =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
            }
        });

        // Then the failure is DuckDB's, with its category
        error.Message.ShouldContain("boom");
        error.ErrorType.ShouldBe(DuckDbErrorType.InvalidInput);
        connection.Scalar("SELECT 1").ShouldBe(1);
    }

    [Fact]
    public void A_statement_run_by_several_threads_returns_its_whole_result_or_DuckDBs_error()
    {
        // Given a table of 25 row groups, which DuckDB scans on all its threads
        connection.Execute("CREATE TABLE numbers AS SELECT range AS i FROM range(3000000)");

        // When a statement over it completes, and another fails on a row near the end
        var multiples = connection.Scalar("SELECT count(*) FROM numbers WHERE i % 7 = 0");
        var error = Should.Throw<DuckDbException>(() =>
            connection.Execute("CREATE TABLE copied AS SELECT CASE WHEN i = 2999999 THEN error('boom') ELSE i END AS i FROM numbers"));

        // Then the count covers every row group (0, 7, ..., 2999997: 2999997 / 7 + 1 = 428572), and the failure is
        // DuckDB's, with its category
        multiples.ShouldBe(428572L);
        error.Message.ShouldContain("boom");
        error.ErrorType.ShouldBe(DuckDbErrorType.InvalidInput);
        connection.Scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'copied'").ShouldBe(0L);
    }

    [Fact]
    public void A_conversion_error_carries_DuckDBs_error_type()
    {
        // Given a failing cast
        // When it runs
        var error = Should.Throw<DuckDbException>(() => connection.Scalar("SELECT 'abc'::INTEGER"));

        // Then the category says so
        error.ErrorType.ShouldBe(DuckDbErrorType.Conversion);
        error.Message.ShouldContain("Could not convert string 'abc'");
    }

    [Fact]
    public void Running_a_command_while_a_reader_is_open_is_refused()
    {
        // Given an open reader
        using var reader = connection.Command("SELECT * FROM range(10000)").ExecuteReader();
        reader.Read().ShouldBeTrue();

        // When another command runs on the same connection
        // Then it is refused, instead of silently ending the reader's stream
        Should.Throw<InvalidOperationException>(() => connection.Scalar("SELECT 1"));
        reader.GetInt64(0).ShouldBe(0);
        reader.Close();
        connection.Scalar("SELECT 1").ShouldBe(1);
    }

    [Fact]
    public void A_reader_that_has_read_every_row_no_longer_blocks_the_connection()
    {
        // Given a reader read to its end but not yet disposed
        using var reader = connection.Command("SELECT * FROM range(3)").ExecuteReader();
        while (reader.Read())
        {
        }

        // When another command runs
        var value = connection.Scalar("SELECT 7");

        // Then it runs, and the reader still answers questions about its columns
        value.ShouldBe(7);
        reader.GetName(0).ShouldBe("range");
        reader.IsClosed.ShouldBeFalse();
    }

    [Fact]
    public void A_result_loads_into_a_DataTable()
    {
        // Given a result with a NULL, a decimal and a list
        using var reader = connection.Command(
            "SELECT i AS id, CASE WHEN i = 1 THEN NULL ELSE i * 1.5 END AS amount, [i] AS tags FROM range(3) t(i)").ExecuteReader();

        // When it is loaded into a DataTable (which reads the schema table)
        using var table = new System.Data.DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        table.Load(reader);

        // Then the rows and column types carry over
        table.Rows.Count.ShouldBe(3);
        table.Columns["id"]!.DataType.ShouldBe(typeof(long));
        table.Columns["amount"]!.DataType.ShouldBe(typeof(decimal));
        table.Rows[1]["amount"].ShouldBe(DBNull.Value);
        table.Rows[2]["amount"].ShouldBe(3.0m);
        table.Rows[2]["tags"].ShouldBe("[2]");
    }

    [Fact]
    public async Task Cancel_interrupts_a_running_query()
    {
        // Given a query that would run for a long time
        using var command = connection.Command("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b");
        var running = Task.Run(command.ExecuteScalar);

        // When Cancel is called (repeatedly, as the query may not have started yet)
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!running.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            command.Cancel();
            await Task.WhenAny(running, Task.Delay(50));
        }

        // Then the query stops with DuckDB's interrupt error
        var error = await Should.ThrowAsync<DuckDbException>(running);
        error.ErrorType.ShouldBe(DuckDbErrorType.Interrupt, error.Message);
        connection.Scalar("SELECT 1").ShouldBe(1);
    }

    [Fact]
    public void A_parameter_of_an_unsupported_type_is_refused_clearly()
    {
        // Given a parameter value DuckDB has no type for
        // When it is bound
        var error = Should.Throw<NotSupportedException>(() => connection.Scalar("SELECT $1", new object()));

        // Then the message names the type
        error.Message.ShouldContain("System.Object");
    }

    [Fact]
    public void A_missing_parameter_value_is_reported_by_DuckDB()
    {
        // Given a placeholder without a parameter
        // When the statement runs
        var error = Should.Throw<DuckDbException>(() => connection.Scalar("SELECT $1 + $2", 1));

        // Then DuckDB says which value is missing
        error.Message.ShouldContain("2");
    }

    [Fact]
    public void Undecodable_columns_of_a_non_select_statement_fail_on_access_not_on_execute()
    {
        // Given an INSERT ... RETURNING a list, which cannot be wrapped in a SELECT
        connection.Execute("CREATE TABLE t(a INTEGER)");
        using var reader = connection.Command("INSERT INTO t VALUES (4) RETURNING a, [a] AS l").ExecuteReader();

        // When the row is read
        reader.Read().ShouldBeTrue();

        // Then the decodable column reads, and the list says how to get it
        reader.GetInt32(0).ShouldBe(4);
        Should.Throw<NotSupportedException>(() => reader.GetValue(1)).Message.ShouldContain("VARCHAR");
    }
}
