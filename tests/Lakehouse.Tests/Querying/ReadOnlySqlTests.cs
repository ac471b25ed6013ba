using Lakehouse.Querying;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Querying;

public sealed class ReadOnlySqlTests : IDisposable
{
    private readonly DuckDB.NET.Data.DuckDBConnection connection = DuckDbTestConnections.OpenInMemory();

    public void Dispose() => connection.Dispose();

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("  (SELECT 1) UNION ALL (SELECT 2)")]
    [InlineData("WITH x AS (SELECT 1 AS a) SELECT a FROM x")]
    [InlineData("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r")]
    [InlineData("FROM range(3)")]
    [InlineData("VALUES (1), (2)")]
    [InlineData("DESCRIBE SELECT 1")]
    [InlineData("SHOW TABLES")]
    [InlineData("SUMMARIZE SELECT 1 AS a")]
    [InlineData("PIVOT (SELECT 1 AS k, 2 AS v) ON k USING sum(v)")]
    [InlineData("EXPLAIN SELECT 1")]
    [InlineData("EXPLAIN ANALYZE SELECT 1")]
    [InlineData("EXPLAIN (FORMAT json) SELECT 1")]
    [InlineData("PRAGMA show_tables")]
    [InlineData("PRAGMA table_info('t')")]
    [InlineData("CALL pragma_version()")]
    [InlineData("select 'COPY t TO ''x''' AS not_a_copy -- INSERT")]
    [InlineData("SELEC 1")]
    public void Reads_pass(string sql)
    {
        Should.NotThrow(() => ReadOnlySql.Check(connection, sql));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1)", "a write (INSERT)")]
    [InlineData("update t set a = 1", "a write (UPDATE)")]
    [InlineData("CREATE TEMP TABLE x AS SELECT 1", "a write (CREATE)")]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "a WITH that is not a SELECT")]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM t", "a WITH that is not a SELECT")]
    [InlineData("COPY t TO 'x.csv'", "a COPY, which writes files")]
    [InlineData("EXPLAIN ANALYZE COPY t TO 'x.csv'", "an EXPLAIN of a COPY")]
    [InlineData("explain analyze (FORMAT json) insert into t values (1)", "an EXPLAIN of a write (INSERT)")]
    [InlineData("EXPORT DATABASE 'dir'", "an EXPORT")]
    [InlineData("ATTACH 'x.duckdb'", "an ATTACH")]
    [InlineData("DETACH x", "a DETACH")]
    [InlineData("INSTALL httpfs", "an extension INSTALL or LOAD")]
    [InlineData("FORCE INSTALL httpfs", "an extension INSTALL or LOAD")]
    [InlineData("LOAD 'x.duckdb_extension'", "an extension INSTALL or LOAD")]
    [InlineData("SET threads = 1", "a SET")]
    [InlineData("RESET threads", "a SET")]
    [InlineData("PRAGMA threads = 1", "a SET")]
    [InlineData("PRAGMA enable_profiling", "a PRAGMA that changes settings or state (enable_profiling)")]
    [InlineData("BEGIN TRANSACTION", "a transaction statement (BEGIN)")]
    [InlineData("USE other", "a USE")]
    [InlineData("(INSERT INTO t VALUES (1))", "a parenthesised INSERT")]
    [InlineData("CALL enable_logging()", "a call of enable_logging()")]
    [InlineData("SELECT * FROM \"enable_logging\"()", "a call of enable_logging()")]
    [InlineData("SELECT * FROM query('SELECT 1')", "a call of query()")]
    [InlineData("SELECT 1; CHECKPOINT", "Statement 2 of 2 is a write (CHECKPOINT)")]
    public void Everything_else_is_refused_naming_what_it_is(string sql, string expected)
    {
        var error = Should.Throw<QueryRefusedException>(() => ReadOnlySql.Check(connection, sql));

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("read-only");
    }

    [Fact]
    public void A_call_becomes_a_query_that_can_be_wrapped_and_explain_cannot()
    {
        var statements = ReadOnlySql.Check(connection, "CALL pragma_version(); EXPLAIN SELECT 1; FROM range(2)");

        statements.Select(s => s.AsQuery).ShouldBe(["SELECT * FROM pragma_version()", null, "FROM range(2)"]);
    }
}
