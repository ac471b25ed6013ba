using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Bronze;

/// <summary>
/// Lands responses: each becomes one immutable bronze object holding the body exactly as received, then its manifest
/// entry, then the dataset's state. A response identical to the last one landed for the same request is not landed
/// again, but only when the object that landing wrote is still intact in the store (checked, not trusted: a damaged
/// object is landed anew). That order is what keeps promise 2: the state (cursor) only ever names objects
/// that are already durable, and a crash in between costs at most one identical re-landing, never a gap.
/// </summary>
internal sealed partial class BronzeLander(IObjectStore store, BronzeVerifier verifier, ILogger<BronzeLander> logger)
{
    // Partitions of one dataset may land side by side (a backfill); the dataset's own state is shared by them.
    private readonly ConcurrentDictionary<DatasetName, SemaphoreSlim> datasetLocks = new();

    /// <summary>Lands one dataset partition's responses as they arrive.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="partition">The partition the responses belong to.</param>
    /// <param name="run">The landing run, which names the objects.</param>
    /// <param name="responses">The source's exchanges for the partition.</param>
    /// <param name="options">Whether the cursor may move, and today's date.</param>
    /// <param name="ct">Stops between objects; what landed stays landed.</param>
    public async Task<LandingResult> LandAsync(
        DatasetName dataset, Partition partition, RunId run, IAsyncEnumerable<SourceExchange> responses, LandingOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(options);
        var stateKey = LakeKeys.PartitionState(dataset, partition.Name);
        var state = await LakeJson.ReadAsync<PartitionState>(store, stateKey, ct) ?? new PartitionState();
        var seq = 0;
        var calls = 0;
        var unchanged = 0;
        var landed = new List<string>();
        string? cursor = null;
        DateTimeOffset? lastLandedAt = null;

        await foreach (var (response, exchangeCursor) in responses.WithCancellation(ct))
        {
            calls++;
            var body = response.Body;
            var sha = Convert.ToHexStringLower(SHA256.HashData(body));
            if (state.Requests.TryGetValue(response.RequestIdentity, out var last) && last.Sha256 == sha
                && await verifier.IsIntactAsync(ObjectKey.Parse(last.BronzeKey), sha, body.Length, ct))
            {
                unchanged++;
                cursor = Later(cursor, exchangeCursor);
                LogUnchanged(dataset, response.Request);
                continue;
            }

            seq++;
            var key = LakeKeys.Bronze(dataset, partition.Name, run, seq);
            await store.PutBytesAsync(key, body, ct);

            var entry = new LandingEntry
            {
                BronzeKey = key.Value,
                Source = dataset.Source,
                Dataset = dataset.Name,
                Partition = partition.Name,
                RunId = run.Value,
                Seq = seq,
                Request = response.Request,
                RequestIdentity = response.RequestIdentity,
                Status = response.StatusCode,
                FetchedAt = response.FetchedAt,
                Sha256 = sha,
                Size = body.Length,
                ContentType = response.ContentType,
                Attempts = response.Attempts,
                SecretsReplaced = response.SecretsReplaced,
            };
            await LakeJson.WriteAsync(store, LakeKeys.Manifest(dataset, partition.Name, run, seq), entry, ct);

            state.Requests[response.RequestIdentity] = new LastLanding(sha, key.Value, response.FetchedAt);
            await LakeJson.WriteAsync(store, stateKey, state, ct);
            landed.Add(key.Value);
            cursor = Later(cursor, exchangeCursor);
            lastLandedAt = response.FetchedAt;
            LogLanded(dataset, key.Value, body.Length);
        }

        // Everything the partition answered is durable now: only from here may the partition count as done and the
        // cursor move (promise 2).
        if (partition.IsClosed(options.Today))
        {
            state = state with { CompletedAt = options.Now, CompletedBy = run.Value };
            await LakeJson.WriteAsync(store, stateKey, state, ct);
        }

        var newCursor = await UpdateDatasetStateAsync(dataset, options.AdvanceCursor ? cursor : null, lastLandedAt, ct);
        return new LandingResult(calls, landed, unchanged) { Cursor = newCursor };
    }

    /// <summary>Whether <paramref name="partition"/> was landed for good (a closed window read to its end).</summary>
    public async Task<bool> IsCompleteAsync(DatasetName dataset, string partition, CancellationToken ct) =>
        (await LakeJson.ReadAsync<PartitionState>(store, LakeKeys.PartitionState(dataset, partition), ct))?.CompletedAt is not null;

    private async Task<string?> UpdateDatasetStateAsync(DatasetName dataset, string? cursor, DateTimeOffset? landedAt, CancellationToken ct)
    {
        var gate = datasetLocks.GetOrAdd(dataset, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var key = LakeKeys.DatasetState(dataset);
            var state = await LakeJson.ReadAsync<DatasetState>(store, key, ct) ?? new DatasetState();
            var next = state with
            {
                Cursor = Later(state.Cursor, cursor),
                LastLandedAt = landedAt is { } at && (state.LastLandedAt is not { } before || at > before) ? at : state.LastLandedAt,
            };
            if (next != state)
            {
                await LakeJson.WriteAsync(store, key, next, ct);
            }

            return next.Cursor;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Cursors are ISO dates or timestamps, which order as text; a cursor never moves back.</summary>
    private static string? Later(string? current, string? candidate) =>
        candidate is null || (current is not null && string.CompareOrdinal(current, candidate) >= 0) ? current : candidate;

    [LoggerMessage(Level = LogLevel.Information, Message = "Landed {Dataset} {BronzeKey} ({Bytes} bytes)")]
    private partial void LogLanded(DatasetName dataset, string bronzeKey, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unchanged {Dataset}: {Request} answered as last time")]
    private partial void LogUnchanged(DatasetName dataset, string request);
}

/// <summary>A response (with the request it answered) and the cursor its landing completes (if the source keeps one).</summary>
internal sealed record SourceExchange(SourceResponse Response, string? Cursor = null);

/// <summary>What landing one dataset partition did.</summary>
internal sealed record LandingResult(int ApiCalls, IReadOnlyList<string> Landed, int Unchanged)
{
    /// <summary>The dataset's cursor after the landing.</summary>
    public string? Cursor { get; init; }

    public static LandingResult Nothing { get; } = new(0, [], 0);

    public static LandingResult operator +(LandingResult left, LandingResult right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.ApiCalls + right.ApiCalls, [.. left.Landed, .. right.Landed], left.Unchanged + right.Unchanged)
        {
            Cursor = right.Cursor ?? left.Cursor,
        };
    }
}

/// <summary>How a landing treats the dataset's cursor.</summary>
/// <param name="AdvanceCursor">
/// True for incremental runs. A backfill lands history and leaves the cursor where incremental runs put it.
/// </param>
/// <param name="Now">The landing's time, recorded when a partition is done.</param>
internal sealed record LandingOptions(bool AdvanceCursor, DateTimeOffset Now)
{
    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);
}
