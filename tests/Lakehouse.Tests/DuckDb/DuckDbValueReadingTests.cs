using System.Numerics;
using System.Text;
using Lakehouse.DuckDb;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.DuckDb;

public sealed class DuckDbValueReadingTests : IDisposable
{
    private readonly DuckDbConnection connection = DuckDbTestConnections.OpenInMemory();

    public void Dispose() => connection.Dispose();

    public static TheoryData<string, object, string> Literals => new()
    {
        { "true", true, "BOOLEAN" },
        { "(-128)::TINYINT", (sbyte)-128, "TINYINT" },
        { "127::TINYINT", (sbyte)127, "TINYINT" },
        { "(-32768)::SMALLINT", short.MinValue, "SMALLINT" },
        { "32767::SMALLINT", short.MaxValue, "SMALLINT" },
        { "(-2147483648)::INTEGER", int.MinValue, "INTEGER" },
        { "2147483647::INTEGER", int.MaxValue, "INTEGER" },
        { "(-9223372036854775808)::BIGINT", long.MinValue, "BIGINT" },
        { "9223372036854775807::BIGINT", long.MaxValue, "BIGINT" },
        { "255::UTINYINT", byte.MaxValue, "UTINYINT" },
        { "65535::USMALLINT", ushort.MaxValue, "USMALLINT" },
        { "4294967295::UINTEGER", uint.MaxValue, "UINTEGER" },
        { "18446744073709551615::UBIGINT", ulong.MaxValue, "UBIGINT" },
        { "(-170141183460469231731687303715884105728)::HUGEINT", (BigInteger)Int128.MinValue, "HUGEINT" },
        { "170141183460469231731687303715884105727::HUGEINT", (BigInteger)Int128.MaxValue, "HUGEINT" },
        { "340282366920938463463374607431768211455::UHUGEINT", (BigInteger)UInt128.MaxValue, "UHUGEINT" },
        { "1.5::FLOAT", 1.5f, "FLOAT" },
        { "(-2.5e300)::DOUBLE", -2.5e300, "DOUBLE" },
        { "'abc'", "abc", "VARCHAR" },
        { "'twelve bytes'", "twelve bytes", "VARCHAR" },
        { "'thirteen byte'", "thirteen byte", "VARCHAR" },
        { "'héllo wörld'", "héllo wörld", "VARCHAR" },
        { "'Ünïcødé ✓ strings longer than twelve bytes 🦆'", "Ünïcødé ✓ strings longer than twelve bytes 🦆", "VARCHAR" },
        { "'line one' || chr(10) || 'line two' || chr(13) || chr(10)", "line one\nline two\r\n", "VARCHAR" },
        { "''", string.Empty, "VARCHAR" },
        { "'\\x00\\x01\\xFF'::BLOB", new byte[] { 0, 1, 255 }, "BLOB" },
        { "'a blob longer than twelve bytes'::BLOB", Encoding.ASCII.GetBytes("a blob longer than twelve bytes"), "BLOB" },
        { "DATE '1900-01-01'", new DateOnly(1900, 1, 1), "DATE" },
        { "DATE '1969-12-31'", new DateOnly(1969, 12, 31), "DATE" },
        { "DATE '2024-02-29'", new DateOnly(2024, 2, 29), "DATE" },
        { "TIME '23:59:59.999999'", new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)), "TIME" },
        { "TIMESTAMP '1969-12-31 23:59:59.999999'", new DateTime(1969, 12, 31, 23, 59, 59).AddTicks(9_999_990), "TIMESTAMP" },
        { "TIMESTAMP '2024-05-06 07:08:09.123456'", new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1_234_560), "TIMESTAMP" },
        { "TIMESTAMP_S '2024-05-06 07:08:09'", new DateTime(2024, 5, 6, 7, 8, 9), "TIMESTAMP_S" },
        { "TIMESTAMP_MS '1950-05-06 07:08:09.123'", new DateTime(1950, 5, 6, 7, 8, 9, 123), "TIMESTAMP_MS" },
        { "TIMESTAMP_NS '2024-05-06 07:08:09.123456789'", new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1_234_567), "TIMESTAMP_NS" },
        {
            "TIMESTAMPTZ '2024-05-06 07:08:09.123456+02'",
            new DateTimeOffset(2024, 5, 6, 5, 8, 9, TimeSpan.Zero).AddTicks(1_234_560),
            "TIMESTAMP WITH TIME ZONE"
        },
        { "UUID '0b5b3f8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b'", Guid.Parse("0b5b3f8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b"), "UUID" },
        { "UUID '00000000-0000-0000-0000-000000000000'", Guid.Empty, "UUID" },
        { "UUID 'ffffffff-ffff-ffff-ffff-ffffffffffff'", Guid.AllBitsSet, "UUID" },
        { "'b'::ENUM('a', 'b')", "b", "ENUM('a', 'b')" },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public void A_value_of_each_decoded_type_reads_as_its_clr_type(string literal, object expected, string typeName)
    {
        // Given a DuckDB literal
        using var command = connection.Command($"SELECT {literal} AS v, typeof({literal}) AS t");

        // When it is read
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then it comes back as the CLR value, typed as promised, with DuckDB's name for its type
        reader.GetFieldType(0).ShouldBe(expected.GetType());
        reader.GetValue(0).ShouldBe(expected);
        reader.GetDataTypeName(0).ShouldBe(typeName);
        reader.GetString(1).ShouldBe(typeName);
        if (expected is DateTime dateTime)
        {
            dateTime.Kind.ShouldBe(DateTimeKind.Unspecified);
        }

        if (expected is DateTimeOffset)
        {
            reader.GetFieldValue<DateTimeOffset>(0).Offset.ShouldBe(TimeSpan.Zero);
        }
    }

    public static TheoryData<object, string> Parameters => new()
    {
        { true, "BOOLEAN" },
        { sbyte.MinValue, "TINYINT" },
        { short.MaxValue, "SMALLINT" },
        { int.MinValue, "INTEGER" },
        { long.MaxValue, "BIGINT" },
        { byte.MaxValue, "UTINYINT" },
        { ushort.MaxValue, "USMALLINT" },
        { uint.MaxValue, "UINTEGER" },
        { ulong.MaxValue, "UBIGINT" },
        { float.MaxValue, "FLOAT" },
        { double.Epsilon, "DOUBLE" },
        { -12345.678m, "DECIMAL(8,3)" },
        { 79228162514264337593543950335m, "DECIMAL(29,0)" },
        { 0.5m, "DECIMAL(1,1)" },
        { "short", "VARCHAR" },
        { "a string longer than twelve bytes, with ünïcødé and a\nnewline", "VARCHAR" },
        { new DateOnly(1601, 1, 1), "DATE" },
        { new TimeOnly(13, 14, 15, 16, 17), "TIME" },
        { new DateTime(1969, 7, 20, 20, 17, 40).AddTicks(1_234_560), "TIMESTAMP" },
        { new DateTimeOffset(2024, 5, 6, 5, 8, 9, TimeSpan.Zero).AddTicks(10), "TIMESTAMP WITH TIME ZONE" },
        { Guid.Parse("8f14e45f-ceea-467f-a0e6-3c1a8b0d2e47"), "UUID" },
        { new byte[] { 0, 0, 1, 2, 3, 255, 0 }, "BLOB" },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void A_parameter_of_each_supported_clr_type_round_trips(object value, string typeName)
    {
        // Given a value bound as a parameter
        using var command = connection.Command("SELECT $1 AS v, typeof($1) AS t", value);

        // When DuckDB hands it back
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then it arrives as the DuckDB type it maps to, and reads back unchanged
        reader.GetString(1).ShouldBe(typeName);
        reader.GetValue(0).ShouldBe(value);
    }

    [Fact]
    public void Int128_and_TimeSpan_parameters_arrive_as_HUGEINT_and_INTERVAL()
    {
        // Given the two parameter types that read back as something else
        // When they are bound
        var huge = connection.Scalar("SELECT $1", Int128.MinValue);
        var interval = connection.Scalar("SELECT $1", TimeSpan.FromHours(25.5));

        // Then a HUGEINT reads as a BigInteger and an INTERVAL as DuckDB's text for it
        huge.ShouldBe((BigInteger)Int128.MinValue);
        interval.ShouldBe("25:30:00");
    }

    [Fact]
    public void Every_decoded_type_reads_NULL_as_DBNull()
    {
        // Given a NULL of every decoded type
        string[] types =
        [
            "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT",
            "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL(4,1)", "DECIMAL(9,3)", "DECIMAL(18,6)", "DECIMAL(38,10)", "VARCHAR", "BLOB",
            "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMPTZ", "UUID", "INTEGER[]",
        ];
        using var command = connection.Command("SELECT " + string.Join(", ", types.Select(t => $"NULL::{t}")));

        // When the row is read
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then every cell is NULL, whichever way it is asked for
        reader.FieldCount.ShouldBe(types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            reader.IsDBNull(i).ShouldBeTrue(types[i]);
            reader.GetValue(i).ShouldBe(DBNull.Value, types[i]);
            reader.GetFieldValue<object>(i).ShouldBe(DBNull.Value, types[i]);
        }

        reader.GetFieldValue<int?>(3).ShouldBeNull();
        reader.GetFieldValue<string?>(17).ShouldBeNull();
        Should.Throw<InvalidCastException>(() => reader.GetInt32(3));
    }

    [Fact]
    public void Nulls_scattered_over_several_chunks_are_found_row_by_row()
    {
        // Given 5000 rows (three chunks) where every third value is NULL
        using var command = connection.Command("SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v FROM range(5000) t(i) ORDER BY i");

        // When they are read
        using var reader = command.ExecuteReader();
        var row = 0;
        while (reader.Read())
        {
            // Then each row's validity bit and value line up with its position
            if (row % 3 == 0)
            {
                reader.IsDBNull(0).ShouldBeTrue($"row {row}");
            }
            else
            {
                reader.GetInt64(0).ShouldBe(row);
            }

            row++;
        }

        row.ShouldBe(5000);
    }

    [Theory]
    [InlineData("DECIMAL(4,1)", "123.4")]
    [InlineData("DECIMAL(4,1)", "-999.9")]
    [InlineData("DECIMAL(9,3)", "123456.789")]
    [InlineData("DECIMAL(9,3)", "-0.001")]
    [InlineData("DECIMAL(18,6)", "123456789012.345678")]
    [InlineData("DECIMAL(18,6)", "-999999999999.999999")]
    [InlineData("DECIMAL(38,10)", "1234567890123456789.0123456789")]
    [InlineData("DECIMAL(38,10)", "-1234567890123456789.0123456789")]
    [InlineData("DECIMAL(38,10)", "0.0000000001")]
    public void Decimals_of_every_storage_width_read_exactly(string type, string text)
    {
        // Given a DECIMAL stored as int16, int32, int64 or int128 depending on its width
        var expected = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        using var command = connection.Command($"SELECT '{text}'::{type}");

        // When it is read
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then the value is exact and the type name carries width and scale
        reader.GetDecimal(0).ShouldBe(expected);
        reader.GetValue(0).ShouldBe(expected);
        reader.GetDataTypeName(0).ShouldBe(type);
    }

    [Fact]
    public void A_decimal_parameter_is_stored_exactly_in_a_wide_decimal_column()
    {
        // Given a DECIMAL(38,10) column
        connection.Execute("CREATE TABLE amounts(a DECIMAL(38,10))");
        var value = -1234567890123456789.0123456789m;

        // When a decimal parameter is inserted and read back
        connection.Execute("INSERT INTO amounts VALUES ($1)", value);

        // Then nothing was lost
        connection.Scalar<decimal>("SELECT a FROM amounts").ShouldBe(value);
        connection.Scalar<string>("SELECT a::VARCHAR FROM amounts").ShouldBe("-1234567890123456789.0123456789");
    }

    [Fact]
    public void Nested_and_other_undecoded_types_come_back_as_DuckDBs_text()
    {
        // Given a SELECT of types the reader does not decode, next to one it does
        using var command = connection.Command(
            "SELECT [1, 2, 3] AS l, {'a': 1} AS s, MAP([1], ['x']) AS m, [1, 2]::INTEGER[2] AS arr, " +
            "INTERVAL 3 DAY AS i, '10101'::BIT AS b, 42 AS n, [NULL, 'x'] AS l2, NULL::INTEGER[] AS empty");

        // When it is read
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // Then the undecoded columns are strings in DuckDB's own format, under their own names and type names
        reader.GetValue(0).ShouldBe("[1, 2, 3]");
        reader.GetValue(1).ShouldBe("{'a': 1}");
        reader.GetValue(2).ShouldBe("{1=x}");
        reader.GetValue(3).ShouldBe("[1, 2]");
        reader.GetValue(4).ShouldBe("3 days");
        reader.GetValue(5).ShouldBe("10101");
        reader.GetInt32(6).ShouldBe(42);
        reader.GetValue(7).ShouldBe("[NULL, x]");
        reader.IsDBNull(8).ShouldBeTrue();
        reader.GetName(1).ShouldBe("s");
        reader.GetFieldType(0).ShouldBe(typeof(string));
        reader.GetDataTypeName(0).ShouldBe("INTEGER[]");
        reader.GetDataTypeName(1).ShouldBe("STRUCT(a INTEGER)");
        reader.GetDataTypeName(2).ShouldBe("MAP(INTEGER, VARCHAR)");
        reader.GetDataTypeName(3).ShouldBe("INTEGER[2]");
        reader.GetDataTypeName(4).ShouldBe("INTERVAL");
    }

    [Fact]
    public void Text_rendering_keeps_order_duplicate_names_parameters_and_a_trailing_comment()
    {
        // Given a script whose last SELECT returns lists, is ordered, repeats a column name, takes a parameter and
        // ends with a semicolon and a comment
        using var command = connection.Command(
            "SELECT 1; SELECT [i] AS x, [i + $1] AS x FROM range(5) t(i) ORDER BY i DESC; -- the end", 10);

        // When it is read
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        // Then the rows keep the statement's order and both columns keep their name
        rows.ShouldBe([("[4]", "[14]"), ("[3]", "[13]"), ("[2]", "[12]"), ("[1]", "[11]"), ("[0]", "[10]")]);
        reader.GetName(0).ShouldBe("x");
        reader.GetName(1).ShouldBe("x");
    }

    [Fact]
    public void A_column_whose_type_depends_on_a_parameter_is_still_rendered_as_text()
    {
        // Given a SELECT whose result type DuckDB learns only when the parameters are bound
        // When it returns a list
        var list = connection.Scalar("SELECT [$1, $2] AS l", 1, 2);

        // Then the list still arrives as text
        list.ShouldBe("[1, 2]");
    }

    [Fact]
    public void TryGetUtf8_exposes_varchar_bytes_and_refuses_other_cells()
    {
        // Given short and long strings, a NULL, a number and a list rendered as text
        using var command = connection.Command("SELECT 'héllo' AS s, 'a string longer than twelve bytes ✓' AS l, NULL::VARCHAR AS n, 7 AS i, [1] AS li");
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // When the raw bytes are asked for
        // Then VARCHAR cells give their UTF-8 (inline and out-of-line), the rest say no
        reader.TryGetUtf8(0, out var inline).ShouldBeTrue();
        Encoding.UTF8.GetString(inline).ShouldBe("héllo");
        reader.TryGetUtf8(1, out var outOfLine).ShouldBeTrue();
        Encoding.UTF8.GetString(outOfLine).ShouldBe("a string longer than twelve bytes ✓");
        reader.TryGetUtf8(2, out _).ShouldBeFalse();
        reader.TryGetUtf8(3, out _).ShouldBeFalse();
        reader.TryGetUtf8(4, out var list).ShouldBeTrue();
        Encoding.UTF8.GetString(list).ShouldBe("[1]");
    }

    [Fact]
    public void Typed_getters_widen_and_convert_where_it_is_safe()
    {
        // Given a row of assorted types
        using var command = connection.Command(
            "SELECT 7::TINYINT AS t, 7::INTEGER AS i, DATE '2024-01-02' AS d, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, " +
            "1.25::DECIMAL(5,2) AS dec, 12345678901234567890::HUGEINT AS h, 2.5::FLOAT AS f");
        using var reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();

        // When read through getters other than their own
        // Then the values convert without loss
        reader.GetInt64(0).ShouldBe(7);
        reader.GetInt32(0).ShouldBe(7);
        reader.GetInt64(1).ShouldBe(7);
        reader.GetDouble(1).ShouldBe(7d);
        reader.GetDateTime(2).ShouldBe(new DateTime(2024, 1, 2));
        reader.GetFieldValue<DateTime>(2).ShouldBe(new DateTime(2024, 1, 2));
        reader.GetDateTime(3).ShouldBe(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        reader.GetDouble(4).ShouldBe(1.25);
        reader.GetFieldValue<decimal>(5).ShouldBe(12345678901234567890m);
        reader.GetFieldValue<ulong>(5).ShouldBe(12345678901234567890UL);
        reader.GetDouble(6).ShouldBe(2.5);
        Should.Throw<InvalidCastException>(() => reader.GetString(1));
    }

    [Fact]
    public void Infinite_dates_and_timestamps_read_as_the_clr_extremes()
    {
        // Given DuckDB's infinities
        using var command = connection.Command("SELECT 'infinity'::DATE, '-infinity'::DATE, 'infinity'::TIMESTAMP, '-infinity'::TIMESTAMP");
        using var reader = command.ExecuteReader();

        // When read
        reader.Read().ShouldBeTrue();

        // Then they map to MinValue / MaxValue
        reader.GetValue(0).ShouldBe(DateOnly.MaxValue);
        reader.GetValue(1).ShouldBe(DateOnly.MinValue);
        reader.GetDateTime(2).ShouldBe(DateTime.MaxValue);
        reader.GetDateTime(3).ShouldBe(DateTime.MinValue);
    }
}
