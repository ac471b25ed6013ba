using Lakehouse.Bronze;
using Lakehouse.Lake;

namespace Lakehouse.Sources;

/// <summary>
/// An external API as the pipeline sees it: its datasets, an optional cheap change probe, and the responses that make
/// up each dataset partition. A real seam: SpaceX, NASA and RAWG each implement it, and the pipeline (land,
/// transform, model, run records) is the same for all of them.
/// </summary>
internal interface ISource
{
    /// <summary><c>spacex</c>, <c>nasa</c>, <c>rawg</c>.</summary>
    string Name { get; }

    /// <summary>How often everything is re-read even when the probe says nothing changed.</summary>
    TimeSpan FullRefreshInterval { get; }

    /// <summary>
    /// Why the source cannot be read at all right now (RAWG without <c>RAWG_API_KEY</c>), in one line that names the
    /// fix; null when it can. A run skips such a source's datasets, says so once, and goes on with the others.
    /// </summary>
    string? Unavailable { get; }

    /// <summary>The datasets, in the order a run lands them.</summary>
    IReadOnlyList<SourceDataset> Datasets { get; }

    /// <summary>
    /// Asks the API whether anything changed since <paramref name="state"/> (one call at most). Sources without a
    /// probe answer <see cref="SourceProbe.NotSupported"/>.
    /// </summary>
    Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct);

    /// <summary>
    /// The partitions an incremental run (<c>run</c>, the scheduler) fetches, in order, given the dataset's cursor
    /// (null before its first landing). Date-windowed datasets usually answer <see cref="Partition.Incremental"/>.
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="cursor">How far it was landed; null before its first landing.</param>
    /// <param name="today">Today (UTC).</param>
    /// <param name="fullRefresh">
    /// True when everything must be read again (<see cref="FullRefreshInterval"/> is over, the probe failed, or an
    /// object of the dataset was found damaged); a source that narrows its reads between full refreshes (SpaceX's
    /// launches) does not narrow them then.
    /// </param>
    IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh);

    /// <summary>
    /// The responses of one partition, fetched one at a time (the next request may depend on the last). A window
    /// arrives clipped to today. An exchange may carry the cursor its landing completes.
    /// </summary>
    IAsyncEnumerable<SourceExchange> FetchAsync(SourceDataset dataset, Partition partition, CancellationToken ct);
}

/// <summary>A dataset of a source, and the gold table it mainly feeds (null when it feeds none yet).</summary>
/// <param name="Name">The dataset's full name.</param>
/// <param name="GoldTable">The gold table it mainly feeds, for summaries.</param>
/// <param name="Scheme">How <c>backfill</c> cuts a date range into partitions.</param>
/// <param name="RequestsPerPartition">
/// The fewest requests one partition takes (a window is one call; a paged list at least one), for plans and ETAs.
/// </param>
internal sealed record SourceDataset(
    DatasetName Name, string? GoldTable, PartitionScheme Scheme = PartitionScheme.Whole, int RequestsPerPartition = 1);

/// <summary>What a change probe found.</summary>
/// <param name="Answer">What the API answered, to store and compare next time (null when the probe failed).</param>
/// <param name="ApiCalls">Calls the probe made.</param>
/// <param name="Failure">Why the probe could not answer; the run then fetches everything.</param>
internal sealed record SourceProbe(string? Answer, int ApiCalls, string? Failure = null)
{
    public static SourceProbe NotSupported { get; } = new(null, 0);
}
