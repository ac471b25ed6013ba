using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lakehouse.Demo;

/// <summary>How the local NASA server behaves.</summary>
internal sealed class NasaApiServerOptions
{
    /// <summary>The only key the gateway accepts; null accepts any key (DEMO_KEY included). A missing key is always refused.</summary>
    public string? ValidKey { get; init; }

    /// <summary>Added before every answer, to play a distant server (the backfill benchmark uses 200 ms).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>
    /// Requests the gateway allows in all (sent as <c>X-RateLimit-Limit</c>); past it every request gets 429
    /// <c>OVER_RATE_LIMIT</c>, as a spent key does.
    /// </summary>
    public int RequestLimit { get; init; } = 1_000_000;

    /// <summary>Today for the APIs' defaults and bounds; the system clock's UTC date when null.</summary>
    public DateOnly? Today { get; init; }
}

/// <summary>
/// NASA's APIs as the pipeline reads them (<c>/neo/rest/v1/feed</c>, <c>/planetary/apod</c>,
/// <c>/DONKI/{CME,FLR,GST}</c>) served from a <see cref="NasaCatalog"/> by an in-process Kestrel on
/// <c>127.0.0.1</c> and a free port, with the real rules: the api.data.gov gateway's key check and rate-limit headers,
/// the feed's 7-day cap, APOD's date bounds, and the key echoed into the feed's <c>links</c>. What <c>lakehouse demo</c>
/// runs against and tests replay the fixtures through; <see cref="Intercept"/> plays faults.
/// </summary>
internal sealed partial class NasaApiServer : IAsyncDisposable
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private static readonly DateOnly ApodFirstDay = new(1995, 6, 16);

    private readonly NasaApiServerOptions options;
    private readonly TimeProvider time;
    private LoopbackApiHost host = null!;
    private NasaCatalog catalog;

    private NasaApiServer(NasaCatalog catalog, NasaApiServerOptions options, TimeProvider time)
    {
        this.catalog = catalog;
        this.options = options;
        this.time = time;
    }

    /// <summary>Where the server listens, with a trailing slash: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress => host.BaseAddress;

    /// <summary>What the server answers from; swapping it takes effect for the next request.</summary>
    public NasaCatalog Catalog
    {
        get => Volatile.Read(ref catalog);
        set => Volatile.Write(ref catalog, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <inheritdoc cref="LoopbackApiHost.Intercept"/>
    public Func<HttpContext, Task<bool>>? Intercept
    {
        get => host.Intercept;
        set => host.Intercept = value;
    }

    /// <summary>Every request received so far, oldest first, the api_key shown as REDACTED.</summary>
    public IReadOnlyList<RecordedRequest> Requests => host.Requests;

    public int RequestCount => host.RequestCount;

    public static async Task<NasaApiServer> StartAsync(
        NasaCatalog catalog, NasaApiServerOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var time = timeProvider ?? TimeProvider.System;
        var server = new NasaApiServer(catalog, options ?? new NasaApiServerOptions(), time);
        server.host = await LoopbackApiHost.StartAsync(
            "NASA", server.MapRoutes, time, query => ApiKeyValue().Replace(query, "api_key=REDACTED"), cancellationToken);
        return server;
    }

    public void ClearRequests() => host.ClearRequests();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    /// <summary>The gateway's error body (API Umbrella), e.g. <c>API_KEY_INVALID</c> or <c>OVER_RATE_LIMIT</c>.</summary>
    public static Task GatewayError(HttpContext context, int status, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Json(context, status, $$$"""{"error":{"code":"{{{code}}}","message":"{{{message}}}"}}""");
    }

    private static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static async Task Json(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private DateOnly Today => options.Today ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private void MapRoutes(WebApplication app)
    {
        app.Use(GatewayAsync);
        app.MapGet("/neo/rest/v1/feed", FeedAsync);
        app.MapGet("/planetary/apod", ApodAsync);
        app.MapGet("/DONKI/{kind}", DonkiAsync);
        app.MapFallback(context => GatewayError(context, StatusCodes.Status404NotFound, "NOT_FOUND", "No api found for this request"));
    }

    /// <summary>What api.data.gov does before a back end sees the request (after the log and the hook): key check, rate limit headers.</summary>
    private async Task GatewayAsync(HttpContext context, RequestDelegate next)
    {
        var count = (int)context.Items[LoopbackApiHost.RequestNumberItem]!;
        if (options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(options.Latency, time, context.RequestAborted);
        }

        var key = context.Request.Query["api_key"].ToString();
        if (key.Length == 0)
        {
            await GatewayError(context, StatusCodes.Status403Forbidden, "API_KEY_MISSING", "No api_key was supplied. Get one at https://api.nasa.gov:443");
            return;
        }

        if (options.ValidKey is { } valid && key != valid)
        {
            await GatewayError(context, StatusCodes.Status403Forbidden, "API_KEY_INVALID", "An invalid api_key was supplied. Get one at https://api.nasa.gov:443");
            return;
        }

        context.Response.Headers["X-RateLimit-Limit"] = options.RequestLimit.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Remaining"] = Math.Max(options.RequestLimit - count, 0).ToString(CultureInfo.InvariantCulture);
        if (count > options.RequestLimit)
        {
            await GatewayError(context, StatusCodes.Status429TooManyRequests, "OVER_RATE_LIMIT", "You have exceeded your rate limit. Try again later or contact us at https://api.nasa.gov:443/contact/ for assistance");
            return;
        }

        await next(context);
    }

    private Task FeedAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var key = query["api_key"].ToString();
        if (!TryDate(query["start_date"], Today, out var start) || !TryDate(query["end_date"], start.AddDays(7), out var end))
        {
            return NeoWsError(context, "Date Format Exception - Expected format (yyyy-mm-dd)");
        }

        // Both ends are inclusive: start..start+7 (8 dates) is the longest window the feed accepts.
        if (end.DayNumber - start.DayNumber > 7 || end < start)
        {
            return NeoWsError(context, "Date Format Exception - Expected format (yyyy-mm-dd) - The Feed date limit is only 7 Days");
        }

        return Json(context, Catalog.Feed(start, end, key));
    }

    /// <summary>NeoWs' own error shape; its <c>request</c> echoes the URL, key included, as the real service does.</summary>
    private static Task NeoWsError(HttpContext context, string message) => Json(
        context,
        StatusCodes.Status400BadRequest,
        $$"""{"code":400,"http_error":"BAD_REQUEST","error_message":"{{message}}","request":"http://api.nasa.gov/rest/v1/feed{{context.Request.QueryString.Value}}"}""");

    private Task ApodAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string[] allowed = ["api_key", "start_date", "end_date", "thumbs"];
        if (query.Keys.FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            return ApodError(context, 400, $"Bad Request: invalid field(s) {unknown}.");
        }

        var today = Today;
        if (!query.ContainsKey("start_date") || !TryDate(query["start_date"], today, out var start) || !TryDate(query["end_date"], today, out var end))
        {
            return ApodError(context, 400, "Bad Request: start_date is required (yyyy-mm-dd) for a range.");
        }

        if (start < ApodFirstDay || end > today)
        {
            return ApodError(context, 400, $"Date must be between Jun 16, 1995 and {today:MMM dd, yyyy}.");
        }

        if (start > end)
        {
            return ApodError(context, 400, "start_date cannot be after end_date");
        }

        return Json(context, Catalog.Apod(start, end));
    }

    private static Task ApodError(HttpContext context, int status, string message) =>
        Json(context, status, $$"""{"code":{{status}},"msg":"{{message}}","service_version":"v1"}""");

    private Task DonkiAsync(HttpContext context)
    {
        if (!TryKind(context, out var kind))
        {
            return GatewayError(context, StatusCodes.Status404NotFound, "NOT_FOUND", "No api found for this request");
        }

        var today = Today;
        if (!TryDate(context.Request.Query["startDate"], today.AddDays(-30), out var start) || !TryDate(context.Request.Query["endDate"], today, out var end))
        {
            return Json(context, StatusCodes.Status400BadRequest, """{"error":"startDate and endDate must be yyyy-MM-dd"}""");
        }

        return Json(context, Catalog.Donki(kind, start, end));
    }

    private static bool TryKind(HttpContext context, out DonkiKind kind)
    {
        kind = (context.GetRouteValue("kind") as string) switch
        {
            "CME" => DonkiKind.Cme,
            "FLR" => DonkiKind.Flr,
            "GST" => DonkiKind.Gst,
            _ => (DonkiKind)(-1),
        };
        return Enum.IsDefined(kind);
    }

    private static bool TryDate(Microsoft.Extensions.Primitives.StringValues value, DateOnly fallback, out DateOnly date)
    {
        if (value.Count == 0 || string.IsNullOrEmpty(value.ToString()))
        {
            date = fallback;
            return true;
        }

        return DateOnly.TryParseExact(value.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    [GeneratedRegex("api_key=[^&]*")]
    private static partial Regex ApiKeyValue();
}
