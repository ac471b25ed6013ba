using System.Text.Json;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

public sealed class QueryCommandTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly string database;

    public QueryCommandTests()
    {
        // Given a small gold database with awkward text: unicode, an embedded newline, commas and quotes, a NULL.
        database = work.Combine("gold.duckdb");
        using var connection = DuckDbTestConnections.OpenFile(database);
        connection.Execute("""
            CREATE TABLE t (id INTEGER, name VARCHAR, mass DOUBLE, price DECIMAL(10,2), launched DATE, launched_at TIMESTAMP, ok BOOLEAN);
            INSERT INTO t VALUES
              (1, 'Falcon 9', 549054.5, 62.00, DATE '2010-06-04', TIMESTAMP '2010-06-04 18:45:00', true),
              (2, 'Ünïcødé 🚀 "quoted", with comma', NULL, 0.50, DATE '1969-07-16', TIMESTAMP '1969-07-16 13:32:00.123456', false),
              (3, 'two
            lines', -1.25, NULL, NULL, NULL, NULL);
            """);
    }

    public void Dispose() => work.Dispose();

    [Fact]
    public async Task Csv_output_quotes_only_what_needs_it_and_writes_null_as_an_empty_field()
    {
        var result = await CliRunner.RunAsync("query", "SELECT * FROM t ORDER BY id", "--db", database, "--format", "csv");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldBe(
            "id,name,mass,price,launched,launched_at,ok\n" +
            "1,Falcon 9,549054.5,62.00,2010-06-04,2010-06-04 18:45:00,true\n" +
            "2,\"Ünïcødé 🚀 \"\"quoted\"\", with comma\",,0.50,1969-07-16,1969-07-16 13:32:00.123456,false\n" +
            "3,\"two\nlines\",-1.25,,,,\n");
    }

    [Fact]
    public async Task Json_output_is_an_array_of_objects_with_typed_values_and_null()
    {
        var result = await CliRunner.RunAsync("query", "SELECT * FROM t ORDER BY id", "--db", database, "--format", "json");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var rows = json.RootElement.EnumerateArray().ToArray();
        rows.Length.ShouldBe(3);
        rows[0].GetProperty("id").ValueKind.ShouldBe(JsonValueKind.Number);
        rows[0].GetProperty("mass").GetDouble().ShouldBe(549054.5);
        rows[0].GetProperty("price").GetDecimal().ShouldBe(62.00m);
        rows[0].GetProperty("ok").ValueKind.ShouldBe(JsonValueKind.True);
        rows[0].GetProperty("launched").GetString().ShouldBe("2010-06-04");
        rows[1].GetProperty("name").GetString().ShouldBe("Ünïcødé 🚀 \"quoted\", with comma");
        rows[1].GetProperty("mass").ValueKind.ShouldBe(JsonValueKind.Null);
        rows[1].GetProperty("launched_at").GetString().ShouldBe("1969-07-16T13:32:00.123456");
        rows[2].GetProperty("name").GetString().ShouldBe("two\nlines");
        rows[2].GetProperty("ok").ValueKind.ShouldBe(JsonValueKind.Null);
        result.Output.ShouldContain("Ünïcødé", Case.Sensitive, "text is written as is, not \\u-escaped (characters beyond the BMP still are, which is valid JSON)");
    }

    [Fact]
    public async Task Table_output_shows_the_rows_and_says_how_many()
    {
        var result = await CliRunner.RunAsync("query", "SELECT id, name, price FROM t WHERE id < 3 ORDER BY id", "--db", database);

        result.ExitCode.ShouldBe(0, result.Error);
        Snapshot.Match(result.Output, "query-table");
    }

    [Fact]
    public async Task Table_output_stops_at_max_rows_and_says_there_are_more()
    {
        var result = await CliRunner.RunAsync("query", "SELECT * FROM range(10) r(i)", "--db", database, "--max-rows", "4");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("(4 rows shown; there are more.");
        result.Output.ShouldContain(" 3 ");
        result.Output.ShouldNotContain(" 4 ");
    }

    [Fact]
    public async Task Sql_can_come_from_a_file()
    {
        var file = work.Combine("q.sql");
        await File.WriteAllTextAsync(file, "-- the count\nSELECT count(*) AS n FROM t;\n");

        var result = await CliRunner.RunAsync("query", "--file", file, "--db", database, "--format", "csv");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldBe("n\n3\n");
    }

    [Theory]
    [InlineData("INSERT INTO t (id) VALUES (4)", "a write (INSERT)")]
    [InlineData("DELETE FROM t", "a write (DELETE)")]
    [InlineData("CREATE TABLE u (x INT)", "a write (CREATE)")]
    [InlineData("ATTACH ':memory:' AS other", "an ATTACH")]
    [InlineData("INSTALL httpfs", "an extension INSTALL or LOAD")]
    [InlineData("LOAD httpfs", "an extension INSTALL or LOAD")]
    [InlineData("SELECT 1; SET threads = 1", "Statement 2 of 2 is a SET")]
    public async Task Statements_that_are_not_reads_are_refused_and_change_nothing(string sql, string expected)
    {
        var result = await CliRunner.RunAsync("query", sql, "--db", database);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(expected);
        result.Error.ShouldContain("read-only");
        (await RowCount()).ShouldBe(3);
    }

    [Fact]
    public async Task Copy_out_is_refused_and_writes_no_file()
    {
        var target = work.Combine("out.csv");

        var result = await CliRunner.RunAsync("query", $"COPY t TO '{target}' (FORMAT csv)", "--db", database);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("--format csv");
        File.Exists(target).ShouldBeFalse();
    }

    [Fact]
    public async Task A_missing_database_says_how_to_create_it()
    {
        var result = await CliRunner.RunAsync("query", "SELECT 1", "--db", work.Combine("nope.duckdb"));

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("No gold database at");
        result.Error.ShouldContain("lakehouse run");
        File.Exists(work.Combine("nope.duckdb")).ShouldBeFalse("a read-only query must not create the file");
    }

    [Fact]
    public async Task A_file_that_is_not_a_duckdb_database_gives_a_clear_error()
    {
        var bogus = work.Combine("bogus.duckdb");
        await File.WriteAllTextAsync(bogus, "this is not a database, just text\n");

        var result = await CliRunner.RunAsync("query", "SELECT 1", "--db", bogus);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain($"Could not open DuckDB database '{bogus}'");
        result.Error.ShouldContain("not a valid DuckDB database file");
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task A_sql_error_prints_duckdbs_message_without_a_stack_trace()
    {
        var result = await CliRunner.RunAsync("query", "SELEC * FROM t", "--db", database);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("syntax error");
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_unknown_table_prints_duckdbs_message()
    {
        var result = await CliRunner.RunAsync("query", "SELECT * FROM fact_nothing", "--db", database);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("fact_nothing");
    }

    [Fact]
    public async Task Sql_both_as_argument_and_file_is_a_usage_error()
    {
        var file = work.Combine("q.sql");
        await File.WriteAllTextAsync(file, "SELECT 1");

        var result = await CliRunner.RunAsync("query", "SELECT 2", "--file", file, "--db", database);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("not both");
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("query", "SELECT 1", "--db", database, "--format", "xml");

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("xml");
        result.Error.ShouldContain("lakehouse query --help");
    }

    [Fact]
    public async Task Json_output_nests_lists_and_structs()
    {
        var result = await CliRunner.RunAsync(
            "query", "SELECT [1, 2, NULL] AS l, {'a': 1, 'b': 'x'} AS s, [{'k': 'v'}] AS ls, MAP([1], ['one']) AS m", "--db", database, "--format", "json");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var row = json.RootElement[0];
        row.GetProperty("l").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (int?)null : e.GetInt32()).ShouldBe([1, 2, null]);
        row.GetProperty("s").GetProperty("a").GetInt32().ShouldBe(1);
        row.GetProperty("s").GetProperty("b").GetString().ShouldBe("x");
        row.GetProperty("ls")[0].GetProperty("k").GetString().ShouldBe("v");
        row.GetProperty("m").GetProperty("1").GetString().ShouldBe("one");
    }

    [Fact]
    public async Task Arrow_output_keeps_every_type_and_value()
    {
        // Given a query of every kind of column, with a NULL in each
        var target = work.Combine("t.arrows");
        var result = await CliRunner.RunAsync(
            "query",
            """
            SELECT id, name, mass, price, launched, launched_at, ok,
                   [id, id * 10] AS tags, {'id': id, 'name': name} AS info
            FROM t ORDER BY id
            """,
            "--db", database, "--format", "arrow", "--output", target);
        result.ExitCode.ShouldBe(0, result.Error);

        // When the file is read with Apache.Arrow
        using var stream = File.OpenRead(target);
        using var reader = new Apache.Arrow.Ipc.ArrowStreamReader(stream);
        var batch = await reader.ReadNextRecordBatchAsync();

        // Then the schema has Arrow's own types, and the values are the table's
        var types = reader.Schema.FieldsList.Select(f => f.DataType.TypeId).ToArray();
        types.ShouldBe([
            Apache.Arrow.Types.ArrowTypeId.Int32, Apache.Arrow.Types.ArrowTypeId.String, Apache.Arrow.Types.ArrowTypeId.Double,
            Apache.Arrow.Types.ArrowTypeId.Decimal128, Apache.Arrow.Types.ArrowTypeId.Date32, Apache.Arrow.Types.ArrowTypeId.Timestamp,
            Apache.Arrow.Types.ArrowTypeId.Boolean, Apache.Arrow.Types.ArrowTypeId.List, Apache.Arrow.Types.ArrowTypeId.Struct,
        ]);
        batch.ShouldNotBeNull();
        batch.Length.ShouldBe(3);
        ((Apache.Arrow.Int32Array)batch.Column(0)).Values.ToArray().ShouldBe([1, 2, 3]);
        ((Apache.Arrow.StringArray)batch.Column(1)).GetString(1).ShouldBe("Ünïcødé 🚀 \"quoted\", with comma");
        ((Apache.Arrow.DoubleArray)batch.Column(2)).GetValue(0).ShouldBe(549054.5);
        ((Apache.Arrow.DoubleArray)batch.Column(2)).IsNull(1).ShouldBeTrue();
        ((Apache.Arrow.Decimal128Array)batch.Column(3)).GetValue(1).ShouldBe(0.50m);
        ((Apache.Arrow.Types.Decimal128Type)reader.Schema.FieldsList[3].DataType).Scale.ShouldBe(2);
        ((Apache.Arrow.Date32Array)batch.Column(4)).GetDateOnly(1).ShouldBe(new DateOnly(1969, 7, 16));
        ((Apache.Arrow.TimestampArray)batch.Column(5)).GetTimestamp(1).ShouldBe(new DateTimeOffset(1969, 7, 16, 13, 32, 0, TimeSpan.Zero).AddTicks(1234560));
        ((Apache.Arrow.BooleanArray)batch.Column(6)).GetValue(0).ShouldBe(true);
        ((Apache.Arrow.BooleanArray)batch.Column(6)).IsNull(2).ShouldBeTrue();
        var tags = (Apache.Arrow.ListArray)batch.Column(7);
        ((Apache.Arrow.Int32Array)tags.GetSlicedValues(2)).Values.ToArray().ShouldBe([3, 30]);
        var info = (Apache.Arrow.StructArray)batch.Column(8);
        ((Apache.Arrow.StringArray)info.Fields[1]).GetString(0).ShouldBe("Falcon 9");
        (await reader.ReadNextRecordBatchAsync()).ShouldBeNull();
    }

    [Theory]
    [InlineData("csv", "id,name\n")]
    [InlineData("json", "[]\n")]
    public async Task A_result_of_no_rows_is_still_a_whole_document(string format, string expected)
    {
        var result = await CliRunner.RunAsync("query", "SELECT id, name FROM t WHERE false", "--db", database, "--format", format);

        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldBe(expected);
    }

    [Fact]
    public async Task Arrow_and_parquet_results_of_no_rows_keep_their_columns()
    {
        var arrow = work.Combine("empty.arrows");
        var parquet = work.Combine("empty.parquet");

        (await CliRunner.RunAsync("query", "SELECT id, name FROM t WHERE false", "--db", database, "--format", "arrow", "--output", arrow)).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync("query", "SELECT id, name FROM t WHERE false", "--db", database, "--format", "parquet", "--output", parquet)).ExitCode.ShouldBe(0);

        using (var stream = File.OpenRead(arrow))
        using (var reader = new Apache.Arrow.Ipc.ArrowStreamReader(stream))
        {
            (await reader.ReadNextRecordBatchAsync()).ShouldBeNull();
            reader.Schema.FieldsList.Select(f => f.Name).ShouldBe(["id", "name"]);
        }

        using var connection = DuckDbTestConnections.OpenInMemory();
        connection.Scalar($"SELECT count(*) FROM '{parquet}'").ShouldBe(0L);
        connection.Scalar($"SELECT string_agg(name, ',' ORDER BY name) FROM parquet_schema('{parquet}') WHERE name IN ('id', 'name')").ShouldBe("id,name");
    }

    [Fact]
    public async Task Parquet_output_keeps_every_type_and_every_row()
    {
        // Given a query of every kind of column
        const string Sql = """
            SELECT id, name, mass, price, launched, launched_at, ok,
                   [id, id * 10] AS tags, {'id': id, 'name': name} AS info
            FROM t
            """;
        var target = work.Combine("t.parquet");

        // When it is written as Parquet
        var result = await CliRunner.RunAsync("query", Sql, "--db", database, "--format", "parquet", "--output", target);

        // Then the file has Parquet's own types for each column, and the same rows as the table (NULLs included)
        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("Wrote 3 rows to");
        using var connection = DuckDbTestConnections.OpenInMemory();
        connection.Execute($"ATTACH '{database}' AS gold (READ_ONLY)");
        connection.Scalar<string>($"SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM '{target}')")
            .ShouldBe("id INTEGER, name VARCHAR, mass DOUBLE, price DECIMAL(10,2), launched DATE, launched_at TIMESTAMP, ok BOOLEAN, tags INTEGER[], info STRUCT(id INTEGER, \"name\" VARCHAR)");
        connection.Scalar(
            $"""
            SELECT count(*) FROM (
              (SELECT * FROM '{target}' EXCEPT ALL {Sql.Replace("FROM t", "FROM gold.t", StringComparison.Ordinal)})
              UNION ALL
              ({Sql.Replace("FROM t", "FROM gold.t", StringComparison.Ordinal)} EXCEPT ALL SELECT * FROM '{target}'))
            """).ShouldBe(0L);
        connection.Scalar($"SELECT count(*) FROM '{target}' WHERE mass IS NULL AND price IS NULL").ShouldBe(0L);
        connection.Scalar($"SELECT count(*) FROM '{target}'").ShouldBe(3L);
    }

    [Fact]
    public async Task Parquet_without_an_output_file_or_into_a_missing_folder_is_a_usage_error()
    {
        var noFile = await CliRunner.RunAsync("query", "SELECT 1", "--db", database, "--format", "parquet");
        var noFolder = await CliRunner.RunAsync("query", "SELECT 1", "--db", database, "--format", "parquet", "--output", work.Combine("missing", "r.parquet"));

        noFile.ExitCode.ShouldBe(2);
        noFile.Error.ShouldContain("add --output FILE");
        noFolder.ExitCode.ShouldBe(2);
        noFolder.Error.ShouldContain("does not exist");
        Directory.Exists(work.Combine("missing")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_failing_query_leaves_an_existing_output_file_as_it_was()
    {
        var target = work.Combine("keep.csv");
        await File.WriteAllTextAsync(target, "precious\n");

        var result = await CliRunner.RunAsync("query", "SELECT CASE WHEN i = 3000 THEN error('boom') ELSE i END FROM range(10000) t(i)", "--db", database, "--format", "csv", "--output", target);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("boom");
        (await File.ReadAllTextAsync(target)).ShouldBe("precious\n");
        Directory.GetFiles(work.Path).ShouldBe([database, target], ignoreOrder: true);
    }

    [Theory]
    [InlineData("EXPLAIN ANALYZE COPY t TO '{out}' (FORMAT csv)")]
    [InlineData("EXPLAIN COPY t TO '{out}'")]
    [InlineData("COPY (SELECT 1) TO '{out}'")]
    [InlineData("EXPORT DATABASE '{dir}'")]
    [InlineData("SELECT * FROM read_csv('{secret}')")]
    [InlineData("SELECT * FROM read_text('{secret}')")]
    [InlineData("SELECT * FROM read_blob('{secret}')")]
    [InlineData("SELECT * FROM read_json('{secret}')")]
    [InlineData("SELECT * FROM read_parquet('{secret}')")]
    [InlineData("SELECT * FROM '{secret}'")]
    [InlineData("SELECT * FROM glob('{dir}/*')")]
    [InlineData("SELECT * FROM sniff_csv('{secret}')")]
    [InlineData("WITH x AS (SELECT * FROM read_text('{secret}')) SELECT * FROM x")]
    [InlineData("SELECT (SELECT content FROM read_text('{secret}'))")]
    [InlineData("ATTACH '{dir}/other.duckdb' AS other")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("LOAD '{dir}/evil.duckdb_extension'")]
    [InlineData("SET enable_external_access = true")]
    [InlineData("RESET enable_external_access")]
    [InlineData("PRAGMA enable_profiling")]
    [InlineData("PRAGMA profiling_output = '{out}'")]
    [InlineData("CALL enable_logging(storage = 'file', storage_path = '{dir}/logs')")]
    [InlineData("SELECT * FROM enable_logging(storage = 'file', storage_path = '{dir}/logs')")]
    [InlineData("SELECT * FROM query('SELECT * FROM read_text(''{secret}'')')")]
    [InlineData("CREATE TEMP TABLE x AS SELECT 1")]
    [InlineData("WITH x AS (SELECT 1 AS id) INSERT INTO t (id) SELECT id FROM x")]
    [InlineData("SELECT 1; DROP TABLE t")]
    public async Task No_statement_however_wrapped_reads_or_writes_a_file_other_than_gold(string template)
    {
        // Given a secret file beside gold, and paths a statement could write to
        var secret = work.Combine("secret.csv");
        await File.WriteAllTextAsync(secret, "token\nhunter2-in-the-file\n");
        var sql = template.Replace("{out}", work.Combine("stolen.csv"), StringComparison.Ordinal)
            .Replace("{dir}", work.Path, StringComparison.Ordinal)
            .Replace("{secret}", secret, StringComparison.Ordinal);

        // When query runs it, in every format
        foreach (var format in new[] { "csv", "json", "table" })
        {
            var result = await CliRunner.RunAsync("query", sql, "--db", database, "--format", format);

            // Then it is refused (2) or fails inside DuckDB (1) with one readable line, never a stack trace
            result.ExitCode.ShouldBeOneOf([1, 2], result.Error);
            result.Error.ShouldNotContain("   at ");
            result.Output.ShouldNotContain("hunter2");
            result.Error.ShouldNotContain("hunter2");
        }

        // And nothing was written: no file appeared, gold is unchanged, and its settings are as they were
        Directory.GetFileSystemEntries(work.Path).ShouldBe([database, secret], ignoreOrder: true);
        (await RowCount()).ShouldBe(3);
        var settings = await CliRunner.RunAsync("query", "SELECT current_setting('enable_external_access') AS e, current_setting('lock_configuration') AS l", "--db", database, "--format", "csv");
        settings.Output.ShouldBe("e,l\nfalse,true\n");
    }

    [Fact]
    public async Task A_query_in_a_process_that_holds_gold_for_writing_is_refused_rather_than_sharing_the_writer()
    {
        // Given this process holds gold open for writing (DuckDB.NET would hand a read-only open the same instance)
        using var writer = DuckDbTestConnections.OpenFile(database);

        // When a query opens it
        var error = await Should.ThrowAsync<InvalidOperationException>(() => new Lakehouse.Querying.GoldQuery(TimeProvider.System).RunAsync(
            database, "SELECT count(*) FROM t", Lakehouse.Querying.ResultFormat.Csv, new MemoryStream(), new Lakehouse.Querying.QueryOutputOptions(), CancellationToken.None));

        // Then it is refused, and the writer's instance kept its settings (file access on)
        error.Message.ShouldContain("open for writing in this process");
        writer.Scalar("SELECT current_setting('enable_external_access')").ShouldBe(true);
    }

    [Fact]
    public async Task A_query_cancelled_half_way_through_an_arrow_stream_stops_inside_duckdb()
    {
        // Given an Arrow stream of a billion rows going to a reader that cancels after the first megabyte
        using var cancellation = new CancellationTokenSource();
        var output = new CancellingStream(1 << 20, cancellation);
        var started = System.Diagnostics.Stopwatch.StartNew();

        // When it runs
        await Should.ThrowAsync<OperationCanceledException>(() => new Lakehouse.Querying.GoldQuery(TimeProvider.System).RunAsync(
            database, "SELECT i, md5(i::VARCHAR) AS h FROM range(1000000000) t(i)", Lakehouse.Querying.ResultFormat.Arrow, output, new Lakehouse.Querying.QueryOutputOptions(), cancellation.Token));

        // Then it stopped soon after, having written little more than that megabyte
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        output.Length.ShouldBeLessThan(8L << 20);
    }

    private async Task<long> RowCount()
    {
        var result = await CliRunner.RunAsync("query", "SELECT count(*) FROM t", "--db", database, "--format", "csv");
        return long.Parse(result.Output.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A write-only stream that keeps nothing, and cancels once a given number of bytes went through.</summary>
    private sealed class CancellingStream(long cancelAfter, CancellationTokenSource cancellation) : Stream
    {
        private long length;

        public override long Length => length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            length += buffer.Length;
            if (length > cancelAfter)
            {
                cancellation.Cancel();
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
