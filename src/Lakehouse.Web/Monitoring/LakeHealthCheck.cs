using Lakehouse.Lake;
using Lakehouse.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// Ready only when the lake's store answers: one listing of the run records (at most a page on S3). A store that
/// refuses, times out or lacks its bucket makes the process not ready: no run could record anything.
/// </summary>
internal sealed class LakeHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in store.ListAsync(LakeKeys.RunRecordPrefix, cancellationToken))
            {
                break;
            }

            return HealthCheckResult.Healthy($"{store.Describe} answers");
        }
        catch (ObjectStoreException e)
        {
            return HealthCheckResult.Unhealthy($"{store.Describe} does not answer: {e.Message}");
        }
    }
}
