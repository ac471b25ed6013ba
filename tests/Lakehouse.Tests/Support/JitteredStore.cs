using System.Runtime.CompilerServices;
using Lakehouse.Storage;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A real store whose every call first waits a random moment (up to <paramref name="maxDelay"/>): contenders'
/// requests then interleave in many more orders than on an idle loopback, which is what a protocol like the lake's
/// leases must survive. A fake around a real store, not a mock: everything it stores is really stored.
/// </summary>
internal sealed class JitteredStore(IObjectStore inner, int seed, TimeSpan maxDelay) : IObjectStore
{
    private readonly Random random = new(seed);
    private readonly Lock gate = new();

    public string Describe => inner.Describe;

    public async Task PutAsync(ObjectKey key, Stream content, CancellationToken ct)
    {
        await JitterAsync(ct);
        await inner.PutAsync(key, content, ct);
    }

    public async Task PutFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        await JitterAsync(ct);
        await inner.PutFileAsync(key, localPath, ct);
    }

    public async Task<Stream> OpenReadAsync(ObjectKey key, CancellationToken ct)
    {
        await JitterAsync(ct);
        return await inner.OpenReadAsync(key, ct);
    }

    public async Task DownloadToFileAsync(ObjectKey key, string localPath, CancellationToken ct)
    {
        await JitterAsync(ct);
        await inner.DownloadToFileAsync(key, localPath, ct);
    }

    public async Task<bool> ExistsAsync(ObjectKey key, CancellationToken ct)
    {
        await JitterAsync(ct);
        return await inner.ExistsAsync(key, ct);
    }

    public async Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken ct)
    {
        await JitterAsync(ct);
        return await inner.GetInfoAsync(key, ct);
    }

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => ListJitteredAsync(prefix, ct);

    public string? LocalPathOf(ObjectKey key) => inner.LocalPathOf(key);

    public async Task DeleteAsync(ObjectKey key, CancellationToken ct)
    {
        await JitterAsync(ct);
        await inner.DeleteAsync(key, ct);
    }

    public async Task MoveAsync(ObjectKey source, ObjectKey target, CancellationToken ct)
    {
        await JitterAsync(ct);
        await inner.MoveAsync(source, target, ct);
    }

    private async IAsyncEnumerable<ObjectInfo> ListJitteredAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await JitterAsync(ct);
        await foreach (var info in inner.ListAsync(prefix, ct))
        {
            yield return info;
        }
    }

    private Task JitterAsync(CancellationToken ct)
    {
        int milliseconds;
        lock (gate)
        {
            milliseconds = random.Next((int)maxDelay.TotalMilliseconds + 1);
        }

        return Task.Delay(milliseconds, ct);
    }
}
