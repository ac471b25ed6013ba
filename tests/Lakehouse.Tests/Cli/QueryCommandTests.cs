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
    public async Task A_million_rows_stream_to_csv_without_holding_them()
    {
        // Given a result far larger than any buffer: 1M rows of about 40 bytes.
        var counting = new CountingStream();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var thread = Environment.CurrentManagedThreadId;

        var rows = await new Lakehouse.Querying.GoldQuery(TimeProvider.System).RunAsync(
            database,
            "SELECT i AS id, 'row ' || i AS name, i * 0.5 AS half FROM range(1000000) r(i)",
            Lakehouse.Querying.ResultFormat.Csv,
            counting,
            new Lakehouse.Querying.QueryOutputOptions(),
            CancellationToken.None);

        // Then every row was written, while the managed allocations stayed far below the output's size
        // (no string per cell, no buffered result).
        Environment.CurrentManagedThreadId.ShouldBe(thread, "the allocation count covers this thread only");
        rows.ShouldBe(1_000_000);
        counting.Lines.ShouldBe(1_000_001);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        allocated.ShouldBeLessThan(counting.Length / 4, $"allocated {allocated:N0} bytes for {counting.Length:N0} bytes of CSV");
    }

    private async Task<long> RowCount()
    {
        var result = await CliRunner.RunAsync("query", "SELECT count(*) FROM t", "--db", database, "--format", "csv");
        return long.Parse(result.Output.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A write-only stream that keeps nothing but counts bytes and lines.</summary>
    private sealed class CountingStream : Stream
    {
        public long Lines { get; private set; }

        public override long Length => length;

        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            length += buffer.Length;
            Lines += buffer.Count((byte)'\n');
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
