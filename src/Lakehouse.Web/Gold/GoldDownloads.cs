using Lakehouse.Configuration;
using Lakehouse.Gold;
using Lakehouse.Querying;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Web.Gold;

/// <summary>
/// <c>GET /gold/download?sql=...&amp;format=csv|parquet|arrow</c>: the whole result of the SQL box, written by
/// <c>query</c>'s own writers. CSV and Arrow stream as DuckDB produces them (memory stays flat whatever the size);
/// Parquet, which DuckDB writes to a file, is written to a temporary file and sent from there.
/// </summary>
internal static class GoldDownloads
{
    public const string Path = "/gold/download";

    public static readonly IReadOnlyList<(string Format, string Label)> Formats = [("csv", "CSV"), ("parquet", "Parquet"), ("arrow", "Arrow")];

    public static string Link(string sql, string format) =>
        $"{Path}?format={format}&sql={Uri.EscapeDataString(sql)}";

    public static IEndpointRouteBuilder MapGoldDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, DownloadAsync);
        return endpoints;
    }

    private static async Task DownloadAsync(HttpContext context, string? sql, string? format)
    {
        var response = context.Response;
        var resultFormat = format?.ToLowerInvariant() switch
        {
            "csv" => ResultFormat.Csv,
            "parquet" => ResultFormat.Parquet,
            "arrow" => ResultFormat.Arrow,
            _ => (ResultFormat?)null,
        };
        if (string.IsNullOrWhiteSpace(sql) || resultFormat is null)
        {
            await WriteProblemAsync(response, StatusCodes.Status400BadRequest, "Give the SQL (sql=...) and a format (format=csv, parquet or arrow).");
            return;
        }

        var services = context.RequestServices;
        var box = services.GetRequiredService<SqlBox>();
        var query = services.GetRequiredService<GoldQuery>();
        var gold = services.GetRequiredService<GoldOptions>();
        var restorer = services.GetRequiredService<GoldRestorer>();
        var extension = resultFormat == ResultFormat.Arrow ? "arrows" : format!.ToLowerInvariant();
        var problem = await box.WithLimitAsync<string?>(
            async ct =>
            {
                await restorer.PrepareForReadingAsync(ct);
                if (resultFormat == ResultFormat.Parquet)
                {
                    await SendParquetAsync(context, query, gold.DatabasePath, sql, ct);
                    return null;
                }

                // The writers write synchronously (through their own buffer): allowed for this response alone.
                context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
                response.ContentType = resultFormat == ResultFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.apache.arrow.stream";
                response.Headers.ContentDisposition = $"attachment; filename=\"result.{extension}\"";
                await query.RunAsync(gold.DatabasePath, sql, resultFormat.Value, response.Body, new QueryOutputOptions(), ct);
                return null;
            },
            message => message,
            context.RequestAborted);
        if (problem is null)
        {
            return;
        }

        if (response.HasStarted)
        {
            // Half a file must not look like a whole one: the browser sees the download fail.
            context.Abort();
            return;
        }

        await WriteProblemAsync(response, StatusCodes.Status400BadRequest, problem);
    }

    private static async Task SendParquetAsync(HttpContext context, GoldQuery query, string databasePath, string sql, CancellationToken ct)
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lakehouse-result-{Guid.NewGuid():N}.parquet");
        try
        {
            await query.RunToFileAsync(databasePath, sql, ResultFormat.Parquet, file, new QueryOutputOptions(), ct);
            context.Response.ContentType = "application/vnd.apache.parquet";
            context.Response.Headers.ContentDisposition = "attachment; filename=\"result.parquet\"";
            await context.Response.SendFileAsync(file, ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task WriteProblemAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message);
    }
}
