using Lakehouse.Configuration;
using Lakehouse.Gold;
using Lakehouse.Querying;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Web.Gold;

/// <summary>
/// The Gold page's SQL box: <c>query</c>'s own code (<see cref="GoldQuery"/>: the read-only guard, the locked-down
/// connection, the writers), a page of rows at a time, and a time limit. A query stops at the limit
/// (<c>Lakehouse:Serve:QueryTimeout</c>) or as soon as the browser goes away (the request is aborted), whichever
/// comes first: DuckDB is interrupted, not left running.
/// </summary>
internal sealed partial class SqlBox(
    GoldQuery query, GoldRestorer restorer, GoldOptions gold, IOptions<ServeOptions> options, TimeProvider time, ILogger<SqlBox> logger)
{
    public int PageRows => options.Value.PageRows;

    public TimeSpan Timeout => options.Value.QueryTimeout;

    /// <summary>Page <paramref name="page"/> (from 1) of <paramref name="sql"/>'s result, or what stopped it, in words.</summary>
    /// <param name="sql">The user's SQL.</param>
    /// <param name="page">Which page of <see cref="PageRows"/> rows.</param>
    /// <param name="requestAborted">Cancelled when the browser leaves the page.</param>
    public async Task<SqlBoxResult> RunAsync(string sql, long page, CancellationToken requestAborted)
    {
        var rows = options.Value.PageRows;
        var offset = (Math.Max(page, 1) - 1) * rows;
        return await WithLimitAsync(
            async ct =>
            {
                await restorer.PrepareForReadingAsync(ct);
                return new SqlBoxResult(await query.ReadPageAsync(gold.DatabasePath, sql, offset, rows, ct), null);
            },
            message => new SqlBoxResult(null, message),
            requestAborted);
    }

    /// <summary>
    /// Runs <paramref name="work"/> under the time limit and the request's abort; a failure a user can cause (a refused
    /// statement, a DuckDB error, no gold yet, the limit) becomes <paramref name="failed"/> with its message.
    /// </summary>
    public async Task<T> WithLimitAsync<T>(Func<CancellationToken, Task<T>> work, Func<string, T> failed, CancellationToken requestAborted)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(failed);
        var limit = options.Value.QueryTimeout;
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, requestAborted);
        try
        {
            return await work(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            LogTimedOut(limit);
            return failed(
                $"The query ran longer than {OptionRanges.Text(limit)}, the limit, and was cancelled. Narrow it (a WHERE, a LIMIT, fewer joins), " +
                $"or raise the limit with {ServeOptions.Section}:{nameof(ServeOptions.QueryTimeout)} (environment variable " +
                $"{ConfigurationKey.EnvironmentVariable($"{ServeOptions.Section}:{nameof(ServeOptions.QueryTimeout)}")}).");
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            LogAbandoned();
            throw;
        }
        catch (Exception e) when (LakehouseFailure.Translate(e) is { } failure)
        {
            return failed(failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A query of the SQL box was cancelled at the time limit ({Limit})")]
    private partial void LogTimedOut(TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "A query of the SQL box was cancelled: its page was left")]
    private partial void LogAbandoned();
}

/// <summary>A page of rows, or the message that says why there is none.</summary>
internal sealed record SqlBoxResult(ResultPage? Page, string? Error);
