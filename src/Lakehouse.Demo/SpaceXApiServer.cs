using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lakehouse.Demo;

/// <summary>
/// The SpaceX API's routes the client calls (<c>ISpaceXApi</c>: <c>/query</c> and <c>/v5/launches/latest</c>) served from a <see cref="SpaceXCatalog"/> by an in-process Kestrel on
/// <c>127.0.0.1</c> and a free port: what <c>lakehouse demo</c> runs the pipeline against, and what tests replay the
/// recorded fixtures through. The hosting, the request log and the fault hook are <see cref="LoopbackApiHost"/>'s.
/// </summary>
internal sealed class SpaceXApiServer : IAsyncDisposable
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private LoopbackApiHost host = null!;
    private SpaceXCatalog catalog;

    private SpaceXApiServer(SpaceXCatalog catalog) => this.catalog = catalog;

    /// <summary>Where the server listens, with a trailing slash: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress => host.BaseAddress;

    /// <summary>What the server answers from. Swapping it takes effect for the next request; one request sees one catalog.</summary>
    public SpaceXCatalog Catalog
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

    /// <inheritdoc cref="LoopbackApiHost.Requests"/>
    public IReadOnlyList<RecordedRequest> Requests => host.Requests;

    public int RequestCount => host.RequestCount;

    public static async Task<SpaceXApiServer> StartAsync(SpaceXCatalog catalog, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var server = new SpaceXApiServer(catalog);
        server.host = await LoopbackApiHost.StartAsync("SpaceX", server.MapRoutes, timeProvider ?? TimeProvider.System, describeQuery: null, cancellationToken);
        return server;
    }

    public void ClearRequests() => host.ClearRequests();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static bool IsUpcoming(ReadOnlyMemory<byte> launch) =>
        RawJson.KeyOf(launch.Span, "upcoming") is { Rank: JsonValueKey.ValueRank.Boolean } flag && flag.Number == 1;

    private static JsonValueKey FlightNumber(ReadOnlyMemory<byte> launch) => RawJson.KeyOf(launch.Span, "flight_number");

    private static Task NotFound(HttpContext context) => Text(context, StatusCodes.Status404NotFound, "Not Found");

    private static async Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static async Task Json(HttpContext context, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        context.Request.Body.Position = 0;
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>What <c>ISpaceXApi</c> sends: <c>POST /{version}/{resource}/query</c> and the change probe.</summary>
    private void MapRoutes(WebApplication app)
    {
        app.MapGet("/v5/launches/latest", LatestLaunch);
        app.MapPost("/{version}/{resource}/query", context => Query(context, context.GetRouteValue("resource") as string ?? string.Empty));
        app.MapFallback(NotFound);
    }

    // /latest is the highest flight_number among past launches (not the latest date).
    private Task LatestLaunch(HttpContext context)
    {
        ReadOnlyMemory<byte>? best = null;
        var bestNumber = JsonValueKey.Missing;
        foreach (var launch in Catalog[SpaceXCatalog.Launches])
        {
            var number = FlightNumber(launch);
            if (IsUpcoming(launch) || number.Rank != JsonValueKey.ValueRank.Number)
            {
                continue;
            }

            if (best is null || number > bestNumber)
            {
                best = launch;
                bestNumber = number;
            }
        }

        return best is { } found ? Json(context, found) : NotFound(context);
    }

    private async Task Query(HttpContext context, string resource)
    {
        if (!SpaceXCatalog.IsResource(resource))
        {
            await NotFound(context);
            return;
        }

        var body = await ReadBody(context);
        if (!SpaceXQuery.TryParse(body, out var query, out var error))
        {
            await Text(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var matching = query.Select(Catalog[resource]);
        var (info, skip, take) = SpaceXQueryPage.Paginate(matching.Count, query.Page, query.Limit);
        var docs = matching.Skip((int)Math.Min(skip, int.MaxValue)).Take((int)Math.Min(take, int.MaxValue));
        await Json(context, SpaceXQueryPage.Build(docs, info));
    }
}
