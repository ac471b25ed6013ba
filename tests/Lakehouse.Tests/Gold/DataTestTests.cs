using Lakehouse.Gold;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Gold;

public sealed class DataTestTests
{
    [Fact]
    public void A_relationships_test_returns_each_orphan_value_with_its_count_and_lets_null_through()
    {
        // Given a bridge whose keys 7 (twice) and 9 are missing from the dimension, which also holds a NULL key,
        // and two bridge rows without a key
        using var connection = DuckDbTestConnections.OpenInMemory();
        connection.Execute("""
            CREATE TABLE dim (dim_key BIGINT);
            INSERT INTO dim VALUES (1), (2), (NULL);
            CREATE TABLE bridge (dim_key BIGINT);
            INSERT INTO bridge VALUES (1), (2), (2), (7), (7), (9), (NULL), (NULL);
            """);
        var test = new RelationshipsTest("bridge", "relationships(dim_key -> dim.dim_key)", "dim_key", "dim", "dim_key");

        // When the test's query for failing rows runs
        using var command = connection.Command(test.FailingRowsSql());
        using var reader = command.ExecuteReader();
        var failing = new List<string>();
        while (reader.Read())
        {
            failing.Add($"{reader.GetName(0)}={reader.GetInt64(0)} {reader.GetName(1)}={reader.GetInt64(1)}");
        }

        // Then it names the orphans once each with how often they occur, and neither NULL counts against the bridge
        failing.ShouldBe(["dim_key=7 occurrences=2", "dim_key=9 occurrences=1"]);
    }

    [Fact]
    public void Tests_restricted_to_merged_rows_still_catch_what_the_merge_broke()
    {
        // Given a merged table: key 2 was replaced and now repeats the name of untouched key 1, and its rating key
        // points at no rating; key 3, untouched, is fine
        using var connection = DuckDbTestConnections.OpenInMemory();
        connection.Execute("""
            CREATE TABLE fact (k INTEGER, name VARCHAR, rating_key INTEGER);
            INSERT INTO fact VALUES (1, 'same', 10), (2, 'same', 99), (3, 'other', 10);
            CREATE TABLE dim (rating_key INTEGER);
            INSERT INTO dim VALUES (10);
            """);
        const string changed = "(SELECT * FROM fact WHERE k IN (2))";

        // When the tests run on the changed rows only
        var uniqueName = new UniqueTest("fact", "unique(name)", ["name"]);
        var uniqueKey = new UniqueTest("fact", "unique(k)", ["k"]);
        var relationship = new RelationshipsTest("fact", "relationships(rating_key -> dim.rating_key)", "rating_key", "dim", "rating_key");

        // Then the duplicate with an untouched row and the dangling key are found; the key's grain holds
        connection.Scalar<long>($"SELECT count(*) FROM ({uniqueName.FailingRowsSql(changed, "k")})").ShouldBe(1);
        connection.Scalar<long>($"SELECT count(*) FROM ({uniqueKey.FailingRowsSql(changed, "k")})").ShouldBe(0);
        connection.Scalar<long>($"SELECT count(*) FROM ({relationship.FailingRowsSql(changed)})").ShouldBe(1);

        // And a changed row that is fine passes: key 3 alone
        connection.Scalar<long>($"SELECT count(*) FROM ({uniqueName.FailingRowsSql("(SELECT * FROM fact WHERE k IN (3))", "k")})").ShouldBe(0);
    }
}
