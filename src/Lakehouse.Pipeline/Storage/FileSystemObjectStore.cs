using System.IO.Enumeration;
using System.Runtime.CompilerServices;

namespace Lakehouse.Storage;

/// <summary>
/// The embedded default: the lake is a folder (<c>lake/</c>), one file per object, keys mapped to relative paths.
/// Needs no server, and a copy of the folder is a copy of the lake.
/// </summary>
/// <remarks>
/// Writes go to a temp file beside the target and are renamed over it, so readers (another process querying the lake,
/// a concurrent transform) see whole objects only, and a crash leaves at most a temp file that listings ignore.
/// Empty folders left by deletes are kept: removing them would race with a concurrent put into the same folder, and
/// listings never return folders anyway.
/// The store stays inside its root: keys cannot name a path outside it (<see cref="ObjectKey"/>), no read, write or
/// listing follows a symbolic link below the root (a linked folder or object is an error naming it), and a root that
/// is a file system's root or a system folder is refused at start. The root itself may be a link (a lake moved to
/// another disk).
/// </remarks>
internal sealed class FileSystemObjectStore : IObjectStore
{
    private readonly string rootWithSeparator;

    /// <param name="root">The lake folder; created on the first write if missing.</param>
    /// <exception cref="ArgumentException">The root is a file system's root or a system folder (see <see cref="FindRootProblem"/>).</exception>
    public FileSystemObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (FindRootProblem(Root) is { } problem)
        {
            throw new ArgumentException($"The lake folder {Root} is refused: {problem}", nameof(root));
        }

