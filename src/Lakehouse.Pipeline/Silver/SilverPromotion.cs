using Lakehouse.Lake;
using Lakehouse.Storage;

namespace Lakehouse.Silver;

/// <summary>
/// Moving committed silver files from their staging keys to their keys under <c>silver/</c>. A commit marker is the
/// commit point; the move after it may be cut short by a crash, so whoever reads silver through markers first makes
/// sure the files are where the marker says (the gold build calls <see cref="EnsurePromotedAsync"/>), and the next
/// transform of the dataset finishes the job and records it in the marker.
/// </summary>
/// <remarks>
/// Idempotent, and safe beside another process doing the same: a file whose staged copy is gone was moved already
/// (staged copies are only ever removed by moving them, once their marker exists), so only both copies missing is
/// an error.
/// </remarks>
internal static class SilverPromotion
{
    /// <summary>Makes sure every file that <paramref name="commits"/> name is at its key under <c>silver/</c>.</summary>
    /// <exception cref="LakeStateException">A committed file is neither staged nor published (deleted by hand).</exception>
    public static async Task EnsurePromotedAsync(IObjectStore store, IEnumerable<SilverCommit> commits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commits);
        foreach (var commit in commits.Where(c => !c.Promoted))
        {
            await MoveStagedAsync(store, commit, ct);
        }
    }

    /// <summary>Moves each file of <paramref name="commit"/> that is still staged to its key under <c>silver/</c>.</summary>
    /// <exception cref="LakeStateException">A committed file is neither staged nor published (deleted by hand).</exception>
    public static async Task MoveStagedAsync(IObjectStore store, SilverCommit commit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var file in commit.Files)
        {
            if (file.Staged is null)
            {
                continue;
            }

            var published = ObjectKey.Parse(file.Key);
            try
            {
                await store.MoveAsync(ObjectKey.Parse(file.Staged), published, ct);
            }
            catch (ObjectNotFoundException e)
            {
                if (!await store.ExistsAsync(published, ct))
                {
                    throw new LakeStateException(
                        $"The silver file {file.Key} of {commit.Dataset} (landed by {commit.LandingRunId}) is committed but neither staged at " +
                        $"{file.Staged} nor published in {store.Describe}. Run 'lakehouse transform --rebuild' to make silver again from bronze.",
                        e);
                }
            }
        }
    }
}
