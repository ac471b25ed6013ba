namespace Lakehouse.Gold;

/// <summary>
/// One run record as gold's <c>meta_run</c> table shows it. Run ids start with a UTC timestamp, so they sort
/// chronologically as strings; <c>agg_launch_snapshot</c> relies on that.
/// </summary>
internal sealed record GoldRunRow(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    string Trigger,
    long ApiCalls,
    long ObjectsLanded,
    long ObjectsUnchanged,
    long RowsTransformed,
    long RowsQuarantined,
    long DurationMs,
    bool EarlyExit,
    string? Error);
