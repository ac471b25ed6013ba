namespace Lakehouse.Runs;

/// <summary>How runs do their work, under <c>Lakehouse:Pipeline</c>.</summary>
internal sealed class PipelineOptions
{
    public const string Section = "Lakehouse:Pipeline";

    /// <summary>
    /// Where transforms and gold builds keep local copies (bronze downloaded from S3, Parquet before upload). Empty
    /// means a folder under the system temp folder.
    /// </summary>
    public string WorkDirectory { get; set; } = "";

    /// <summary>Bronze bytes one transform step reads at once; bounds a transform's memory.</summary>
    public long TransformChunkBytes { get; set; } = 128L * 1024 * 1024;

    public string ResolveWorkDirectory() =>
        string.IsNullOrWhiteSpace(WorkDirectory)
            ? Path.Combine(Path.GetTempPath(), "lakehouse-work", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : Path.GetFullPath(WorkDirectory);
}
