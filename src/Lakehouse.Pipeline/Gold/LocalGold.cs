using System.Globalization;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;
using Lakehouse.Storage;

namespace Lakehouse.Gold;

/// <summary>
/// The node's own gold DuckDB file (<c>Lakehouse:Gold:DatabasePath</c>) and how it is replaced: a build or a restore
/// writes a whole new file beside it and renames it over the path. A reader that opened the old file keeps its
/// descriptor on the old inode and finishes with the old data; whoever opens the path afterwards gets the new one.
/// So readers never hold up a build, and a build never waits for readers.
/// </summary>
/// <remarks>
/// Work files are named <c>.tmp-{file}.build-{id}</c> and <c>.tmp-{file}.restore-{id}</c> in the same folder (one
/// file system, so the rename is atomic; the <c>.tmp-</c> prefix keeps them out of the folder store's listings when the
/// gold file lies inside the lake folder, as by default). DuckDB keeps its write-ahead log beside a database as
/// <c>{file}.wal</c>, so a file is only ever renamed into place checkpointed, with no log of its own, and a log left
/// beside the old file (by a build of an older version, killed in place) is removed first: it belongs to the old file.
/// </remarks>
internal static class LocalGold
{
    private const string WalSuffix = ".wal";

    /// <summary>How long a restore's leftover may be another process's download under way.</summary>
    private static readonly TimeSpan RestoreLeftoverAge = TimeSpan.FromHours(1);

    /// <summary>A new, unused path for building the next gold beside <paramref name="goldPath"/>.</summary>
    public static string NewBuildPath(string goldPath) => WorkPath(goldPath, "build");

    /// <summary>A new, unused path for downloading a gold build beside <paramref name="goldPath"/>.</summary>
    public static string NewRestorePath(string goldPath) => WorkPath(goldPath, "restore");

    /// <summary>
    /// Starts a build's file from the current gold: a copy of it (and of a write-ahead log beside it, which DuckDB then
    /// replays into the copy). Readers of the current file are not disturbed: they only read it.
    /// </summary>
    public static void CopyForBuild(string goldPath, string buildPath)
    {
        File.Copy(goldPath, buildPath, overwrite: false);
        if (File.Exists(goldPath + WalSuffix))
        {
            File.Copy(goldPath + WalSuffix, buildPath + WalSuffix, overwrite: false);
        }
    }

    /// <summary>
    /// Makes <paramref name="newFile"/> (closed, checkpointed) the gold at <paramref name="goldPath"/>, atomically.
    /// With <paramref name="onlyIfStill"/>, only while the current gold is still that build (a restore must not undo a
    /// build that switched in meanwhile); returns whether it switched.
    /// </summary>
    /// <exception cref="GoldBuildException">The new file still has a write-ahead log: its last transaction is not in it.</exception>
    public static async Task<bool> SwitchAsync(string newFile, string goldPath, CancellationToken ct, Func<LocalGoldBuild?, bool>? onlyIfStill = null)
    {
        if (File.Exists(newFile + WalSuffix))
        {
            throw new GoldBuildException(
                $"The new gold {newFile} was not checkpointed (its write-ahead log is still beside it), so it is not published. Run again.");
        }

        await using var guard = await SwitchGuard.TakeAsync(goldPath, ct);
        if (onlyIfStill is not null && !onlyIfStill(ReadBuild(goldPath)))
        {
            return false;
        }

        Delete(goldPath + WalSuffix);
        File.Move(newFile, goldPath, overwrite: true);
        return true;
    }

