using System.Text.Json;
using System.Text.Json.Serialization;
using Lakehouse.Storage;

namespace Lakehouse.Lake;

/// <summary>One landing manifest entry: the facts about a response that are not in its body (promise 1).</summary>
internal sealed record LandingEntry
{
    public required string BronzeKey { get; init; }
    public required string Source { get; init; }
    public required string Dataset { get; init; }
    public required string Partition { get; init; }
    public required string RunId { get; init; }
    public required int Seq { get; init; }

    /// <summary>The request with every secret replaced by a marker.</summary>
    public required string Request { get; init; }

    /// <summary>Names "the same request" across runs, for the unchanged check.</summary>
    public required string RequestIdentity { get; init; }

    public required int Status { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }
    public required string Sha256 { get; init; }
    public required long Size { get; init; }
    public string? ContentType { get; init; }
    public int Attempts { get; init; }

    /// <summary>True when a secret the API echoed in the body was replaced before landing.</summary>
    public bool SecretsReplaced { get; init; }
}

/// <summary>How far a dataset has been landed by incremental runs, and when it last landed anything.</summary>
internal sealed record DatasetState
{
    /// <summary>A dataset-specific position (a last complete date, a newest <c>updated</c>); null until set.</summary>
    public string? Cursor { get; init; }

    public DateTimeOffset? LastLandedAt { get; init; }
}

/// <summary>
/// What was last landed for each request of one partition (the "unchanged" check), and whether the partition was
/// landed for good (a closed window read to its end), which a backfill skips.
/// </summary>
internal sealed record PartitionState
{
    public Dictionary<string, LastLanding> Requests { get; init; } = new(StringComparer.Ordinal);

    /// <summary>When a run read the closed window to its end; null while it may still change or was cut short.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public string? CompletedBy { get; init; }
}

internal sealed record LastLanding(string Sha256, string BronzeKey, DateTimeOffset LandedAt);

/// <summary>
/// A source's own state: per dataset, what its change probe answered when the dataset was last read and when it was
/// last read in full. Per dataset, so that a run of one dataset (a scheduled job) uses the probe as a run of the
/// whole source does.
/// </summary>
internal sealed record SourceState
{
    /// <summary>What the probe answered when every dataset was last read (written before probes were per dataset).</summary>
    public string? Probe { get; init; }

    /// <summary>When every dataset was last read in full (written before probes were per dataset).</summary>
    public DateTimeOffset? LastFullRefreshAt { get; init; }

    /// <summary>By dataset name (<c>launches</c>).</summary>
    public Dictionary<string, DatasetProbeState> Datasets { get; init; } = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="dataset"/> last saw, falling back to the source-wide record of older lakes.</summary>
    public DatasetProbeState For(string dataset) =>
        Datasets.TryGetValue(dataset, out var state) ? state : new DatasetProbeState { Probe = Probe, LastFullRefreshAt = LastFullRefreshAt };
}

/// <summary>One dataset's view of its source's change probe.</summary>
internal sealed record DatasetProbeState
{
    /// <summary>What the probe answered when the dataset was last read (SpaceX: latest launch's id and date).</summary>
    public string? Probe { get; init; }

    public DateTimeOffset? LastFullRefreshAt { get; init; }
}

/// <summary>
/// Publishes the silver files made from the bronze one run landed for a dataset: the commit point of a transform.
/// Files are uploaded under a staging prefix outside <c>silver/</c> and checked against their tables' contracts;
/// then this marker is written, naming them; then they are moved to their keys under <c>silver/</c> and the marker is
/// written again with <see cref="Promoted"/> set. So an engine that reads <c>silver/</c> by listing it never sees
/// a file that no marker commits, and a process killed between the two writes leaves a marker that says what is left
/// to move (the next transform of the dataset, or a gold build, finishes it).
/// </summary>
internal sealed record SilverCommit
{
    public required string Dataset { get; init; }
    /// <summary>The partition covered, or the first and last (<c>a..b</c>) when the run landed several.</summary>
    public required string Partition { get; init; }

    /// <summary>Every partition covered.</summary>
    public IReadOnlyList<string> Partitions { get; init; } = [];

    public required string LandingRunId { get; init; }

