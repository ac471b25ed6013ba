using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Demo;

/// <summary>One request as the server received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string QueryString, string Body, DateTimeOffset ReceivedAt);

/// <summary>
/// What every local API server (SpaceX, NASA, RAWG) shares: an in-process Kestrel on <c>127.0.0.1</c> and a free
/// port that can live inside the CLI, a log of every request, and a hook that lets a test answer any request itself
/// (<see cref="Intercept"/>) to play rate limits, outages and broken bodies. The servers add only their API's routes.
/// </summary>
internal sealed class LoopbackApiHost : IAsyncDisposable
{
    /// <summary>The 1-based number of the request in the log, in <see cref="HttpContext.Items"/>.</summary>
    public const string RequestNumberItem = "Lakehouse.Demo.RequestNumber";

    private readonly WebApplication app;
    private readonly TimeProvider time;
    private readonly Func<string, string> describeQuery;
    private readonly Lock requestsLock = new();
    private readonly List<RecordedRequest> requests = [];
    private Func<HttpContext, Task<bool>>? intercept;
    private int disposed;

    private LoopbackApiHost(WebApplication app, TimeProvider time, Func<string, string> describeQuery)
    {
        this.app = app;
        this.time = time;
        this.describeQuery = describeQuery;
    }

    /// <summary>Where the server listens, with a trailing slash: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Called for every request after it is logged. Returning true means the hook wrote the answer, and the API's
    /// routes are not consulted.
    /// </summary>
    public Func<HttpContext, Task<bool>>? Intercept
    {
        get => Volatile.Read(ref intercept);
        set => Volatile.Write(ref intercept, value);
    }

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requestsLock)
            {
                return requests.ToArray();
            }
        }
    }

    public int RequestCount
    {
        get
        {
            lock (requestsLock)
            {
                return requests.Count;
            }
        }
    }

    /// <summary>Starts Kestrel with the routes <paramref name="mapRoutes"/> adds behind the log and the hook.</summary>
    /// <param name="api">The API's name, for errors.</param>
    /// <param name="mapRoutes">Adds the API's middleware and routes.</param>
    /// <param name="time">Stamps the log.</param>
    /// <param name="describeQuery">Turns a query string into what the log keeps (e.g. with the key redacted).</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<LoopbackApiHost> StartAsync(
        string api, Action<WebApplication> mapRoutes, TimeProvider time, Func<string, string>? describeQuery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapRoutes);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No file watcher on appsettings.json: a server per test would each hold one.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();

        // The host's console lifetime would take over Ctrl-C and SIGTERM from the CLI that embeds this server.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        var app = builder.Build();
        var host = new LoopbackApiHost(app, time, describeQuery ?? (query => query));
        app.Use(host.RecordAndInterceptAsync);
        mapRoutes(app);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Kestrel reported no address for the local {api} server.");
        host.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return host;
    }

    public void ClearRequests()
    {
        lock (requestsLock)
        {
            requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private async Task RecordAndInterceptAsync(HttpContext context, RequestDelegate next)
    {
        // Buffered, so the routes can read the body again after the log did.
        context.Request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
        }

        var request = new RecordedRequest(
            context.Request.Method, context.Request.Path.Value ?? "/", describeQuery(context.Request.QueryString.Value ?? string.Empty), body, time.GetUtcNow());
        lock (requestsLock)
        {
            requests.Add(request);
            context.Items[RequestNumberItem] = requests.Count;
        }

        if (Intercept is { } hook && await hook(context))
        {
            return;
        }

        await next(context);
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
