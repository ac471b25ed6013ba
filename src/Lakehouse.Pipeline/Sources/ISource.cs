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

    /// <summary>The datasets, in the order a run lands them.</summary>
    IReadOnlyList<SourceDataset> Datasets { get; }

    /// <summary>
    /// Asks the API whether anything changed since <paramref name="state"/> (one call at most). Sources without a
    /// probe answer <see cref="SourceProbe.NotSupported"/>.
    /// </summary>
    Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct);

    /// <summary>The responses of one dataset partition, fetched one at a time (the next request may depend on the last).</summary>
    IAsyncEnumerable<SourceExchange> FetchAsync(SourceDataset dataset, string partition, CancellationToken ct);
}

/// <summary>A dataset of a source, and the gold table it mainly feeds (null when it feeds none yet).</summary>
internal sealed record SourceDataset(DatasetName Name, string? GoldTable)
{
    /// <summary>The partition of a dataset fetched as one snapshot.</summary>
    public const string WholePartition = "all";
}

/// <summary>What a change probe found.</summary>
/// <param name="Answer">What the API answered, to store and compare next time (null when the probe failed).</param>
/// <param name="ApiCalls">Calls the probe made.</param>
/// <param name="Failure">Why the probe could not answer; the run then fetches everything.</param>
internal sealed record SourceProbe(string? Answer, int ApiCalls, string? Failure = null)
{
    public static SourceProbe NotSupported { get; } = new(null, 0);
}
