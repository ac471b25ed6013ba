using System.Text.Json;
using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Gold;

/// <summary>
/// Brings a node's local gold to the lake's current build (<c>gold/current.json</c>) by downloading the build's DuckDB
/// file, so that any node (or a laptop with the bucket's credentials) can serve <c>query</c>, <c>status</c> and
/// incremental builds without calling an API or building anything. The download goes to a work file beside the gold
/// file, is checked against the pointer, and is renamed into place (<see cref="LocalGold"/>).
/// </summary>
internal sealed partial class GoldRestorer(IObjectStore store, GoldOptions gold, ILogger<GoldRestorer> logger)
{
    // A reader may read the pointer just before a publish moves it and removes the build it named (KeepBuilds = 1).
    private const int Attempts = 3;

    /// <summary>The lake's current gold build, or null when nothing was published yet.</summary>
    /// <exception cref="GoldRestoreException">The pointer cannot be read as one.</exception>
    public async Task<GoldPointer?> ReadPointerAsync(CancellationToken ct)
    {
        GoldPointer? pointer;
        try
        {
            pointer = await LakeJson.ReadAsync<GoldPointer>(store, LakeKeys.GoldPointer, ct);
        }
        catch (LakeStateException e) when (e.InnerException is JsonException)
        {
            throw Broken($"{LakeKeys.GoldPointer} in {store.Describe} is not a gold pointer ({e.InnerException.Message})", e);
        }

        if (pointer is not null && GoldBuildId.FindProblem(pointer) is { } problem)
        {
            throw Broken($"{LakeKeys.GoldPointer} in {store.Describe} is not a valid gold pointer: {problem}");
        }

        return pointer;
    }

    /// <summary>
    /// Makes the local gold the lake's current build when it is another one (older, missing, or built before builds
    /// had ids); does nothing when the lake has published none.
    /// </summary>
    /// <returns>The lake's current build (null when none), and whether the local gold was replaced by it.</returns>
    /// <exception cref="GoldRestoreException">The pointer is damaged, or names a build whose files are gone or damaged.</exception>
    /// <exception cref="ObjectStoreException">The lake could not be read.</exception>
    public async Task<(GoldPointer? Pointer, bool Restored)> EnsureCurrentAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pointer = await ReadPointerAsync(ct);
            if (pointer is null)
            {
                return (null, false);
            }

            var local = LocalGold.ReadBuild(gold.DatabasePath);
            if (local?.BuildId == pointer.BuildId)
            {
                return (pointer, false);
            }

            var download = LocalGold.NewRestorePath(gold.DatabasePath);
            try
            {
                LogRestoring(pointer.BuildId, store.Describe, local?.BuildId ?? "none");
                try
                {
                    await store.DownloadToFileAsync(ObjectKey.Parse(pointer.Database.Key), download, ct);
                }
                catch (ObjectNotFoundException e)
                {
                    if (attempt < Attempts && (await ReadPointerAsync(ct))?.BuildId != pointer.BuildId)
                    {
                        continue;
                    }

                    throw Broken($"{LakeKeys.GoldPointer} names gold build {pointer.BuildId}, but {pointer.Database.Key} is not in {store.Describe} (deleted?)", e);
                }

                var size = new FileInfo(download).Length;
                var downloaded = LocalGold.ReadBuild(download);
                if (size != pointer.Database.Bytes || downloaded?.BuildId != pointer.BuildId)
                {
                    throw Broken(
                        $"the gold build {pointer.BuildId} in {store.Describe} is damaged: {pointer.Database.Key} has {size} bytes and " +
                        $"holds build {downloaded?.BuildId ?? "none"}, where {LakeKeys.GoldPointer} says {pointer.Database.Bytes} bytes of build {pointer.BuildId}");
                }

                // A build that switched its own gold in meanwhile is newer than this download: keep it.
                var restored = await LocalGold.SwitchAsync(download, gold.DatabasePath, ct, now => now?.BuildId == local?.BuildId);
                if (restored)
                {
                    LogRestored(pointer.BuildId, gold.DatabasePath, size);
                }

                return (pointer, restored);
            }
            finally
            {
                LocalGold.DeleteWorkFile(download);
            }
        }
    }

    /// <summary>
    /// Before <c>query</c> or <c>status</c> read the local gold: restores the lake's current build when the local gold
    /// is another one. When the lake cannot give it (unreachable, or its pointer is broken) but a local gold exists,
    /// says so in a warning and leaves the local gold to be read.
    /// </summary>
    /// <exception cref="GoldRestoreException">There is no local gold, and the lake's pointer is broken.</exception>
    /// <exception cref="ObjectStoreException">There is no local gold, and the lake could not be read.</exception>
    public async Task PrepareForReadingAsync(CancellationToken ct)
    {
        try
        {
            await EnsureCurrentAsync(ct);
        }
        catch (GoldRestoreException e) when (File.Exists(gold.DatabasePath))
        {
            LogReadingLocal(e.Message);
        }
        catch (ObjectStoreException e) when (File.Exists(gold.DatabasePath))
        {
            LogReadingLocal(e.Message);
        }
    }

    /// <summary>
    /// The first object of <paramref name="pointer"/>'s build that is not in the lake (deleted by hand, say), or null
    /// when the build is whole; one listing.
    /// </summary>
    public async Task<string?> FindMissingAsync(GoldPointer pointer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var present = (await store.ListAllAsync(LakeKeys.GoldBuildPrefix(pointer.BuildId), ct)).Select(o => o.Key.Value).ToHashSet(StringComparer.Ordinal);
        return pointer.Keys.Append(LakeKeys.GoldBuildManifest(pointer.BuildId).Value).FirstOrDefault(k => !present.Contains(k));
    }

    private static GoldRestoreException Broken(string problem, Exception? inner = null) => new(problem, inner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restoring gold build {BuildId} from {Store} (the local gold is build {LocalBuildId})")]
    private partial void LogRestoring(string buildId, string store, string localBuildId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored gold build {BuildId} into {GoldPath} ({Bytes} bytes)")]
    private partial void LogRestored(string buildId, string goldPath, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the local gold, which may be older than the lake's: {Reason}")]
    private partial void LogReadingLocal(string reason);
}

/// <summary>
/// The lake's current gold build cannot be restored: its pointer is damaged, or names files that are gone or damaged.
/// The message names the fix (<c>lakehouse model --rebuild</c>, which publishes a new build).
/// </summary>
internal sealed class GoldRestoreException(string problem, Exception? inner = null)
    : LakehouseException($"Gold cannot be restored from the lake: {problem}. Rebuild gold from silver, which publishes it again: lakehouse model --rebuild", inner)
{
    public override LakehouseStage Stage => LakehouseStage.Model;

    /// <summary>What is wrong, without the fix.</summary>
    public string Problem { get; } = problem;
}