    /// <summary>The bronze objects covered, in order.</summary>
    public required IReadOnlyList<string> BronzeKeys { get; init; }

    public required IReadOnlyList<SilverCommitFile> Files { get; init; }
    public long RowsRead { get; init; }
    public long RowsQuarantined { get; init; }

    /// <summary>Objects of this landing left out because they failed their manifest check.</summary>
    public IReadOnlyList<Bronze.DamagedObject> Damaged { get; init; } = [];
    public IReadOnlyList<DriftEntry> Drift { get; init; } = [];

    /// <summary>
    /// Whether every file is at its key under <c>silver/</c>. Written false with the commit and true once the files
    /// are moved there, so that finding a finished commit costs reading it and nothing more. Markers written before
    /// files were staged lack it: their files were written in place, so it defaults to true.
    /// </summary>
    public bool Promoted { get; init; } = true;
}

/// <summary>One published silver file.</summary>
/// <param name="Table">Its silver table, e.g. <c>spacex_launches</c> (or the source's quarantine table).</param>
/// <param name="Key">Its key under <c>silver/</c>.</param>
/// <param name="Rows">Rows in it, as its footer says.</param>
internal sealed record SilverCommitFile(string Table, string Key, long Rows)
{
    /// <summary>Where it was staged before the commit (<c>_meta/staging/...</c>); null for markers written before staging.</summary>
    public string? Staged { get; init; }

    /// <summary>Its column chunks' compressed bytes, as its footer says; null for markers written before footers were read.</summary>
    public long? CompressedBytes { get; init; }
}

internal sealed record DriftEntry(string Field, long Occurrences);

/// <summary>JSON records in the lake: one format, camelCase, written whole (a put is atomic).</summary>
internal static class LakeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task WriteAsync<T>(IObjectStore store, ObjectKey key, T value, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        await store.PutBytesAsync(key, bytes, ct);
    }

    /// <summary>The record, or null when there is none.</summary>
    public static async Task<T?> ReadAsync<T>(IObjectStore store, ObjectKey key, CancellationToken ct)
        where T : class
    {
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(key, ct);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options);
        }
        catch (JsonException e)
        {
            throw new LakeStateException(
                $"The lake record {key} cannot be read ({e.Message}). It is not skipped: {WhyNotSkipped(typeof(T))}. " +
                "Restore it from a backup, or move it out of the lake and run again to accept that.", e);
        }
    }

    /// <summary>
    /// The record, or null when there is none or when it cannot be read: for records whose loss costs only work (a
    /// change probe's memory, a finished run's record), which must not block every later run. The reason goes to
    /// <paramref name="warn"/>, with what treating the record as absent means.
    /// </summary>
    public static async Task<T?> ReadOrForgetAsync<T>(IObjectStore store, ObjectKey key, Action<string> warn, string consequence, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(warn);
        try
        {
            return await ReadAsync<T>(store, key, ct);
        }
        catch (LakeStateException e) when (e.InnerException is JsonException json)
        {
            warn($"The lake record {key} cannot be read ({json.Message}); treated as absent: {consequence}.");
            return null;
        }
    }

    /// <summary>Why a damaged record of this kind stops the work rather than being taken as absent.</summary>
    private static string WhyNotSkipped(Type record) => record.Name switch
    {
        nameof(DatasetState) => "it holds the dataset's cursor, and without it the next run would start the dataset over from its first window",
        nameof(PartitionState) => "it records what a partition landed, and without it the partition's bronze could be landed twice",
        nameof(SilverCommit) => "it is a silver commit marker, and without it silver already built would be left out of gold",
        nameof(LandingEntry) => "it is the manifest of a bronze object, which silver needs to read that object",
        "QuotaRecord" => "it counts the requests spent of the source's quota, and without it the count would start again at 0 and could overrun the quota",
        "DamagedBronze" => "it lists bronze found damaged, which the next run must fetch again",
        _ => "the work depends on what it records",
    };
}

/// <summary>Lake state that cannot be read as written.</summary>
internal sealed class LakeStateException : LakehouseException
{
    public override LakehouseStage Stage => LakehouseStage.Lake;

    public LakeStateException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
