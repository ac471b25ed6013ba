using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A loopback proxy in front of an S3 server that forwards every request as it is, except the first one a test
/// asked it to hold: that one is never forwarded, so the server never sees it, and the test learns that the client
/// is now waiting on it (and can SIGKILL the client at exactly that step). A harness piece, like the s3rver proxy.
/// </summary>
internal sealed class HoldingS3Proxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private Func<HttpRequest, bool>? hold;
    private TaskCompletionSource<string>? held;

    private HoldingS3Proxy(WebApplication app, HttpClient upstream)
    {
        this.app = app;
        this.upstream = upstream;
    }

    /// <summary>Where clients should send their requests.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<HoldingS3Proxy> StartAsync(Uri server)
    {
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var proxy = new HoldingS3Proxy(builder.Build(), upstream);
        proxy.app.Run(proxy.ForwardAsync);
        await proxy.app.StartAsync();
        proxy.Url = new Uri(proxy.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return proxy;
    }

    /// <summary>
    /// Holds the first request that <paramref name="match"/> picks (evaluated in order of arrival); the task ends,
    /// with the request's method and path, once one is being held.
    /// </summary>
    public Task<string> HoldAsync(Func<HttpRequest, bool> match)
    {
        lock (gate)
        {
            hold = match;
            held = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return held.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        released.TrySetResult();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        TaskCompletionSource<string>? holding = null;
        lock (gate)
        {
            if (hold is not null && hold(context.Request))
            {
                holding = held;
                hold = null;
            }
        }

        if (holding is not null)
        {
            holding.TrySetResult($"{context.Request.Method} {context.Request.Path}");

            // Never forwarded: the client is killed meanwhile; when the proxy stops, the connection just closes.
            await released.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Abort();
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
