using System.Globalization;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Silver;

/// <summary>
/// Bronze → silver for one dataset: finds the bronze that has no published silver yet (or all of it, on a rebuild),
/// runs the dataset's SQL over it in chunks, uploads the Parquet files under names derived from the bronze, and then
/// publishes them with one commit marker per landing run. Until the marker exists the files are not part of silver,
/// so a transform killed half-way is simply done again, replacing the same files.
/// </summary>
internal sealed partial class SilverStage(
    IObjectStore store, SilverTransform transform, BronzeVerifier verifier, PipelineOptions options, ILogger<SilverStage> logger)
{
    /// <summary>Transforms what is pending for <paramref name="dataset"/> (of one landing run only, when given).</summary>
    public async Task<SilverResult> TransformAsync(DatasetName dataset, bool rebuild, CancellationToken ct, RunId? landingRun = null)
    {
        var groups = (await PendingGroupsAsync(dataset, rebuild, ct)).Where(g => landingRun is null || g.Run == landingRun).ToList();
        var result = SilverResult.Nothing;
        foreach (var group in groups)
        {
            ct.ThrowIfCancellationRequested();
            result += await TransformGroupAsync(dataset, group, ct);
        }

        return result;
    }

    /// <summary>Whether anything landed for <paramref name="dataset"/> still waits for its transform.</summary>
    public async Task<bool> HasPendingAsync(DatasetName dataset, CancellationToken ct) =>
        (await PendingGroupsAsync(dataset, rebuild: false, ct)).Count > 0;

    private async Task<IReadOnlyList<LandingGroup>> PendingGroupsAsync(DatasetName dataset, bool rebuild, CancellationToken ct)
    {
        var manifests = await store.ListAllAsync(LakeKeys.ManifestPrefix(dataset), ct);
        var groups = manifests
            .Select(m => LandingGroup.Locate(dataset, m.Key))
            .OfType<(string Partition, RunId Run, ObjectKey Manifest)>()
            .GroupBy(m => m.Run)
            .Select(g => new LandingGroup(
                g.Key,
                [.. g.Select(m => m.Partition).Distinct().Order(StringComparer.Ordinal)],
                [.. g.Select(m => m.Manifest).OrderBy(k => k.Value, StringComparer.Ordinal)]))
            .OrderBy(g => g.Run.Value, StringComparer.Ordinal)
            .ToList();
        if (rebuild)
        {
            return groups;
        }

        var committed = (await store.ListAllAsync(LakeKeys.SilverCommitPrefix(dataset), ct)).Select(c => c.Key).ToHashSet();
        var pending = new List<LandingGroup>();
        foreach (var group in groups)
        {
            var marker = LakeKeys.SilverCommit(dataset, group.Run);
            if (!committed.Contains(marker))
            {
                pending.Add(group);
                continue;
            }

            // A marker covers the objects its run had landed when it was written; a run that landed more afterwards
            // (only possible if a transform ran while that run was still landing) is transformed again, whole.
            var commit = await LakeJson.ReadAsync<SilverCommit>(store, marker, ct);
            if (commit is null || commit.BronzeKeys.Count + commit.Damaged.Count != group.Manifests.Count)
            {
                pending.Add(group);
            }
        }

        return pending;
    }

    private async Task<SilverResult> TransformGroupAsync(DatasetName dataset, LandingGroup group, CancellationToken ct)
    {
        var entries = new List<LandingEntry>();
        foreach (var manifest in group.Manifests)
        {
            var entry = await LakeJson.ReadAsync<LandingEntry>(store, manifest, ct)
                ?? throw new LakeStateException($"The manifest {manifest} disappeared while transforming.", new FileNotFoundException());
            entries.Add(entry);
        }

        var work = Path.Combine(options.ResolveWorkDirectory(), "silver", dataset.Source, dataset.Name, group.Run.Value);
        Directory.CreateDirectory(work);
        try
        {
            var files = new List<SilverCommitFile>();
            var drift = new Dictionary<string, long>(StringComparer.Ordinal);
            long rowsRead = 0, rowsQuarantined = 0;
            var chunkIndex = 0;
            var damaged = new List<DamagedObject>();
            foreach (var chunk in Chunk(entries, options.TransformChunkBytes))
            {
                chunkIndex++;
                var inputs = new List<BronzeInput>();
                foreach (var entry in chunk)
                {
                    // Checked against its manifest before it is read: a damaged object is left out and named, not
                    // quarantined as a bad row, and the next run fetches it again.
                    var (local, problem) = await verifier.LocalCopyAsync(entry, work, ct);
                    if (local is null)
                    {
                        damaged.Add(new DamagedObject(entry.BronzeKey, entry.Partition, problem!));
                        continue;
                    }

                    inputs.Add(new BronzeInput(local, entry.BronzeKey, entry.RunId, entry.FetchedAt));
                }

                if (inputs.Count == 0)
                {
                    continue;
                }

                var output = Path.Combine(work, "out-" + chunkIndex.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(output);
                var chunkResult = await Task.Run(() => transform.Run(dataset.ToString(), inputs, output, ct), ct);
                foreach (var file in chunkResult.Files)
                {
                    var key = file.Table == SilverTables.QuarantineTable(dataset.Source)
                        ? LakeKeys.QuarantineFile(dataset, group.Run, chunkIndex)
                        : LakeKeys.SilverFile(dataset.Source, SilverTables.ShortName(dataset.Source, file.Table), group.Run, chunkIndex);
                    await store.PutFileAsync(key, file.LocalPath, ct);
                    files.Add(new SilverCommitFile(file.Table, key.Value, file.Rows));
                }

                foreach (var field in chunkResult.Drift)
                {
                    drift[field.Field] = drift.GetValueOrDefault(field.Field) + field.Occurrences;
                }

                rowsRead += chunkResult.RowsRead;
                rowsQuarantined += chunkResult.RowsQuarantined;
                Directory.Delete(output, recursive: true);
            }

            var commit = new SilverCommit
            {
                Dataset = dataset.ToString(),
                Partition = group.Partitions.Count == 1 ? group.Partitions[0] : $"{group.Partitions[0]}..{group.Partitions[^1]}",
                Partitions = group.Partitions,
                LandingRunId = group.Run.Value,
                BronzeKeys = [.. entries.Select(e => e.BronzeKey).Where(k => damaged.TrueForAll(d => d.BronzeKey != k))],
                Damaged = damaged,
                Files = files,
                RowsRead = rowsRead,
                RowsQuarantined = rowsQuarantined,
                Drift = [.. drift.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new DriftEntry(d.Key, d.Value))],
            };
            await verifier.RecordAsync(dataset, damaged, ct);
            await LakeJson.WriteAsync(store, LakeKeys.SilverCommit(dataset, group.Run), commit, ct);
            LogTransformed(dataset, group.Run, entries.Count, rowsRead, rowsQuarantined);
            foreach (var d in damaged)
            {
                LogDamaged(dataset, d.BronzeKey, d.Problem);
            }

            return new SilverResult(rowsRead - rowsQuarantined, rowsQuarantined, commit.Drift, 1) { Damaged = [.. damaged.Select(d => d.ToString())] };
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>Consecutive runs of objects up to about <paramref name="maxBytes"/> each (one object may exceed it alone).</summary>
    private static IEnumerable<IReadOnlyList<LandingEntry>> Chunk(IReadOnlyList<LandingEntry> entries, long maxBytes)
    {
        var chunk = new List<LandingEntry>();
        long bytes = 0;
        foreach (var entry in entries)
        {
            if (chunk.Count > 0 && bytes + entry.Size > maxBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(entry);
            bytes += entry.Size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover work folder costs disk space only; the next run does not read it.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transformed {Dataset} landed by {LandingRunId}: {Objects} objects, {RowsRead} rows, {RowsQuarantined} quarantined")]
    private partial void LogTransformed(DatasetName dataset, RunId landingRunId, int objects, long rowsRead, long rowsQuarantined);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Dataset}: bronze object {BronzeKey} is damaged ({Problem}); left out of silver, the next run fetches it again")]
    private partial void LogDamaged(DatasetName dataset, string bronzeKey, string problem);

    /// <summary>
    /// The bronze one run landed for a dataset, across all its partitions: the unit of transform and of publishing.
    /// A backfill lands hundreds of small windows in one run; transformed together they make a few compact files
    /// instead of one tiny file per window, and one DuckDB pass instead of hundreds.
    /// </summary>
    private sealed record LandingGroup(RunId Run, IReadOnlyList<string> Partitions, IReadOnlyList<ObjectKey> Manifests)
    {
        /// <summary>Reads partition and run from <c>_meta/manifests/{source}/{dataset}/{partition}/{runId}-{seq}.json</c>.</summary>
        public static (string Partition, RunId Run, ObjectKey Manifest)? Locate(DatasetName dataset, ObjectKey manifest)
        {
            var rest = manifest.Value[LakeKeys.ManifestPrefix(dataset).Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var name = rest[(slash + 1)..];
            var lastDash = name.LastIndexOf('-');
            if (slash <= 0 || name.Contains('/', StringComparison.Ordinal) || lastDash <= 0)
            {
                return null;
            }

            try
            {
                return (rest[..slash], RunId.Parse(name[..lastDash]), manifest);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

/// <summary>What a transform did, summed over landing groups.</summary>
internal sealed record SilverResult(long RowsTransformed, long RowsQuarantined, IReadOnlyList<DriftEntry> Drift, int Groups)
{
    public static SilverResult Nothing { get; } = new(0, 0, [], 0);

    /// <summary>Bronze objects left out because they failed their manifest check, each with what was wrong.</summary>
    public IReadOnlyList<string> Damaged { get; init; } = [];

    public static SilverResult operator +(SilverResult left, SilverResult right) => new(
        left.RowsTransformed + right.RowsTransformed,
        left.RowsQuarantined + right.RowsQuarantined,
        [.. left.Drift.Concat(right.Drift).GroupBy(d => d.Field, StringComparer.Ordinal).Select(g => new DriftEntry(g.Key, g.Sum(d => d.Occurrences))).OrderBy(d => d.Field, StringComparer.Ordinal)],
        left.Groups + right.Groups)
    {
        Damaged = [.. left.Damaged, .. right.Damaged],
    };
}

/// <summary>How silver table names map onto lake paths.</summary>
internal static class SilverTables
{
    /// <summary>The quarantine table of a source, e.g. <c>spacex_quarantine</c>.</summary>
    public static string QuarantineTable(string source) => $"{source}_quarantine";

    /// <summary><c>spacex_launch_cores</c> → <c>launch_cores</c>, the folder under <c>silver/spacex/</c>.</summary>
    public static string ShortName(string source, string table) =>
        table.StartsWith(source + "_", StringComparison.Ordinal) ? table[(source.Length + 1)..] : table;
}
