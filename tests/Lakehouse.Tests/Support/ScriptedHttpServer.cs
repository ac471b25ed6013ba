using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that answers each path from its own queue of canned
/// responses, and records every request as it arrives: when (by the server's clock), method, path, query and body.
/// The last response of a queue repeats, so "always 503" is one response.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<ScriptedResponse>> scripts = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> requests = [];

    private ScriptedHttpServer(WebApplication app) => this.app = app;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request received so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<ScriptedHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new ScriptedHttpServer(app);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        server.BaseUrl = new Uri(addresses.Addresses.Single());
        return server;
    }

    /// <summary>Queues responses for a path (e.g. <c>/v4/rockets</c>), answered in order; the last one repeats.</summary>
    public void Script(string path, params ScriptedResponse[] responses)
    {
        lock (gate)
        {
            if (!scripts.TryGetValue(path, out var queue))
            {
                scripts[path] = queue = new Queue<ScriptedResponse>();
            }

            foreach (var response in responses)
            {
                queue.Enqueue(response);
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> requests have arrived, or fails after a few seconds.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        var deadline = Stopwatch.StartNew();
        while (Requests.Count < count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"Expected {count} requests, got {Requests.Count}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var arrivedAt = clock.Elapsed;
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var path = request.Path.Value ?? "/";

        ScriptedResponse response;
        lock (gate)
        {
            requests.Add(new RecordedRequest(arrivedAt, request.Method, path, request.QueryString.Value ?? "", body.ToArray(), request.ContentType));
            response = scripts.TryGetValue(path, out var queue) && queue.Count > 0
                ? (queue.Count > 1 ? queue.Dequeue() : queue.Peek())
                : ScriptedResponse.Text(404, $"ScriptedHttpServer: nothing scripted for {request.Method} {path}");
        }

        if (response.Delay > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app.Lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(response.Delay, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (its timeout or its caller's cancellation), or the server is stopping.
                return;
            }
        }

        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }

        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }
}

/// <summary>One canned answer: status, body bytes (sent exactly), content type, extra headers, and a delay before it.</summary>
internal sealed record ScriptedResponse(int StatusCode, byte[] Body, string? ContentType)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>How long the server waits before answering (a slow API).</summary>
    public TimeSpan Delay { get; init; }

    public static ScriptedResponse Json(string json, int statusCode = 200) =>
        new(statusCode, Encoding.UTF8.GetBytes(json), "application/json; charset=utf-8");

    public static ScriptedResponse Text(int statusCode, string text, string contentType = "text/plain; charset=utf-8") =>
        new(statusCode, Encoding.UTF8.GetBytes(text), contentType);

    public ScriptedResponse WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    public ScriptedResponse After(TimeSpan delay) => this with { Delay = delay };
}

/// <summary>A request as the server saw it; <see cref="ArrivedAt"/> is on the server's clock, from its start.</summary>
internal sealed record RecordedRequest(TimeSpan ArrivedAt, string Method, string Path, string Query, byte[] Body, string? ContentType);