    /// <summary>
    /// Removes what killed builds left beside <paramref name="goldPath"/> (their files, logs and spill folders), and
    /// restores' downloads older than an hour. Called by a build, which holds the lake's gold lease, so no other build
    /// of this lake is under way.
    /// </summary>
    public static void DeleteLeftovers(string goldPath, string? keep, TimeProvider time)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(goldPath))!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        var name = Path.GetFileName(goldPath);
        var builds = $"{ObjectKey.ReservedTempMarker}{name}.build-";
        var restores = $"{ObjectKey.ReservedTempMarker}{name}.restore-";
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos($"{ObjectKey.ReservedTempMarker}{name}.*"))
        {
            var old = entry.Name.StartsWith(builds, StringComparison.Ordinal)
                || (entry.Name.StartsWith(restores, StringComparison.Ordinal) && time.GetUtcNow() - entry.LastWriteTimeUtc > RestoreLeftoverAge);
            if (!old || (keep is not null && entry.FullName.StartsWith(keep, StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the next build tries again.
            }
        }
    }

    /// <summary>Deletes a work file and DuckDB's files beside it (its log, its spill folder); best effort.</summary>
    public static void DeleteWorkFile(string path)
    {
        Delete(path);
        Delete(path + WalSuffix);
        try
        {
            if (Directory.Exists(path + ".tmp"))
            {
                Directory.Delete(path + ".tmp", recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover is removed by the next build.
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> starts like a DuckDB database: its header is an 8-byte checksum followed by the
    /// magic <c>DUCK</c>. A file that does not (truncated to nothing, overwritten, another program's) cannot be the
    /// start of a build.
    /// </summary>
    public static bool IsDuckDbFile(string path)
    {
        Span<byte> header = stackalloc byte[12];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header[8..].SequenceEqual("DUCK"u8);
    }

    /// <summary>
    /// Moves a damaged gold file (and a log beside it) out of the way, keeping it for whoever wants to look, and returns
    /// where it went: <c>.tmp-{file}.damaged-{time}</c> beside it, which lake listings skip. Gold is derived from
    /// silver, so nothing is lost: the caller builds a new one.
    /// </summary>
    public static string MoveAside(string goldPath, TimeProvider time)
    {
        var full = Path.GetFullPath(goldPath);
        var aside = Path.Combine(
            Path.GetDirectoryName(full)!,
            string.Create(CultureInfo.InvariantCulture, $"{ObjectKey.ReservedTempMarker}{Path.GetFileName(full)}.damaged-{time.GetUtcNow():yyyyMMddTHHmmssfff}"));
        File.Move(full, aside, overwrite: true);
        Delete(full + WalSuffix);
        return aside;
    }

    /// <summary>Which build the gold file at <paramref name="path"/> holds; null when there is no readable gold there.</summary>
    public static LocalGoldBuild? ReadBuild(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            return null;
        }

        try
        {
            using var connection = DuckDbConnections.OpenFile(fullPath, readOnly: true);
            var columns = connection.Query(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'meta_build'",
                r => r.GetString(0));
            if (columns.Count == 0)
            {
                return new LocalGoldBuild(null, null);
            }

            // Gold built before builds had ids has no build_id: it counts as no build of the lake's.
            var buildId = columns.Contains("build_id") ? "build_id" : "NULL";
            return connection.Query(
                $"SELECT {buildId}, silver_fingerprint FROM meta_build",
                r => new LocalGoldBuild(r.IsDBNull(0) || r.GetString(0).Length == 0 ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)))
                .FirstOrDefault() ?? new LocalGoldBuild(null, null);
        }
        catch (DuckDBException)
        {
            // Damaged, or not a database: as good as none; a restore or a build replaces it.
            return new LocalGoldBuild(null, null);
        }
    }

    private static string WorkPath(string goldPath, string kind)
    {
        var full = Path.GetFullPath(goldPath);
        return Path.Combine(
            Path.GetDirectoryName(full)!,
            string.Create(CultureInfo.InvariantCulture, $"{ObjectKey.ReservedTempMarker}{Path.GetFileName(full)}.{kind}-{Guid.NewGuid():N}"));
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover is removed by the next build.
        }
    }

    /// <summary>
    /// Serialises switches of one gold file between the processes of this machine (a build and a restore for
    /// <c>query</c>), with an exclusive lock on a file beside it; .NET takes it with <c>flock</c> and the kernel drops
    /// it when a process dies, so a killed switch never leaves it held.
    /// </summary>
    private sealed class SwitchGuard(FileStream file) : IAsyncDisposable
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

        public static async Task<SwitchGuard> TakeAsync(string goldPath, CancellationToken ct)
        {
            var full = Path.GetFullPath(goldPath);
            var path = Path.Combine(Path.GetDirectoryName(full)!, $"{ObjectKey.ReservedTempMarker}{Path.GetFileName(full)}.lock");
            var started = TimeProvider.System.GetTimestamp();
            while (true)
            {
                try
                {
                    return new SwitchGuard(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < Wait)
                {
                    // Another process is switching this gold in; that takes a rename.
                    await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
                }
            }
        }

        public ValueTask DisposeAsync() => file.DisposeAsync();
    }
}

/// <summary>What a local gold file holds: its build id (null for gold built before builds had ids) and silver fingerprint.</summary>
internal sealed record LocalGoldBuild(string? BuildId, string? SilverFingerprint);
