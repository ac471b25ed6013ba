namespace Lakehouse.Sources.Http;

/// <summary>Reads what a source's Refit client returned in the pipeline's terms.</summary>
internal static class SourceCall
{
    /// <summary>
    /// The <see cref="SourceResponse"/> the client's pipeline made of a successful call; the pipeline's failures
    /// (<see cref="SourceRequestException"/>, <see cref="QuotaExhaustedException"/>) and the caller's cancellation
    /// come through as they are.
    /// </summary>
    public static async Task<SourceResponse> ReceiveAsync(this Task<HttpResponseMessage> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        using var response = await call;
        return SourceExchangeRecord.Of(response.RequestMessage)?.Response
            ?? throw new InvalidOperationException("The response did not come through a source's client pipeline (AddSourceApi).");
    }
}