        rootWithSeparator = Path.EndsInDirectorySeparator(Root) ? Root : Root + Path.DirectorySeparatorChar;
    }

    /// <summary>
    /// Why <paramref name="root"/> cannot be a lake folder, or null when it can. The lake writes <c>bronze/</c>,
    /// <c>silver/</c>, <c>gold/</c> and <c>_meta/</c> straight into its root and lists everything below it, so a file
    /// system's root, a system folder or a home folder itself is refused (a folder of its own below one is fine). A
    /// root that is a link is judged by where it points too.
    /// </summary>
    public static string? FindRootProblem(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var candidates = new List<string> { full };
        try
        {
            if (Directory.ResolveLinkTarget(full, returnFinalTarget: true) is { } target)
            {
                candidates.Add(Path.TrimEndingDirectorySeparator(target.FullName));
            }
        }
        catch (IOException)
        {
            // A link that cannot be resolved fails at the first write, naming itself.
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Length <= 1
                || (Path.GetPathRoot(candidate) is { } fsRoot && string.Equals(Path.TrimEndingDirectorySeparator(fsRoot), candidate, PathComparison)))
            {
                return $"{candidate} is the root of a file system. Give the lake a folder of its own, e.g. \"lake\" or /srv/lakehouse.";
            }

            if (SystemFolders.Value.Contains(candidate))
            {
                return $"{candidate} is a system folder (or a home folder itself). Give the lake a folder of its own below it, e.g. {Path.Join(candidate, "lakehouse")}.";
            }
        }

        return null;
    }

    /// <summary>The lake folder, as a full path.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Describe => $"folder {Root}";

    /// <inheritdoc />
    /// <remarks>Checked like a read: DuckDB opens the path itself, and must not be led out of the lake by a link.</remarks>
    public string? LocalPathOf(ObjectKey key) => ResolveInside("LocalPath", key);

    /// <inheritdoc />
    public async Task PutAsync(ObjectKey key, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = ResolveInside("Put", key);

        // A failure to read the caller's stream (a dropped HTTP response) is the caller's to see as it is, not a
        // failure of the store, so the copy notes which side failed.
        var sourceFailed = false;
        try
        {
            await LocalFile.WriteAtomicallyAsync(path, async (target, c) =>
            {
                var buffer = new byte[81920];
                while (true)
                {
                    int read;
                    try
                    {
                        read = await content.ReadAsync(buffer, c);
                    }
                    catch
                    {
                        sourceFailed = true;
                        throw;
                    }

                    if (read == 0)
                    {
                        return;
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), c);
                }
            }, ct, WriteFence.Check);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && !sourceFailed)
        {
            throw WriteFailed("Put", key, path, e);
        }
    }

    /// <inheritdoc />
    public async Task PutFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        var path = ResolveInside("PutFile", key);
        FileStream source;
        try
        {
            source = OpenShared(localPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not read local file {localPath} to store it as \"{key}\" in {Describe}: {e.Message}",
                "PutFile", key.Value, isTransient: false, e);
        }

        await using (source)
        {
            try
            {
                await LocalFile.WriteAtomicallyAsync(path, source.CopyToAsync, ct, WriteFence.Check);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw WriteFailed("PutFile", key, path, e);
            }
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(ObjectKey key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult<Stream>(OpenObject("OpenRead", key));
    }

    /// <inheritdoc />
    public async Task DownloadToFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        ct.ThrowIfCancellationRequested();

        // Opened before the target is touched, so a missing object leaves localPath as it was.
        await using var source = OpenObject("Download", key);
        try
        {
            await LocalFile.WriteAtomicallyAsync(Path.GetFullPath(localPath), source.CopyToAsync, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not copy object \"{key}\" from {Describe} to local file {localPath}: {e.Message}",
                "Download", key.Value, isTransient: false, e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(ObjectKey key, CancellationToken ct) => await GetInfoAsync(key, ct) is not null;

    /// <inheritdoc />
    public Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var file = new FileInfo(ResolveInside("GetInfo", key));

        // FileInfo.Exists is false for a folder, which is what a key that is only a prefix of other keys maps to.
        return Task.FromResult(file.Exists ? new ObjectInfo(key, file.Length, ToUtc(file.LastWriteTimeUtc)) : null);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct)
    {
        // Validated here rather than inside the iterator, so a bad prefix fails at the call, not at the first MoveNext.
        ObjectKey.ValidatePrefix(prefix);
        return ListValidatedAsync(prefix, ct);
    }

    /// <inheritdoc />
    public Task DeleteAsync(ObjectKey key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var path = ResolveInside("Delete", key);
        try
        {
            if (File.Exists(path))
            {
                WriteFence.Check();
                File.Delete(path);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Deleted concurrently along with its folder: the outcome asked for.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed("Delete", key, path, e);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>A rename within the lake folder: atomic, and a reader that has the old target open keeps reading it.</remarks>
    public Task MoveAsync(ObjectKey source, ObjectKey target, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var from = ResolveInside("Move", source);
        var to = ResolveInside("Move", target);
        if (!File.Exists(from))
        {
            throw new ObjectNotFoundException(Describe, "Move", source.Value, new FileNotFoundException(null, from));
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            WriteFence.Check();
            File.Move(from, to, overwrite: true);
        }
        catch (FileNotFoundException e)
        {
            // Moved or deleted concurrently, after the check above.
            throw new ObjectNotFoundException(Describe, "Move", source.Value, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed("Move", target, to, e);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The file for <paramref name="key"/>. Keys are validated to stay inside the root already; this checks the
    /// resolved path again, so that a future change to the key rules cannot turn into a write outside the lake.
    /// </summary>
    internal string PathFor(ObjectKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = Path.GetFullPath(Path.Join(Root, key.Value.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new InvalidObjectKeyException(key.Value, $"it resolves to {path}, outside the lake folder {Root}");
        }

        return path;
    }

    /// <summary>
    /// <see cref="PathFor"/>, refusing a path that passes through a symbolic link below the root: a linked folder or
    /// object could lead a read or a write anywhere on the machine.
    /// </summary>
    /// <exception cref="ObjectStoreException">A folder on the way, or the object itself, is a link; the message names it.</exception>
    private string ResolveInside(string operation, ObjectKey key)
    {
        var path = PathFor(key);
        var current = Root;
        foreach (var segment in path[rootWithSeparator.Length..].Split(Path.DirectorySeparatorChar))
        {
            current = Path.Join(current, segment);
            if (new FileInfo(current).LinkTarget is { } target)
            {
                throw LinkRefused(operation, key.Value, current, target);
            }

            if (!Directory.Exists(current))
            {
                // Nothing below a missing folder (or a file) can be a link.
                break;
            }
        }

        return path;
    }

    private ObjectStoreException LinkRefused(string operation, string key, string path, string target) => new(
        $"{path} is a symbolic link (to {target}) inside the lake folder {Root}; the lake does not follow links below " +
        "its root, so that no read or write can leave it. Replace the link with the folder or file itself " +
        "(or link the whole lake folder instead).",
        operation, key, isTransient: false);

    private async IAsyncEnumerable<ObjectInfo> ListValidatedAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        // A folder has no order across its subfolders that matches key order ("a.json" sorts before "a/x.json" but
        // the folder "a" may be enumerated first), so the matches are collected and sorted, off the caller's thread.
        var found = await Task.Run(() => Collect(prefix, ct), ct);
        foreach (var info in found)
        {
            ct.ThrowIfCancellationRequested();
            yield return info;
        }
    }

    private List<ObjectInfo> Collect(string prefix, CancellationToken ct)
    {
        // Only the folder named by the prefix's complete segments can hold matches: "bronze/spa" starts at "bronze/".
        var folderPart = prefix[..(prefix.LastIndexOf('/') + 1)];
        var start = folderPart.Length == 0 ? Root : ResolveInside("List", ObjectKey.Parse(folderPart.TrimEnd('/')));
        var found = new List<ObjectInfo>();
        if (!Directory.Exists(start))
        {
            return found;
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = false,

            // Unix dot-files count as hidden in .NET and would be skipped by default, but ".gitkeep" is a valid key.
            AttributesToSkip = FileAttributes.None,
        };
        var files = new FileSystemEnumerable<(string Path, long Length, DateTimeOffset Modified, bool IsLink)>(
            start,
            (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.Length, entry.LastWriteTimeUtc, (entry.Attributes & FileAttributes.ReparsePoint) != 0),
            options)
        {
            // Links are reported (below), never entered: nothing the store writes is one, and following one could
            // leave the root.
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                ((entry.Attributes & FileAttributes.ReparsePoint) != 0 || !entry.IsDirectory)
                && !entry.FileName.StartsWith(ObjectKey.ReservedTempMarker, StringComparison.Ordinal),
        };

        try
        {
            foreach (var (path, length, modified, isLink) in files)
            {
                ct.ThrowIfCancellationRequested();
                if (isLink)
                {
                    var relativeLink = path[rootWithSeparator.Length..].Replace(Path.DirectorySeparatorChar, '/');
                    if (relativeLink.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(relativeLink + "/", StringComparison.Ordinal))
                    {
                        throw LinkRefused("List", prefix, path, new FileInfo(path).LinkTarget ?? "?");
                    }

                    continue;
                }

                var relative = path[rootWithSeparator.Length..].Replace(Path.DirectorySeparatorChar, '/');

                // Files that are no valid key (put there by hand) are not objects of this lake.
                if (relative.StartsWith(prefix, StringComparison.Ordinal) && ObjectKey.TryParse(relative, out var key))
                {
                    found.Add(new ObjectInfo(key, length, ToUtc(modified)));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not list \"{prefix}\" in {Describe}: {e.Message}", "List", prefix, isTransient: false, e);
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key.Value, b.Key.Value));
        return found;
    }

    private FileStream OpenObject(string operation, ObjectKey key)
    {
        var path = ResolveInside(operation, key);
        try
        {
            return OpenShared(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                                   || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new ObjectNotFoundException(Describe, operation, key.Value, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ObjectStoreException(
                $"Could not read object \"{key}\" from {Describe} ({path}): {e.Message}", operation, key.Value, isTransient: false, e);
        }
    }

    /// <summary>
    /// Shares delete access so that a put can rename a new version over a file that is being read (Windows refuses
    /// otherwise); the reader keeps the old version to its end.
    /// </summary>
    private static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 81920,
            FileOptions.Asynchronous | FileOptions.SequentialScan);

    private ObjectStoreException WriteFailed(string operation, ObjectKey key, string path, Exception e)
    {
        // S3 lets "a" and "a/b" both be objects; a folder cannot hold a file and a folder of the same name. Say so
        // rather than leave the reader with the OS's "not a directory".
        var segments = key.Value.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var ancestor = string.Join('/', segments[..i]);
            if (File.Exists(PathFor(ObjectKey.Parse(ancestor))))
            {
                return new ObjectStoreException(
                    $"Could not write object \"{key}\" in {Describe}: \"{ancestor}\" is an object, and a folder lake " +
                    "cannot hold keys below an object's key. Choose keys that are never a prefix folder of another.",
                    operation, key.Value, isTransient: false, e);
            }
        }

        return new ObjectStoreException(
            $"Could not write object \"{key}\" in {Describe} ({path}): {e.Message} Check that the folder is writable and has space.",
            operation, key.Value, isTransient: false, e);
    }

    private static StringComparison PathComparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>Folders that belong to the system or hold a whole user's files; the lake may live below them, not in them.</summary>
    private static readonly Lazy<HashSet<string>> SystemFolders = new(() =>
    {
        var folders = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var unix in new[]
            {
                "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc",
                "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin",
                "/usr/share", "/var", "/var/lib", "/var/log", "/var/tmp", "/Applications", "/Library", "/System", "/Users", "/Volumes",
                "/private", "/private/tmp", "/private/var",
            })
            {
                folders.Add(unix);
            }
        }

        foreach (var special in new[]
        {
            Environment.SpecialFolder.Windows, Environment.SpecialFolder.System, Environment.SpecialFolder.ProgramFiles,
            Environment.SpecialFolder.ProgramFilesX86, Environment.SpecialFolder.UserProfile, Environment.SpecialFolder.CommonApplicationData,
        })
        {
            if (Environment.GetFolderPath(special) is { Length: > 0 } path)
            {
                folders.Add(Path.TrimEndingDirectorySeparator(path));
            }
        }

        folders.Add(Path.TrimEndingDirectorySeparator(Path.GetTempPath()));
        return folders;
    });

    private static DateTimeOffset ToUtc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeSpan.Zero);

    private static DateTimeOffset ToUtc(DateTimeOffset value) => value.ToUniversalTime();
}
