using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lakehouse.Demo;

/// <summary>
/// The RAWG API's read routes served from a <see cref="RawgSampleGenerator"/> by an in-process Kestrel on
/// <c>127.0.0.1</c> and a free port, the way RAWG answers (apis.md §3): page-number paging with <c>count</c>,
/// <c>next</c>, <c>previous</c> (the key echoed into them), 404 <c>Invalid page.</c> past the end, 401 without a
/// key, <c>dates</c>/<c>updated</c> filters and <c>ordering=-updated</c> (what <c>IRawgApi</c> sends). Logs every request and lets a test answer any request
/// itself (<see cref="Intercept"/>).
/// </summary>
internal sealed class RawgApiServer : IAsyncDisposable
{
    private const string JsonContentType = "application/json";
    private const int MaxPageSize = 40;

    private readonly RawgSampleGenerator games;
    private LoopbackApiHost host = null!;

    private RawgApiServer(RawgSampleGenerator games) => this.games = games;

    /// <summary>Where the server listens, with a trailing slash: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress => host.BaseAddress;

    /// <summary>The only key accepted; null accepts any non-empty key. A missing key is always a 401.</summary>
    public string? RequiredKey { get; set; }

    /// <inheritdoc cref="LoopbackApiHost.Intercept"/>
    public Func<HttpContext, Task<bool>>? Intercept
    {
        get => host.Intercept;
        set => host.Intercept = value;
    }

    /// <inheritdoc cref="LoopbackApiHost.Requests"/>
    public IReadOnlyList<RecordedRequest> Requests => host.Requests;

    public int RequestCount => host.RequestCount;

    public static async Task<RawgApiServer> StartAsync(RawgSampleGenerator games, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(games);
        var server = new RawgApiServer(games);
        server.host = await LoopbackApiHost.StartAsync("RAWG", server.MapRoutes, timeProvider ?? TimeProvider.System, describeQuery: null, cancellationToken);
        return server;
    }

    public void ClearRequests() => host.ClearRequests();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private void MapRoutes(WebApplication app)
    {
        app.Use(CheckKeyAsync);
        var catalogues = games.Catalogues;
        app.MapGet("/games", ListGames);
        app.MapGet("/games/{id}", Detail);
        app.MapGet("/genres", context => List(context, catalogues.Genres.Select(i => i.Raw).ToList(), 20));
        app.MapGet("/platforms", context => List(context, catalogues.Platforms.Select(i => i.Raw).ToList(), 50));
        app.MapGet("/platforms/lists/parents", context => List(context, catalogues.ParentPlatforms.Select(i => i.Raw).ToList(), 20));
        app.MapGet("/stores", context => List(context, catalogues.Stores.Select(i => i.Raw).ToList(), 20));
        app.MapGet("/tags", context => List(context, catalogues.Tags.Select(i => i.Raw).ToList(), 10));
        app.MapFallback(context => Json(context, StatusCodes.Status404NotFound, """{"detail":"Not found."}"""u8.ToArray()));
    }

    private async Task CheckKeyAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.Request.Query["key"].ToString();
        if (key.Length == 0)
        {
            await Json(context, StatusCodes.Status401Unauthorized, """{"error":"The key parameter is not provided"}"""u8.ToArray());
            return;
        }

        if (RequiredKey is { } required && key != required)
        {
            await Json(context, StatusCodes.Status401Unauthorized, """{"error":"Invalid API key"}"""u8.ToArray());
            return;
        }

        await next(context);
    }

    private Task ListGames(HttpContext context)
    {
        IEnumerable<RawgGamePlan> selected = games.Games;
        if (Ranges(context.Request.Query["dates"].ToString()) is { } dates)
        {
            selected = selected.Where(g => g.Released is { } day && dates.Any(r => day >= r.From && day <= r.To));
        }

        if (Ranges(context.Request.Query["updated"].ToString()) is { } updated)
        {
            selected = selected.Where(g => DateOnly.ParseExact(g.Updated.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture) is var day
                && updated.Any(r => day >= r.From && day <= r.To));
        }

        // The client asks for -updated (newest first) only.
        if (context.Request.Query["ordering"].ToString() == "-updated")
        {
            selected = selected.OrderByDescending(g => g.Updated, StringComparer.Ordinal).ThenBy(g => g.Id);
        }
        var matching = selected.ToList();
        return Page(context, matching.Count, 20, (skip, take) => matching.Skip(skip).Take(take).Select(g => games.Game(g.Index)));
    }

    private Task Detail(HttpContext context)
    {
        var id = context.GetRouteValue("id") as string;
        return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && games.Detail(value) is { } body
            ? Json(context, StatusCodes.Status200OK, body)
            : Json(context, StatusCodes.Status404NotFound, """{"detail":"Not found."}"""u8.ToArray());
    }

    private static Task List(HttpContext context, List<ReadOnlyMemory<byte>> items, int defaultPageSize) =>
        Page(context, items.Count, defaultPageSize, (skip, take) => items.Skip(skip).Take(take));

    /// <summary>DRF's page-number pagination, as RAWG answers it.</summary>
    private static Task Page(HttpContext context, int count, int defaultPageSize, Func<int, int, IEnumerable<ReadOnlyMemory<byte>>> slice)
    {
        var query = context.Request.Query;
        var pageSize = int.TryParse(query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? Math.Min(size, MaxPageSize)
            : defaultPageSize;
        var page = query["page"].Count == 0 ? 1 : int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var pages = Math.Max(1, (count + pageSize - 1) / pageSize);
        if (page < 1 || page > pages)
        {
            return Json(context, StatusCodes.Status404NotFound, """{"detail":"Invalid page."}"""u8.ToArray());
        }

        var body = RawgSampleGenerator.Page(
            slice((page - 1) * pageSize, pageSize),
            count,
            page < pages ? PageUrl(context, page + 1) : null,
            page > 1 ? PageUrl(context, page - 1) : null);
        return Json(context, StatusCodes.Status200OK, body);
    }

    /// <summary>The same request for another page, the key included, as RAWG writes <c>next</c> and <c>previous</c>.</summary>
    private static string PageUrl(HttpContext context, int page)
    {
        var url = new StringBuilder($"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?");
        foreach (var (name, values) in context.Request.Query.Where(q => q.Key != "page"))
        {
            url.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(values.ToString())).Append('&');
        }

        return url.Append("page=").Append(page.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary><c>2024-01-01,2024-01-31</c>, several joined by <c>.</c>; null when absent or unreadable.</summary>
    private static List<(DateOnly From, DateOnly To)>? Ranges(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        var ranges = new List<(DateOnly, DateOnly)>();
        foreach (var range in value.Split('.'))
        {
            var ends = range.Split(',');
            if (ends.Length == 2
                && DateOnly.TryParseExact(ends[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                && DateOnly.TryParseExact(ends[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            {
                ranges.Add((from, to));
            }
        }

        return ranges.Count == 0 ? null : ranges;
    }

    private static async Task Json(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
