namespace Lakehouse.Runs;

/// <summary>
/// What one run did, kept in the lake at <c>_meta/runs/{runId}.json</c> (gold's <c>meta_run</c> is built from these)
/// and printed as the run summary.
/// </summary>
internal sealed record RunRecord
{
    public required string RunId { get; init; }

    /// <summary>What started it: <c>run</c>, <c>demo</c>, <c>schedule</c>, <c>backfill</c>.</summary>
    public required string Trigger { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>For a scheduled run: the fire time it was due at (one record per fire, across a cluster).</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>For a scheduled run: the scheduler node (Quartz instance id) that ran it.</summary>
    public string? Node { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public RunStatus Status { get; init; } = RunStatus.Running;

    /// <summary>True when a source's change probe said nothing changed, so its datasets were not fetched.</summary>
    public bool EarlyExit { get; init; }

    public IReadOnlyList<DatasetRun> Datasets { get; init; } = [];

    /// <summary>Rows per gold table after this run's model step; empty when gold was not rebuilt.</summary>
    public IReadOnlyDictionary<string, long> GoldRows { get; init; } = new Dictionary<string, long>();

    /// <summary>Why the model step did not publish, when it did not.</summary>
    public string? GoldError { get; init; }

    public long DurationMs { get; init; }

    public long ApiCalls => Datasets.Sum(d => d.ApiCalls) + ProbeCalls;

    /// <summary>Calls made by change probes, which belong to a source rather than to a dataset.</summary>
    public int ProbeCalls { get; init; }
}

internal enum RunStatus
{
    Running,
    Succeeded,

    /// <summary>Some datasets failed, the others finished (the run's exit code is still a failure).</summary>
    Partial,
    Failed,
}

/// <summary>One dataset's part of a run.</summary>
internal sealed record DatasetRun
{
    public required string Dataset { get; init; }

    /// <summary>The gold table the dataset mainly feeds (its row count goes in the summary).</summary>
    public string? GoldTable { get; init; }

    public DatasetStatus Status { get; init; }
    public int ApiCalls { get; init; }
    public int ObjectsLanded { get; init; }
    public int ObjectsUnchanged { get; init; }
    public long RowsTransformed { get; init; }
    public long RowsQuarantined { get; init; }

    /// <summary>Fields the API sent that the transform does not know yet.</summary>
    public IReadOnlyList<string> SchemaDrift { get; init; } = [];

    /// <summary>
    /// Bronze objects that failed their manifest check (size or SHA-256) and were left out of the transform, each
    /// with what was wrong; the next run fetches their requests again.
    /// </summary>
    public IReadOnlyList<string> DamagedObjects { get; init; } = [];

    public long DurationMs { get; init; }

    /// <summary>What went wrong (or why it was skipped), in words a user can act on.</summary>
    public string? Message { get; init; }
}

internal enum DatasetStatus
{
    Succeeded,

    /// <summary>Nothing new: every response matched the last one landed, or the source's probe said so.</summary>
    Unchanged,
    Failed,
    Skipped,
}
