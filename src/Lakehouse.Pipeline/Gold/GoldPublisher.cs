using System.Diagnostics;
using DuckDB.NET.Data;
using Lakehouse.Configuration;
using Lakehouse.DuckDb;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Gold;

/// <summary>
/// Publishes a gold build to the lake, for other engines and other nodes: each table as Parquet written by DuckDB
/// (<c>gold/builds/{buildId}/{table}/data_0.parquet</c>), the DuckDB file beside them, the build's manifest, and last
/// the pointer <c>gold/current.json</c>. Until the pointer moves, readers see the previous build whole; once it has
/// moved, the new one. Builds beyond the newest <see cref="GoldOptions.KeepBuilds"/> are removed after that.
/// </summary>
/// <remarks>
/// Runs under the lake's gold lease (with the build), so one build publishes at a time; every write goes through the
/// store, which refuses it once the lease is lost. A publish killed half-way leaves a build folder without its
/// manifest and the pointer where it was; the next publish removes that folder.
/// </remarks>
internal sealed partial class GoldPublisher(
    IObjectStore store, GoldOptions gold, PipelineOptions pipeline, ILogger<GoldPublisher> logger)
{
    // Uploads at once: S3 answers each request in tens of milliseconds, and a build is some 30 objects.
    private const int Uploads = 4;

    /// <summary>Exports <paramref name="staged"/> to Parquet, uploads it with its DuckDB file, and moves the pointer to it.</summary>
    /// <returns>The pointer now in the lake.</returns>
    public async Task<GoldPointer> PublishAsync(StagedGold staged, DateTimeOffset builtAt, string silverFingerprint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var clock = Stopwatch.StartNew();
        var folder = Path.Combine(pipeline.ResolveWorkDirectory(), "gold-publish", staged.BuildId);
        try
        {
            // The DuckDB file is final: it uploads while the tables are exported from it (the export only reads it).
            var database = new GoldPublishedFile(LakeKeys.GoldDatabase(staged.BuildId).Value, new FileInfo(staged.Path).Length);
            using var uploading = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var databaseUpload = Task.Run(() => UploadAsync(database.Key, staged.Path, uploading.Token), CancellationToken.None);
            List<ExportedFile> files;
            long exportMs;
            try
            {
                LogExporting(staged.BuildId, staged.Result.RowsPerTable.Count);
                files = Export(staged, folder, ct);
                exportMs = clock.ElapsedMilliseconds;
                await Parallel.ForEachAsync(
                    files,
                    new ParallelOptions { MaxDegreeOfParallelism = Uploads, CancellationToken = ct },
                    async (file, c) => await UploadAsync(file.Key, file.LocalPath, c));
                await databaseUpload;
            }
            catch
            {
                // The caller deletes the staged file next: the upload still reading it stops first.
                await uploading.CancelAsync();
                await databaseUpload.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }

            var pointer = new GoldPointer
            {
                BuildId = staged.BuildId,
                BuiltAt = builtAt,
                SilverFingerprint = silverFingerprint,
                Database = database,
                Tables = [.. files
                    .GroupBy(f => f.Table, StringComparer.Ordinal)
                    .OrderBy(t => t.Key, StringComparer.Ordinal)
                    .Select(t => new GoldPublishedTable(
                        t.Key,
                        staged.Result.RowsPerTable[t.Key],
                        LakeKeys.GoldTablePrefix(staged.BuildId, t.Key),
                        [.. t.Select(f => new GoldPublishedFile(f.Key, f.Bytes))]))],
            };

            // The manifest marks the build folder complete; the pointer, written last, makes it the current build.
            await LakeJson.WriteAsync(store, LakeKeys.GoldBuildManifest(staged.BuildId), pointer, ct);
            await LakeJson.WriteAsync(store, LakeKeys.GoldPointer, pointer, ct);
            var bytes = files.Sum(f => f.Bytes) + database.Bytes;
            LogPublished(staged.BuildId, store.Describe, pointer.Tables.Count, bytes, exportMs, clock.ElapsedMilliseconds);

            await PruneAsync(pointer, ct);
            return pointer;
        }
        finally
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWorkFolderLeft(e, folder);
            }
        }
    }

    /// <summary>
    /// Removes the builds beyond the newest <see cref="GoldOptions.KeepBuilds"/> complete ones (never the current one),
    /// and the folders of publishes that never finished. Best effort: the pointer has moved already, and the next
    /// publish tries again.
    /// </summary>
    private async Task UploadAsync(string key, string localPath, CancellationToken ct)
    {
        await store.PutFileAsync(ObjectKey.Parse(key), localPath, ct);
        LogUploaded(key);
    }

    private async Task PruneAsync(GoldPointer current, CancellationToken ct)
    {
        try
        {
            var builds = (await store.ListAllAsync(LakeKeys.GoldBuildsPrefix, ct))
                .Select(o => (Build: LakeKeys.GoldBuildIdOf(o.Key), o.Key))
                .Where(o => o.Build is not null)
                .GroupBy(o => o.Build!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(o => o.Key).ToList(), StringComparer.Ordinal);
            var complete = builds.Where(b => b.Value.Contains(LakeKeys.GoldBuildManifest(b.Key))).Select(b => b.Key).ToList();
            var keep = complete.OrderDescending(StringComparer.Ordinal).Take(gold.KeepBuilds).Append(current.BuildId).ToHashSet(StringComparer.Ordinal);

            // An unfinished folder newer than the current build could only be a publish under way elsewhere; none
            // should be (the gold lease), but it is not this publish's to remove.
            var remove = builds.Keys
                .Where(b => !keep.Contains(b) && (complete.Contains(b) || string.CompareOrdinal(b, current.BuildId) < 0))
                .Order(StringComparer.Ordinal)
                .ToList();
            foreach (var build in remove)
            {
                // The manifest first: a build removed half-way reads as unfinished, and the next publish finishes it.
                var keys = builds[build].OrderBy(k => k == LakeKeys.GoldBuildManifest(build) ? 0 : 1).ToList();
                foreach (var key in keys)
                {
                    await store.DeleteAsync(key, ct);
                }

                LogRemoved(build, gold.KeepBuilds);
            }
        }
        catch (ObjectStoreException e)
        {
            LogPruneFailed(e, e.Message);
        }
    }

    /// <summary>Every table of the build as Parquet in <paramref name="folder"/>, written by DuckDB from the build's file.</summary>
    private static List<ExportedFile> Export(StagedGold staged, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var files = new List<ExportedFile>();
        using var connection = DuckDbConnections.OpenFile(staged.Path, readOnly: true);
        foreach (var table in staged.Result.RowsPerTable.Keys.Order(StringComparer.Ordinal))
        {
            var key = LakeKeys.GoldTableFile(staged.BuildId, table, 0);
            var local = Path.Combine(folder, table, key.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            try
            {
                connection.Execute($"COPY {SqlText.Identifier(table)} TO {SqlText.Literal(local)} (FORMAT parquet, COMPRESSION zstd)", ct);
            }
            catch (DuckDBException e) when (!ct.IsCancellationRequested)
            {
                throw new GoldBuildException($"The gold table {table} could not be exported to Parquet: {e.Message}", table, e);
            }

            files.Add(new ExportedFile(table, key.Value, local, new FileInfo(local).Length));
        }

        return files;
    }

    private sealed record ExportedFile(string Table, string Key, string LocalPath, long Bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exporting gold build {BuildId}: {Tables} tables to Parquet")]
    private partial void LogExporting(string buildId, int tables);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Published gold build {BuildId} to {Store}: {Tables} tables, {Bytes} bytes (export {ExportMs} ms, in all {ElapsedMs} ms)")]
    private partial void LogPublished(string buildId, string store, int tables, long bytes, long exportMs, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Uploaded gold object {Key}")]
    private partial void LogUploaded(string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed gold build {BuildId} from the lake (keeping the newest {Keep})")]
    private partial void LogRemoved(string buildId, int keep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old gold builds could not be removed from the lake; the next publish tries again: {Reason}")]
    private partial void LogPruneFailed(Exception e, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The work folder {Folder} could not be removed")]
    private partial void LogWorkFolderLeft(Exception e, string folder);
}
