namespace Lakehouse.Sources;

/// <summary>
/// The API refused the credentials (a bad or missing key): retrying cannot help, so the pipeline stops the whole
/// source for this run and says which setting to fix. The message names the environment variable, never its value.
/// </summary>
internal sealed class SourceAccessException(string source, string message, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.Land;

    public string SourceName { get; } = source;
}
