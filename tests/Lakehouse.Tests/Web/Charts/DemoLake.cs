using System.Data.Common;
using System.Globalization;
using Lakehouse.DuckDb;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Web.Charts;

/// <summary>
/// The demo's lake, built once for a test class: the real pipeline over the local SpaceX, NASA and RAWG servers
/// (<c>lakehouse demo --seed 11</c>), with silver as Parquet under <c>lake/silver</c> to count from independently.
/// </summary>
public sealed class DemoLake : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory folder = new();

    public string Root => folder.Path;

    public string LakePath => folder.Combine("lake");

    public string GoldPath => Path.Combine(LakePath, "gold", "lakehouse.duckdb");

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", LakePath, "--seed", "11");
        demo.ExitCode.ShouldBe(0, demo.Error);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => folder.Dispose();

    /// <summary>
    /// Runs <paramref name="sql"/> on DuckDB in memory, with <c>{source/table}</c> standing for that silver table's
    /// Parquet files in the lake (<c>{spacex/launches}</c>): silver as the pipeline wrote it, not gold.
    /// </summary>
    public List<object?[]> Silver(string sql)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(
            sql, @"\{([a-z]+)/([a-z_]+)\}", m => $"read_parquet('{Path.Combine(LakePath, "silver", m.Groups[1].Value, m.Groups[2].Value, "**", "*.parquet")}')");
        using var connection = DuckDbTestConnections.OpenInMemory();
        return connection.Query(text, Row);
    }

    public static long Whole(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static double Real(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static object?[] Row(DbDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return row;
    }
}
