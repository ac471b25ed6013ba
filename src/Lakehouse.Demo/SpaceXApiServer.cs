using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lakehouse.Demo;

/// <summary>
/// The SpaceX API's read routes served from a <see cref="SpaceXCatalog"/> by an in-process Kestrel on
/// <c>127.0.0.1</c> and a free port: what <c>lakehouse demo</c> runs the pipeline against, and what tests replay the
/// recorded fixtures through. The hosting, the request log and the fault hook are <see cref="LoopbackApiHost"/>'s.
/// </summary>
internal sealed class SpaceXApiServer : IAsyncDisposable
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const int FlushEvery = 64 * 1024;

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

    private static ReadOnlyMemory<byte> Shape(int version, string resource, ReadOnlyMemory<byte> element) =>
        version == 4 && resource == SpaceXCatalog.Launches ? LaunchCrewShape.ToV4(element) : element;

    private static bool IsUpcoming(ReadOnlyMemory<byte> launch, bool upcoming) =>
        RawJson.KeyOf(launch.Span, "upcoming") is { Rank: JsonValueKey.ValueRank.Boolean } flag && flag.Number == (upcoming ? 1 : 0);

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

    private static async Task JsonArray(HttpContext context, IReadOnlyList<ReadOnlyMemory<byte>> elements)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = 2L + Math.Max(0, elements.Count - 1) + elements.Sum(e => (long)e.Length);
        var body = context.Response.BodyWriter;
        Append(body, "["u8);
        var unflushed = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            if (i > 0)
            {
                Append(body, ","u8);
            }

            Append(body, elements[i].Span);
            unflushed += elements[i].Length;
            if (unflushed > FlushEvery)
            {
                await body.FlushAsync(context.RequestAborted);
                unflushed = 0;
            }
        }

        Append(body, "]"u8);
        await body.FlushAsync(context.RequestAborted);
    }

    private static void Append(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        context.Request.Body.Position = 0;
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private void MapRoutes(WebApplication app)
    {
        foreach (var version in (ReadOnlySpan<int>)[4, 5])
        {
            var prefix = version == 4 ? "/v4/launches" : "/v5/launches";
            app.MapGet(prefix + "/latest", context => PickLaunch(context, version, upcoming: false, highest: true));
            app.MapGet(prefix + "/next", context => PickLaunch(context, version, upcoming: true, highest: false));
            app.MapGet(prefix + "/past", context => LaunchesWhere(context, version, upcoming: false));
            app.MapGet(prefix + "/upcoming", context => LaunchesWhere(context, version, upcoming: true));
        }

        app.MapGet("/v5/launches", context => List(context, 5, SpaceXCatalog.Launches));
        app.MapGet("/v5/launches/{id}", context => ById(context, 5, SpaceXCatalog.Launches));
        app.MapPost("/v5/launches/query", context => Query(context, 5, SpaceXCatalog.Launches));
        app.MapGet("/v4/{resource}", context => List(context, 4, Resource(context)));
        app.MapGet("/v4/{resource}/{id}", context => ById(context, 4, Resource(context)));
        app.MapPost("/v4/{resource}/query", context => Query(context, 4, Resource(context)));
        app.MapFallback(NotFound);
    }

    private static string Resource(HttpContext context) => context.GetRouteValue("resource") as string ?? string.Empty;

    private Task List(HttpContext context, int version, string resource)
    {
        if (!SpaceXCatalog.IsResource(resource))
        {
            return NotFound(context);
        }

        var elements = Catalog[resource];
        return JsonArray(context, version == 4 && resource == SpaceXCatalog.Launches ? elements.Select(LaunchCrewShape.ToV4).ToList() : elements);
    }

    private Task ById(HttpContext context, int version, string resource)
    {
        var id = context.GetRouteValue("id") as string ?? string.Empty;
        return SpaceXCatalog.IsResource(resource) && Catalog.TryFind(resource, id, out var element)
            ? Json(context, Shape(version, resource, element))
            : NotFound(context);
    }

    // /latest is the highest flight_number among past launches (not the latest date); /next the lowest upcoming one.
    private Task PickLaunch(HttpContext context, int version, bool upcoming, bool highest)
    {
        ReadOnlyMemory<byte>? best = null;
        var bestNumber = JsonValueKey.Missing;
        foreach (var launch in Catalog[SpaceXCatalog.Launches])
        {
            var number = FlightNumber(launch);
            if (!IsUpcoming(launch, upcoming) || number.Rank != JsonValueKey.ValueRank.Number)
            {
                continue;
            }

            if (best is null || (highest ? number > bestNumber : number < bestNumber))
            {
                best = launch;
                bestNumber = number;
            }
        }

        return best is { } found ? Json(context, Shape(version, SpaceXCatalog.Launches, found)) : NotFound(context);
    }

    private Task LaunchesWhere(HttpContext context, int version, bool upcoming)
    {
        var selected = Catalog[SpaceXCatalog.Launches]
            .Where(launch => IsUpcoming(launch, upcoming))
            .OrderBy(FlightNumber)
            .Select(launch => Shape(version, SpaceXCatalog.Launches, launch))
            .ToList();
        return JsonArray(context, selected);
    }

    private async Task Query(HttpContext context, int version, string resource)
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
        var (info, skip, take) = SpaceXQueryPage.Paginate(matching.Count, query.Page, query.Offset, query.Limit, query.Pagination);
        var docs = matching.Skip((int)Math.Min(skip, int.MaxValue)).Take((int)Math.Min(take, int.MaxValue))
            .Select(doc => Shape(version, resource, doc));
        await Json(context, SpaceXQueryPage.Build(docs, info));
    }
}
