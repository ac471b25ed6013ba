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
}
