using System.Security.Cryptography;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Bronze;

/// <summary>
/// Lands responses: each becomes one immutable bronze object holding the body exactly as received, then its manifest
/// entry, then the dataset's state. That order is what keeps promise 2: the state (cursor) only ever names objects
/// that are already durable, and a crash in between costs at most one identical re-landing, never a gap.
/// </summary>
internal sealed partial class BronzeLander(IObjectStore store, ILogger<BronzeLander> logger)
{
    /// <summary>Lands one dataset partition's responses as they arrive.</summary>
    public async Task<LandingResult> LandAsync(
        DatasetName dataset, string partition, RunId run, IAsyncEnumerable<SourceExchange> responses, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var state = await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(dataset), ct) ?? new DatasetState();
        var seq = 0;
        var calls = 0;
        var unchanged = 0;
        var landed = new List<string>();

        await foreach (var (request, response) in responses.WithCancellation(ct))
        {
            calls++;
            var sha = Convert.ToHexStringLower(SHA256.HashData(response.Body));
            if (state.Requests.TryGetValue(request.RequestIdentity, out var last) && last.Sha256 == sha)
            {
                unchanged++;
                LogUnchanged(dataset, request);
                continue;
            }

            seq++;
            var key = LakeKeys.Bronze(dataset, partition, run, seq);
            await store.PutBytesAsync(key, response.Body, ct);

            var entry = new LandingEntry
            {
                BronzeKey = key.Value,
                Source = dataset.Source,
                Dataset = dataset.Name,
                Partition = partition,
                RunId = run.Value,
                Seq = seq,
                Request = request.Describe(),
                RequestIdentity = request.RequestIdentity,
                Status = response.StatusCode,
                FetchedAt = response.FetchedAt,
                Sha256 = sha,
                Size = response.Body.Length,
                ContentType = response.ContentType,
                Attempts = response.Attempts,
            };
            await LakeJson.WriteAsync(store, LakeKeys.Manifest(dataset, partition, run, seq), entry, ct);

            state.Requests[request.RequestIdentity] = new LastLanding(sha, key.Value, response.FetchedAt);
            state = state with { LastLandedAt = response.FetchedAt };
            await LakeJson.WriteAsync(store, LakeKeys.DatasetState(dataset), state, ct);
            landed.Add(key.Value);
            LogLanded(dataset, key.Value, response.Body.Length);
        }

        return new LandingResult(calls, landed, unchanged);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Landed {Dataset} {BronzeKey} ({Bytes} bytes)")]
    private partial void LogLanded(DatasetName dataset, string bronzeKey, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unchanged {Dataset}: {Request} answered as last time")]
    private partial void LogUnchanged(DatasetName dataset, SourceRequest request);
}

/// <summary>A request and the response it got.</summary>
internal sealed record SourceExchange(SourceRequest Request, SourceResponse Response);

/// <summary>What landing one dataset partition did.</summary>
internal sealed record LandingResult(int ApiCalls, IReadOnlyList<string> Landed, int Unchanged);
