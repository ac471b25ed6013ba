using DuckDB.NET.Data;
using System.Globalization;
using System.Text;
using Lakehouse.Silver;

namespace Lakehouse.Tests.Support;

/// <summary>Reading what a silver transform wrote: its Parquet files, through DuckDB, as tests see them.</summary>
internal sealed class SilverOutput : IDisposable
{
    private readonly DuckDBConnection connection = DuckDbTestConnections.OpenInMemory();

    public SilverOutput(SilverChunkResult result)
    {
        Result = result;
        foreach (var file in result.Files)
        {
            // One view per table, so tests read like SQL over silver.
            connection.Execute($"CREATE VIEW {file.Table} AS SELECT * FROM read_parquet('{file.LocalPath.Replace("'", "''", StringComparison.Ordinal)}')");
        }
    }

    public SilverChunkResult Result { get; }

    public long Count(string table, string where = "true") => connection.Scalar<long>($"SELECT count(*) FROM {table} WHERE {where}");

    public T Scalar<T>(string sql) => connection.Scalar<T>(sql);

    /// <summary>The rows of <paramref name="sql"/>, each as its values' text joined by " | " (NULL for null).</summary>
    public List<string> Rows(string sql)
    {
        using var command = connection.Command(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row.Append(i == 0 ? "" : " | ").Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
            }

            rows.Add(row.ToString());
        }

        return rows;
    }

    public void Dispose() => connection.Dispose();
}
