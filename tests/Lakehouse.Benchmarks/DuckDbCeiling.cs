using Lakehouse.DuckDb;
using Lakehouse.Gold;

namespace Lakehouse.Benchmarks;

/// <summary>
/// The ceiling every transform benchmark is judged against: DuckDB's own parse and write of the very same bronze
/// bytes. For each bronze dataset folder (<c>bronze/{source}/{dataset}/</c>), one
/// <c>COPY (SELECT * FROM read_json('…/**/*.json')) TO '….parquet' (FORMAT parquet, COMPRESSION zstd)</c>: every
/// body parsed once with the types DuckDB infers itself (one row per body, its elements as a LIST of STRUCTs), and
/// written whole. It runs in-process here (no process start-up, which favours DuckDB), with DuckDB's defaults
/// (all cores, 80% of RAM), one dataset after the other. No cleaning, no quarantine, no star schema: nothing a
/// transform of ours can do with the same bytes can be cheaper than parsing them and writing them out once.
/// </summary>
internal static class DuckDbCeiling
{
    public const string Banner =
        "ceiling = DuckDB's own read_json -> Parquet (zstd) in-process, one COPY (SELECT * FROM read_json('bronze/{source}/{dataset}/**/*.json')) " +
        "TO '{dataset}.parquet' (FORMAT parquet, COMPRESSION zstd) per bronze dataset, types inferred by DuckDB, each body one row";

    /// <summary>Writes one Parquet file per bronze dataset of <paramref name="lake"/> into <paramref name="output"/>; returns the bytes written.</summary>
    public static long Run(string lake, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        using var connection = DuckDbConnections.OpenInMemory();
        long written = 0;
        foreach (var dataset in Datasets(lake))
        {
            var target = Path.Combine(output, $"{Path.GetFileName(Path.GetDirectoryName(dataset))}_{Path.GetFileName(dataset)}.parquet");
            connection.Execute(
                $"""
                COPY (SELECT * FROM read_json({SqlText.Literal(Path.Combine(dataset, "**", "*.json"))}, maximum_object_size = 1073741824))
                TO {SqlText.Literal(target)} (FORMAT parquet, COMPRESSION zstd)
                """);
            written += new FileInfo(target).Length;
        }

        return written;
    }

    /// <summary>The bronze dataset folders (<c>bronze/{source}/{dataset}</c>) of a folder lake.</summary>
    public static IReadOnlyList<string> Datasets(string lake) =>
        [.. Directory.EnumerateDirectories(Path.Combine(lake, "bronze"))
            .SelectMany(Directory.EnumerateDirectories)
            .Order(StringComparer.Ordinal)];
}
