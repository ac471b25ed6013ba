using Lakehouse.Storage;

namespace Lakehouse.Configuration;

/// <summary>Where the lake lives. Bound from <c>Lakehouse:Storage</c>.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Lakehouse:Storage";

    /// <summary><see cref="StorageKind.FileSystem"/> (the embedded default) or <see cref="StorageKind.S3"/>.</summary>
    public StorageKind Kind { get; set; } = StorageKind.FileSystem;

    /// <summary>The lake's folder for <see cref="StorageKind.FileSystem"/>; relative paths start at the current directory.</summary>
    public string Root { get; set; } = "lake";

    /// <summary>Used when <see cref="Kind"/> is <see cref="StorageKind.S3"/>; credentials come from the environment.</summary>
    public S3ObjectStoreOptions S3 { get; set; } = new();
}

internal enum StorageKind
{
    FileSystem,
    S3,
}

/// <summary>
/// The gold DuckDB database, and the builds published to the lake. The database is always a local file (DuckDB here
/// cannot read <c>s3://</c>); every build is also published to the lake's <c>gold/</c>, from which any node restores it.
/// </summary>
internal sealed class GoldOptions
{
    public const string Section = "Lakehouse:Gold";

    /// <summary>The local gold DuckDB file that <c>query</c> reads and builds replace.</summary>
    public string DatabasePath { get; set; } = "lake/gold/lakehouse.duckdb";

    /// <summary>
    /// How many published builds the lake keeps under <c>gold/builds/</c>, the current one included. More than one,
    /// so that a reader who has just read the pointer still finds its build when the next one is published.
    /// </summary>
    public int KeepBuilds { get; set; } = 3;
}

/// <summary>Log level and the JSON-lines log file. Bound from <c>Lakehouse:Logging</c>.</summary>
internal sealed class LoggingOptions
{
    public const string Section = "Lakehouse:Logging";

    /// <summary>Verbose, Debug, Information, Warning, Error or Fatal.</summary>
    public string Level { get; set; } = "Information";

    /// <summary>Rolling JSON-lines file (a date is inserted before the extension); empty turns the file off.</summary>
    public string File { get; set; } = "lake/_logs/lakehouse-.jsonl";
}
