using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A webhook on a real loopback Kestrel, as Slack's incoming webhooks take alerts: a POST of JSON to a URL whose path
/// is its token. Keeps each post's body; can hold every request until the test lets them go (a slow webhook).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<JsonElement> posts = new();
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int started;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>The token in the URL's path, which must never be logged.</summary>
    public string Token { get; } = "T0KEN" + Guid.NewGuid().ToString("N");

    public Uri Url { get; private set; } = null!;

    /// <summary>Whether requests wait for <see cref="Release"/> before they are answered.</summary>
    public bool Holding { get; set; }

    /// <summary>Requests that arrived, answered or not.</summary>
    public int Started => Volatile.Read(ref started);

    /// <summary>The bodies of the posts answered so far, oldest first.</summary>
    public IReadOnlyList<JsonElement> Posts => [.. posts];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/services/{token}", async (HttpContext context, string token) =>
        {
            Interlocked.Increment(ref receiver.started);
            if (receiver.Holding)
            {
                await receiver.held.Task;
            }

            if (token != receiver.Token)
            {
                return Results.NotFound();
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            receiver.posts.Enqueue(body.RootElement.Clone());
            return Results.Text("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri($"{address.TrimEnd('/')}/services/{receiver.Token}");
        return receiver;
    }

    /// <summary>Answers the held requests, and the next ones at once.</summary>
    public void Release()
    {
        Holding = false;
        held.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
