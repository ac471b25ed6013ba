using System.Globalization;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Silver;

/// <summary>
/// Bronze → silver for one dataset: finds the bronze that has no published silver yet (or all of it, on a rebuild),
/// runs the dataset's SQL over it in chunks, checks every file it wrote against its table's contract (the footer,
/// read with Parquet.Net), and publishes them per landing run in three steps: upload under a staging prefix outside
/// <c>silver/</c>; write the commit marker, which names the files' final keys (the commit point); move them to those
/// keys and record that in the marker. An engine listing <c>silver/</c> therefore sees only committed files; a
/// transform killed before its marker leaves nothing there (its staged files are cleared by the next attempt), and
/// one killed after its marker is finished by the next transform or gold build. File names are derived from the
/// bronze, so transforming the same bronze again replaces rather than duplicates.
/// </summary>
internal sealed partial class SilverStage(
    IObjectStore store,
    SilverTransform transform,
    BronzeVerifier verifier,
    SilverContracts contracts,
    PipelineOptions options,
    TimeProvider time,
    ILogger<SilverStage> logger)
{
    /// <summary>Transforms what is pending for <paramref name="dataset"/> (of one landing run only, when given).</summary>
    /// <exception cref="SilverContractException">A file broke its table's contract; groups committed before it stay published.</exception>
    public async Task<SilverResult> TransformAsync(DatasetName dataset, bool rebuild, CancellationToken ct, RunId? landingRun = null)
    {
        var (pending, unfinished) = await ScanAsync(dataset, rebuild, ct);

        // Commits a killed transform left half-moved are finished first, before any group is staged again: a gold
        // build finishing the same commit at the same time only ever moves that commit's own staged files.
        foreach (var (group, commit) in unfinished)
        {
            try
            {
                await FinishPromotionAsync(dataset, group.Run, commit, ct);
            }
            catch (LakeStateException e)
            {
                // Files of the commit were deleted by hand from both places: its bronze is transformed again below,
                // which replaces the commit.
                LogUnfinishedReplaced(dataset, group.Run, e.Message);
                if (!pending.Contains(group))
                {
                    pending.Add(group);
                    pending.Sort((a, b) => string.CompareOrdinal(a.Run.Value, b.Run.Value));
                }
            }
        }

        var groups = pending.Where(g => landingRun is null || g.Run == landingRun).ToList();
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
        (await ScanAsync(dataset, rebuild: false, ct)).Pending.Count > 0;

    /// <summary>
    /// The landing groups to transform (all of them on a rebuild), and the commits whose files are not all moved
    /// into <c>silver/</c> yet. A committed group whose files are missing altogether is transformed again.
    /// </summary>
    private async Task<(List<LandingGroup> Pending, List<(LandingGroup Group, SilverCommit Commit)> Unfinished)> ScanAsync(
        DatasetName dataset, bool rebuild, CancellationToken ct)
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

        var committed = (await store.ListAllAsync(LakeKeys.SilverCommitPrefix(dataset), ct)).Select(c => c.Key).ToHashSet();
        var pending = new List<LandingGroup>();
        var unfinished = new List<(LandingGroup, SilverCommit)>();
        foreach (var group in groups)
        {
            var marker = LakeKeys.SilverCommit(dataset, group.Run);
            var commit = committed.Contains(marker) ? await LakeJson.ReadAsync<SilverCommit>(store, marker, ct) : null;
            if (commit is { Promoted: false })
            {
                unfinished.Add((group, commit));
            }

            // A marker covers the objects its run had landed when it was written; a run that landed more afterwards
            // (only possible if a transform ran while that run was still landing) is transformed again, whole.
            if (rebuild || commit is null || commit.BronzeKeys.Count + commit.Damaged.Count != group.Manifests.Count)
            {
                pending.Add(group);
            }
        }

        return (pending, unfinished);
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
        var attempt = RunId.New(time);
        try
        {
            // Files an earlier attempt staged before it died (no marker names them) would only take up space.
            await DeleteStagedAsync(dataset, group.Run, ct);

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
                    var footer = await CheckContractAsync(dataset, group.Run, file, key, ct);
                    var staged = LakeKeys.SilverStaged(dataset, group.Run, attempt, key);
                    await store.PutFileAsync(staged, file.LocalPath, ct);
                    files.Add(new SilverCommitFile(file.Table, key.Value, footer.Rows) { Staged = staged.Value, CompressedBytes = footer.CompressedBytes });
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
                Promoted = false,
            };
            await verifier.RecordAsync(dataset, damaged, ct);
            LogStaged(dataset, group.Run, files.Count);

            // The commit point: from here on these files are silver, wherever they are.
            await LakeJson.WriteAsync(store, LakeKeys.SilverCommit(dataset, group.Run), commit, ct);
            LogCommitted(dataset, group.Run, files.Count);
            await FinishPromotionAsync(dataset, group.Run, commit, ct);
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

    /// <summary>
    /// Reads the footer of a file the transform wrote (the local copy, byte for byte what is staged) and checks it
    /// against its table's contract; a mismatch clears what this group staged and blocks the dataset's publish.
    /// </summary>
    private async Task<ParquetFooter> CheckContractAsync(DatasetName dataset, RunId landingRun, SilverOutputFile file, ObjectKey key, CancellationToken ct)
    {
        IReadOnlyList<string> mismatches;
        ParquetFooter? footer = null;
        try
        {
            footer = await ParquetFooter.ReadAsync(file.LocalPath, ct);
            mismatches = contracts.For(file.Table) is { } contract ? contract.Mismatches(footer) : ["no contract is declared for it"];
        }
        catch (InvalidDataException e)
        {
            mismatches = [e.Message];
        }

        if (mismatches.Count == 0)
        {
            return footer!;
        }

        foreach (var mismatch in mismatches)
        {
            LogContractBroken(dataset, file.Table, key.Value, mismatch);
        }

        await DeleteStagedAsync(dataset, landingRun, ct);
        throw new SilverContractException(dataset.ToString(), file.Table, key.Value, mismatches);
    }

    /// <summary>
    /// Moves a commit's staged files to their keys under <c>silver/</c>, removes files under this landing run's
    /// folders that the commit does not name (a rebuild that made fewer files than before, or an older version's
    /// unpublished ones), and records in the marker that the commit is complete.
    /// </summary>
    private async Task FinishPromotionAsync(DatasetName dataset, RunId landingRun, SilverCommit commit, CancellationToken ct)
    {
        await SilverPromotion.MoveStagedAsync(store, commit, ct);
        var named = commit.Files.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var folders = transform.Scripts.TablesOf(dataset.ToString())
            .Select(t => LakeKeys.SilverRunPrefix(dataset.Source, SilverTables.ShortName(dataset.Source, t), landingRun))
            .Append(LakeKeys.QuarantineRunPrefix(dataset, landingRun));
        foreach (var folder in folders)
        {
            foreach (var stray in (await store.ListAllAsync(folder, ct)).Where(o => !named.Contains(o.Key.Value)))
            {
                await store.DeleteAsync(stray.Key, ct);
            }
        }

        var promoted = commit with { Promoted = true, Files = [.. commit.Files.Select(f => f with { Staged = null })] };
        await LakeJson.WriteAsync(store, LakeKeys.SilverCommit(dataset, landingRun), promoted, ct);
        await DeleteStagedAsync(dataset, landingRun, ct);
    }

    /// <summary>Deletes whatever is staged for a landing group (no marker names it any more, or none ever did).</summary>
    private async Task DeleteStagedAsync(DatasetName dataset, RunId landingRun, CancellationToken ct)
    {
        foreach (var staged in await store.ListAllAsync(LakeKeys.SilverStagingPrefix(dataset, landingRun), ct))
        {
            await store.DeleteAsync(staged.Key, ct);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Staged {Files} silver files of {Dataset} landed by {LandingRunId}; committing")]
    private partial void LogStaged(DatasetName dataset, RunId landingRunId, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed silver of {Dataset} landed by {LandingRunId}; moving {Files} files into silver/")]
    private partial void LogCommitted(DatasetName dataset, RunId landingRunId, int files);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Dataset}: the silver file for {SilverKey} breaks the contract of {Table}: {Mismatch}")]
    private partial void LogContractBroken(DatasetName dataset, string table, string silverKey, string mismatch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dataset}: the commit of {LandingRunId} cannot be finished ({Reason}); its bronze is transformed again")]
    private partial void LogUnfinishedReplaced(DatasetName dataset, RunId landingRunId, string reason);

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
