using Lakehouse.Querying;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Querying;

public sealed class CsvResultWriterTests : IDisposable
{
    private readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public async Task Csv_output_is_byte_for_byte_what_duckdbs_own_copy_to_csv_writes()
    {
        // Given a table of every common type with NULLs, quotes, commas, newlines, unicode, negative and pre-1970
        // values, and fractions of a second (DuckDB's own CSV writer is the independent oracle here).
        var database = work.Combine("gold.duckdb");
        using (var connection = DuckDbTestConnections.OpenFile(database))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                CREATE TABLE t AS
                SELECT i AS id,
                       (i % 128)::TINYINT - 64 AS tiny,
                       CASE WHEN i % 11 = 0 THEN NULL
                            WHEN i % 17 = 0 THEN ''
                            WHEN i % 19 = 0 THEN 'issue #' || i || ' \ back slash'
                            WHEN i % 23 = 0 THEN ' padded ' || chr(9) || 'tab '
                            WHEN i % 7 = 0 THEN 'say "hi", ' || i
                            WHEN i % 5 = 0 THEN 'two' || chr(10) || 'lines'
                            WHEN i % 3 = 0 THEN 'Ünïcødé ' || i
                            ELSE 'plain ' || i END AS name,
                       CASE WHEN i % 13 = 0 THEN NULL ELSE (i - 5000) * 0.25::DOUBLE END AS mass,
                       ((i - 5000) * 0.125)::DECIMAL(12,3) AS cost,
                       DATE '1960-01-01' + CAST(i * 7 AS INTEGER) AS day,
                       TIMESTAMP '1965-03-04 05:06:07' + INTERVAL (i * 987654321) MICROSECOND AS at_ts,
                       i % 3 = 0 AS ok,
                       (i * 31)::UBIGINT AS big,
                       CASE i % 8 WHEN 0 THEN 1e20 WHEN 1 THEN 1.5e-7 WHEN 2 THEN -2.5e300 WHEN 3 THEN 0.1 + 0.2
                                  WHEN 4 THEN 'NaN'::DOUBLE WHEN 5 THEN 'inf'::DOUBLE WHEN 6 THEN -0.0 ELSE i / 7.0 END AS odd_double,
                       (i / 3.0)::FLOAT AS single,
                       CASE WHEN i % 4 = 0 THEN NULL ELSE unhex(printf('6162%02X%02X5C2227', i % 256, (i * 7) % 256)) END AS raw,
                       CASE WHEN i % 3 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-03-09 10:00:00+00' + INTERVAL (i * 1234567) MICROSECOND END AS at_tz,
                       CASE WHEN i % 9 = 0 THEN NULL ELSE [i, NULL, i * 2] END AS ints,
                       ['say "x", ' || i, NULL, ''] AS texts,
                       {'id': i, 'name': 'n,' || i, 'tags': [i % 3]} AS info,
                       MAP(['k' || (i % 4)], [i]) AS pairs,
                       INTERVAL (i * 61) MINUTE AS span,
                       CASE i % 50 WHEN 0 THEN 'infinity'::DATE WHEN 1 THEN '-infinity'::DATE ELSE DATE '2020-02-29' + i::INTEGER END AS maybe_infinite_day,
                       CASE i % 50 WHEN 0 THEN 'infinity'::TIMESTAMP ELSE TIMESTAMP '2020-02-29 12:00:00' + INTERVAL (i) HOUR END AS maybe_infinite_ts,
                       md5(i::VARCHAR)::UUID AS id_uuid,
                       (i::HUGEINT - 5000) * 100000000000000000000::HUGEINT AS huge,
                       ((i - 5000) * 1.123456789)::DECIMAL(38,9) AS wide_decimal,
                       CASE WHEN i % 10 = 0 THEN NULL ELSE ((i - 5000) * 0.5)::DECIMAL(20,2) END AS mid_decimal,
                       CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN (i - 5000)::DECIMAL(38,3) * 100000000000000000
                                  ELSE ((i - 5000) * 0.125)::DECIMAL(38,3) END AS sum_decimal,
                       TIME '00:00:00' + INTERVAL (i * 7777) MILLISECOND AS tod
                FROM range(10000) r(i)
                """;
            command.ExecuteNonQuery();
        }

        var oracle = work.Combine("duckdb.csv");
        using (var connection = DuckDbTestConnections.OpenFile(database, readOnly: true))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SET TimeZone = 'UTC'; COPY (SELECT * FROM t ORDER BY id) TO '{oracle}' (FORMAT csv, HEADER)";
            command.ExecuteNonQuery();
        }

        // When the same rows are written by query's CSV writer, through a small buffer so every cell kind meets a flush
        using var ours = new MemoryStream();
        await new GoldQuery(TimeProvider.System).RunAsync(database, "SELECT * FROM t ORDER BY id", ResultFormat.Csv, ours, new QueryOutputOptions(), CancellationToken.None);

        // Then the two files are identical
        var expected = await File.ReadAllTextAsync(oracle);
        var actual = System.Text.Encoding.UTF8.GetString(ours.ToArray());
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
        {
            actualLines[i].ShouldBe(expectedLines[i], $"line {i + 1}");
        }

        actualLines.Length.ShouldBe(expectedLines.Length);
    }

    [Fact]
    public void Dates_and_timestamps_are_written_like_dotnets_invariant_format_across_buffer_flushes()
    {
        // Given a buffer so small that most values straddle a flush
        var random = new Random(20261122);
        var sink = new MemoryStream();
        var expected = new System.Text.StringBuilder();
        using (var output = new Utf8Output(sink, bufferSize: 40))
        {
            for (var i = 0; i < 5000; i++)
            {
                // When timestamps with and without fractions, dates and times are written
                var ticks = random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
                var timestamp = new DateTime(ticks - (ticks % 10) - (i % 3 == 0 ? ticks % TimeSpan.TicksPerSecond : 0));
                output.WriteTimestamp(timestamp);
                output.WriteByte((byte)'|');
                output.WriteDate(DateOnly.FromDateTime(timestamp));
                output.WriteByte((byte)'|');
                output.WriteTimeOfDay(timestamp.TimeOfDay.Ticks);
                output.WriteByte((byte)'\n');
                expected.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"{timestamp:yyyy-MM-dd HH:mm:ss.FFFFFF}|{timestamp:yyyy-MM-dd}|{timestamp:HH:mm:ss.FFFFFF}\n");
            }
        }

        // Then the text is what .NET's own (slow) custom format gives
        System.Text.Encoding.UTF8.GetString(sink.ToArray()).ShouldBe(expected.ToString());
    }
}
