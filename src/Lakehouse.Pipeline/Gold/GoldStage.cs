using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Silver;
using Lakehouse.Sources;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Gold;

/// <summary>
/// Silver → gold: gathers the published silver files (through their commit markers, never by listing, so a
/// half-written transform is invisible), and rebuilds the star schema when silver changed since the gold on disk was
/// built. Gold remembers which silver it was built from (a fingerprint inside the same transaction), so "did silver
/// change" survives crashes: a run killed after transform but before model is modelled by the next one.
/// </summary>
/// <remarks>
/// Every build is published to the lake before it replaces the local gold (<see cref="GoldPublisher"/>), and a build
/// starts from the lake's current build (<see cref="GoldRestorer"/>): so nodes that share a lake build on each other's
/// gold, and a node whose local gold is missing or behind catches up without rebuilding. Callers hold the lake's
/// gold lease across all of it.
/// </remarks>
internal sealed partial class GoldStage(
    IObjectStore store,
    StarSchemaBuilder builder,
    GoldPublisher publisher,
    GoldRestorer restorer,
    GoldOptions gold,
    PipelineOptions options,
    SourceCatalog catalog,
    TimeProvider time,
    ILogger<GoldStage> logger)
{
    /// <summary>The sources whose silver gold reads: every registered source with a silver schema, in registration order.</summary>
    private IEnumerable<string> SilverSources => catalog.Silver.Sources;

    /// <summary>
    /// Builds gold when silver changed (or when the lake lacks the current build), or always with
    /// <paramref name="rebuild"/>, publishes it to the lake and switches the local gold to it; null when it was current.
    /// </summary>
    /// <remarks>
    /// The local gold is first brought to the lake's current build. When that build cannot be restored (its files
    /// were deleted, say), the build heals the lake: it starts from silver alone and publishes a new build, with a
    /// warning in <see cref="GoldBuildResult.Warning"/>.
    /// </remarks>
    public async Task<GoldBuildResult?> ModelAsync(bool rebuild, CancellationToken ct)
    {
        GoldPointer? pointer = null;
        string? warning = null;
        try
        {
            pointer = rebuild ? await restorer.ReadPointerAsync(ct) : (await restorer.EnsureCurrentAsync(ct)).Pointer;
        }
        catch (GoldRestoreException e)
        {
            if (!rebuild)
            {
                warning = $"Gold could not be restored from the lake ({e.Problem}); it was rebuilt from silver and published as a new build.";
                LogHealing(e.Problem);
                rebuild = true;
            }
        }

        var (commits, fingerprint) = await PublishedSilverAsync(ct);
        if (!rebuild && pointer is not null && StarSchemaBuilder.ReadFingerprint(gold.DatabasePath) == fingerprint)
        {
            if (await restorer.FindMissingAsync(pointer, ct) is not { } missing)
            {
                LogCurrent();
                return null;
            }

            warning = $"The lake's gold build {pointer.BuildId} lacks {missing} (deleted?); it is published again as a new build.";
            LogRepublishing(pointer.BuildId, missing);
        }

        await SilverPromotion.EnsurePromotedAsync(store, commits, ct);

        var cache = Path.Combine(options.ResolveWorkDirectory(), "gold");
        var commitsByFile = commits.SelectMany(c => c.Files.Select(f => (f.Key, Commit: c.LandingRunId + "/" + c.Partition)))
            .GroupBy(f => f.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Commit, StringComparer.Ordinal);
        try
        {
            var files = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            var identities = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var table in commits.SelectMany(c => c.Files).GroupBy(f => f.Table, StringComparer.Ordinal))
            {
                var paths = new List<string>();
                foreach (var file in table.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    var local = await LocalCopyAsync(ObjectKey.Parse(file.Key), cache, ct);
                    paths.Add(local);

                    // A transform writes a file's key again only when it transforms the same bronze again.
                    identities[local] = string.Create(CultureInfo.InvariantCulture, $"{file.Key}\t{file.Rows}\t{commitsByFile[file.Key]}");
                }

                files[table.Key] = paths;
            }

            var runs = await RunRowsAsync(ct);
            var ddl = catalog.Silver.AllSchemasSql();
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(gold.DatabasePath))!);
            LogBuilding(gold.DatabasePath, commits.Count);
            var build = GoldBuildId.Next(time, pointer);
            await using var staged = await builder.StageAsync(gold.DatabasePath, files, ddl, runs, fingerprint, build, ct, rebuild, identities);
            await publisher.PublishAsync(staged, build.BuiltAt, fingerprint, ct);
            await staged.SwitchAsync(ct);
            return staged.Result with { BuildId = staged.BuildId, Warning = warning };
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    private async Task<string> LocalCopyAsync(ObjectKey key, string cache, CancellationToken ct)
    {
        var local = store.LocalPathOf(key);
        if (local is not null)
        {
            return local;
        }

        local = Path.Combine(cache, key.Value.Replace('/', Path.DirectorySeparatorChar));
        await store.DownloadToFileAsync(key, local, ct);
        return local;
    }

    private async Task<(IReadOnlyList<SilverCommit> Commits, string Fingerprint)> PublishedSilverAsync(CancellationToken ct)
    {
        var commits = new List<SilverCommit>();
        var text = new StringBuilder();
        foreach (var source in SilverSources)
        {
            foreach (var marker in (await store.ListAllAsync(LakeKeys.SilverCommitPrefix(source), ct)).Where(m => LakeKeys.IsSilverCommit(m.Key)))
            {
                var commit = await LakeJson.ReadAsync<SilverCommit>(store, marker.Key, ct);
                if (commit is null)
                {
                    continue;
                }

                commits.Add(commit);
                text.Append(marker.Key.Value).Append('\n');
                foreach (var file in commit.Files)
                {
                    text.Append('\t').Append(file.Key).Append('\t').Append(file.Rows).Append('\n');
                }
            }
        }

        return (commits, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
    }

    private async Task<IReadOnlyList<GoldRunRow>> RunRowsAsync(CancellationToken ct)
    {
        var rows = new List<GoldRunRow>();
        foreach (var info in await store.ListAllAsync(LakeKeys.RunRecordPrefix, ct))
        {
            var run = await LakeJson.ReadOrForgetAsync<RunRecord>(store, info.Key, LogRecordUnreadable, "meta_run leaves that run out", ct);
            if (run is null)
            {
                continue;
            }

            rows.Add(new GoldRunRow(
                run.RunId,
                run.StartedAt,
                run.FinishedAt,
                run.Status.ToString().ToLowerInvariant(),
                run.Trigger,
                run.ApiCalls,
                run.Datasets.Sum(d => d.ObjectsLanded),
                run.Datasets.Sum(d => d.ObjectsUnchanged),
                run.Datasets.Sum(d => d.RowsTransformed),
                run.Datasets.Sum(d => d.RowsQuarantined),
                run.DurationMs,
                run.EarlyExit,
                run.GoldError ?? run.Datasets.FirstOrDefault(d => d.Status == DatasetStatus.Failed)?.Message));
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private partial void LogRecordUnreadable(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building gold in {GoldPath} from {Commits} silver commits")]
    private partial void LogBuilding(string goldPath, int commits);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gold is current: silver has not changed since it was built")]
    private partial void LogCurrent();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gold cannot be restored from the lake: {Reason}. Building gold from silver alone instead, which publishes a new build")]
    private partial void LogHealing(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lake's gold build {BuildId} lacks {Missing}; publishing the local gold again as a new build")]
    private partial void LogRepublishing(string buildId, string missing);
}
