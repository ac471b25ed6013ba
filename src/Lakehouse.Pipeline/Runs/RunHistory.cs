using Lakehouse.Lake;
using Lakehouse.Storage;

namespace Lakehouse.Runs;

/// <summary>The run records of the lake (<c>_meta/runs/</c>), oldest first: what <c>status</c> and the Runs page read.</summary>
internal static class RunHistory
{
    /// <summary>
    /// Reads the run records, oldest first (run ids sort by start time). A record that cannot be read is left out, and
    /// <paramref name="warn"/> says so: a finished run's record is history, not state a later run depends on.
    /// </summary>
    /// <param name="store">The lake.</param>
    /// <param name="warn">Told about each unreadable record.</param>
    /// <param name="consequence">What leaving a record out means to the caller, for <paramref name="warn"/>.</param>
    /// <param name="ct">Stops reading.</param>
    /// <param name="newest">Read only this many of the newest records (a long-scheduled lake holds thousands); null for all.</param>
    public static async Task<IReadOnlyList<RunRecord>> ReadAsync(
        IObjectStore store, Action<string> warn, string consequence, CancellationToken ct, int? newest = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var keys = (await store.ListAllAsync(LakeKeys.RunRecordPrefix, ct)).Select(o => o.Key).ToList();
        keys.Sort((a, b) => string.CompareOrdinal(a.Value, b.Value));
        if (newest is { } n && keys.Count > n)
        {
            keys = keys[^n..];
        }

        var runs = new List<RunRecord>(keys.Count);
        foreach (var key in keys)
        {
            if (await LakeJson.ReadOrForgetAsync<RunRecord>(store, key, warn, consequence, ct) is { } run)
            {
                runs.Add(run);
            }
        }

        runs.Sort((a, b) => string.CompareOrdinal(a.RunId, b.RunId));
        return runs;
    }
}
