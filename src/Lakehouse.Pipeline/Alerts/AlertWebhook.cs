using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Alerts;

/// <summary>
/// Posts alerts to the configured webhook, one at a time, off the run's path: <see cref="Post"/> only queues, a
/// background loop sends, each post bounded by <see cref="AlertOptions.PostTimeout"/>, and a failed post is logged
/// (with the webhook's host only) and dropped. So a webhook that is down or slow never fails or delays a run.
/// </summary>
/// <remarks>
/// Its own <see cref="HttpClient"/>, not one from IHttpClientFactory: the factory's loggers write the request URL, and
/// the webhook's URL holds its token. Redirects are not followed, so the alert text goes nowhere but the URL given.
/// </remarks>
internal sealed partial class AlertWebhook : IDisposable, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Alerts not yet sent; the oldest are dropped past this many (a webhook down for days).</summary>
    private const int QueueLimit = 1000;

    private readonly Channel<Alert> queue = Channel.CreateBounded<Alert>(
        new BoundedChannelOptions(QueueLimit) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly AlertOptions options;
    private readonly ILogger<AlertWebhook> logger;
    private readonly HttpClient? http;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task sending;

    public AlertWebhook(AlertOptions options, ILogger<AlertWebhook> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = logger;
        if (options.WebhookUrl.Length > 0)
        {
            http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = options.PostTimeout }) { Timeout = options.PostTimeout };
        }

        sending = http is null ? Task.CompletedTask : Task.Run(SendAllAsync);
    }

    /// <summary>Alerts posted successfully so far.</summary>
    public int Delivered => Volatile.Read(ref delivered);

    private int delivered;

    /// <summary>Queues <paramref name="alert"/> for the webhook, if one is configured; returns at once.</summary>
    public void Post(Alert alert)
    {
        if (http is not null)
        {
            queue.Writer.TryWrite(alert);
        }
    }

    private async Task SendAllAsync()
    {
        try
        {
            await foreach (var alert in queue.Reader.ReadAllAsync(stopping.Token))
            {
                await SendAsync(alert);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped with alerts still queued: they were logged when raised.
        }
    }

    private async Task SendAsync(Alert alert)
    {
        try
        {
            var body = new { text = alert.Text, kind = alert.Kind, subject = alert.Subject, status = alert.Resolved ? "resolved" : "firing", at = alert.At };
            using var response = await http!.PostAsJsonAsync(options.WebhookUrl, body, Json, stopping.Token);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref delivered);
            }
            else
            {
                LogNotDelivered(options.DescribeWebhook(), $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", alert.Text);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
        {
            // The exception's own message may hold the URL; say what kind of failure it was instead.
            LogNotDelivered(options.DescribeWebhook(), e is TaskCanceledException ? $"no answer within {options.PostTimeout.TotalSeconds:0.###} s (Lakehouse:Alerts:PostTimeout)" : $"the request failed ({((HttpRequestException)e).HttpRequestError})", alert.Text);
        }
    }

    /// <summary>Gives what is queued one <see cref="AlertOptions.PostTimeout"/> to go out, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (await Task.WhenAny(sending, Task.Delay(options.PostTimeout + options.PostTimeout)) != sending)
        {
            await stopping.CancelAsync();
            await sending;
        }

        http?.Dispose();
        stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert not delivered to the webhook {Webhook}: {Reason}. It said: {Text}")]
    private partial void LogNotDelivered(string webhook, string reason, string text);
}
