using DuckDB.NET.Data;
using Lakehouse.Configuration;
using Lakehouse.DuckDb;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// Whether this node's gold database can be read: opened read-only and asked for its tables, as <c>query</c> opens it.
/// </summary>
/// <remarks>
/// No gold yet counts as ready (healthy, saying so): a new lake has none until its first run, which on a schedule may
/// be hours away, and a container that is never ready would never be sent that first run's work or be restarted in a
/// loop for nothing. Gold that exists but cannot be read is degraded, not unhealthy: the scheduler and the lake still
/// work, and the next build replaces the file.
/// </remarks>
internal sealed class GoldHealthCheck(GoldOptions gold) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(gold.DatabasePath))
        {
            return Task.FromResult(HealthCheckResult.Healthy("no gold yet: the first run that changes silver builds it"));
        }

        try
        {
            using var connection = DuckDbConnections.OpenFile(gold.DatabasePath, readOnly: true);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'";
            var tables = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(HealthCheckResult.Healthy($"gold readable: {tables} tables"));
        }
        catch (DuckDBException e)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"gold cannot be read: {DuckDbConnections.MessageOf(e)}"));
        }
    }
}
