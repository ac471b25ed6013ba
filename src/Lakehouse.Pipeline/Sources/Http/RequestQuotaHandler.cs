using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Sources.Http;

/// <summary>
/// Counts each attempt against the source's request quota before it is sent (an attempt the API received but whose
/// answer was lost still counts there), and refuses to send once the quota is spent
/// (<see cref="QuotaExhaustedException"/>, which nothing retries). Sits inside the retry and after the rate limiter,
/// outside the attempt's timeout.
/// </summary>
/// <remarks>
/// Ours: the count lives in the lake (<see cref="RequestQuota"/>) so every process and node shares it; no library
/// limiter keeps its state in an object store.
/// </remarks>
internal sealed class RequestQuotaHandler(string source, SourceHttpOptions options, IServiceProvider services) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.QuotaRequests is not null)
        {
            // Resolved only for a source with a quota: the quota needs the lake's store.
            await services.GetRequiredService<RequestQuota>().CountAsync(source, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
