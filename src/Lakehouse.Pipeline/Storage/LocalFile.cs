namespace Lakehouse.Storage;

/// <summary>Writing a local file so that nobody ever sees it half-written.</summary>
internal static class LocalFile
{
    /// <summary>
    /// Writes through a temp file in the target's folder (same file system, so the rename is atomic), forces it to
    /// disk, then renames it over <paramref name="path"/>. A reader sees the old file or the new one; a crash leaves
    /// at most a <see cref="ObjectKey.ReservedTempMarker"/> file, which listings skip.
    /// </summary>
    /// <remarks>
    /// The rename itself is durable only once the folder is synced too, which .NET cannot do portably; after a power
    /// loss the file may be the old version, but never a torn one.
    /// </remarks>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="ct">Cancels the write; the old file stays.</param>
    /// <param name="beforePublish">Called just before the rename; throwing from it keeps the old file.</param>
    public static async Task WriteAtomicallyAsync(
        string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct, Action? beforePublish = null)
    {
        var folder = Path.GetDirectoryName(path) ?? throw new ArgumentException($"\"{path}\" has no folder.", nameof(path));
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, ObjectKey.ReservedTempMarker + Guid.NewGuid().ToString("N"));
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 81920, FileOptions.Asynchronous);
            await using (stream)
            {
                await write(stream, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            beforePublish?.Invoke();
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless, listings skip it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
