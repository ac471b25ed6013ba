using System.Security.Cryptography;
using Lakehouse.Lake;
using Lakehouse.Storage;

namespace Lakehouse.Bronze;

/// <summary>
/// Bronze is checked, not trusted: an object is read only after its bytes match its landing manifest (size and
/// SHA-256). A damaged object (cut short, altered, gone) is left out of the transform and recorded in the lake
/// (<see cref="LakeKeys.DamagedBronze"/>), so that the next run fetches its partition again and heals silver and gold.
/// </summary>
internal sealed class BronzeVerifier(IObjectStore store)
{
    /// <summary>Whether the stored object at <paramref name="key"/> holds exactly the bytes a manifest describes.</summary>
    public async Task<bool> IsIntactAsync(ObjectKey key, string sha256, long size, CancellationToken ct)
    {
        var info = await store.GetInfoAsync(key, ct);
        if (info is null || info.Size != size)
        {
            return false;
        }

        try
        {
            await using var stream = await store.OpenReadAsync(key, ct);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)) == sha256;
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// A local copy of the object <paramref name="entry"/> describes (the store's own file when it has one, else a
    /// download into <paramref name="workFolder"/>), checked against the manifest.
    /// </summary>
    /// <returns>The copy's path, or null and what is wrong with the object.</returns>
    public async Task<(string? LocalPath, string? Problem)> LocalCopyAsync(LandingEntry entry, string workFolder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = ObjectKey.Parse(entry.BronzeKey);
        var local = store.LocalPathOf(key);
        if (local is null)
        {
            local = Path.Combine(workFolder, "bronze", key.Name);
            try
            {
                await store.DownloadToFileAsync(key, local, ct);
            }
            catch (ObjectNotFoundException)
            {
                return (null, "missing from the store");
            }
        }

        var problem = Check(local, entry);
        return problem is null ? (local, null) : (null, problem);
    }

    /// <summary>What is wrong with the file against the manifest; null when it matches.</summary>
    public static string? Check(string localPath, LandingEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!File.Exists(localPath))
        {
            return "missing from the store";
        }

        using var stream = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (stream.Length != entry.Size)
        {
            return $"{stream.Length} bytes where the manifest says {entry.Size}";
        }

        return Convert.ToHexStringLower(SHA256.HashData(stream)) == entry.Sha256 ? null : "its SHA-256 differs from the manifest's";
    }

    /// <summary>Records damaged objects, so the next run fetches their partitions again.</summary>
    public async Task RecordAsync(DatasetName dataset, IReadOnlyList<DamagedObject> damaged, CancellationToken ct)
    {
        if (damaged.Count == 0)
        {
            return;
        }

        var key = LakeKeys.DamagedBronze(dataset);
        var record = await LakeJson.ReadAsync<DamagedBronze>(store, key, ct) ?? new DamagedBronze();
        var objects = record.Objects.Where(o => damaged.All(d => d.BronzeKey != o.BronzeKey)).Concat(damaged).OrderBy(o => o.BronzeKey, StringComparer.Ordinal).ToList();
        await LakeJson.WriteAsync(store, key, record with { Objects = objects }, ct);
    }

    /// <summary>The partitions of <paramref name="dataset"/> that hold a damaged object, in order.</summary>
    public async Task<IReadOnlyList<string>> DamagedPartitionsAsync(DatasetName dataset, CancellationToken ct)
    {
        var record = await LakeJson.ReadAsync<DamagedBronze>(store, LakeKeys.DamagedBronze(dataset), ct);
        return record is null ? [] : [.. record.Objects.Select(o => o.Partition).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Forgets the damage in <paramref name="partitions"/>: they were fetched again in full.</summary>
    public async Task ClearAsync(DatasetName dataset, IReadOnlyCollection<string> partitions, CancellationToken ct)
    {
        var key = LakeKeys.DamagedBronze(dataset);
        var record = await LakeJson.ReadAsync<DamagedBronze>(store, key, ct);
        if (record is null || partitions.Count == 0)
        {
            return;
        }

        var left = record.Objects.Where(o => !partitions.Contains(o.Partition)).ToList();
        if (left.Count == 0)
        {
            await store.DeleteAsync(key, ct);
        }
        else if (left.Count != record.Objects.Count)
        {
            await LakeJson.WriteAsync(store, key, record with { Objects = left }, ct);
        }
    }
}

/// <summary>The damaged bronze objects of one dataset (<see cref="LakeKeys.DamagedBronze"/>).</summary>
internal sealed record DamagedBronze
{
    public IReadOnlyList<DamagedObject> Objects { get; init; } = [];
}

/// <summary>A bronze object that failed its manifest check.</summary>
/// <param name="BronzeKey">The object.</param>
/// <param name="Partition">Its partition, which the next run fetches again.</param>
/// <param name="Problem">What is wrong, e.g. <c>100 bytes where the manifest says 200</c>.</param>
internal sealed record DamagedObject(string BronzeKey, string Partition, string Problem)
{
    public override string ToString() => $"{BronzeKey} ({Problem})";
}
