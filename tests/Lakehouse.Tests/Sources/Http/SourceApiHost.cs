using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>
/// The SpaceX and NASA Refit clients as the composition root registers them (<see cref="PipelineHostBuilder"/>),
/// pointed at a local server, with short delays so retries take milliseconds, and their logs collected. NASA's client
/// carries <see cref="Key"/> and hides it.
/// </summary>
internal sealed class SourceApiHost : IDisposable
{
    public const string Source = "spacex";

    private readonly TempDirectory root = new();
    private readonly PipelineHost host;

    public SourceApiHost(Uri baseUrl, Action<SourceHttpOptions>? configure = null, TimeProvider? timeProvider = null, string key = "test-key-0123456789")
    {
        Key = key;
        void Fast(SourceHttpOptions options)
        {
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            options.RetryMaxDelay = TimeSpan.FromSeconds(2);
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            options.MaxAttempts = 5;
            configure?.Invoke(options);
        }

        var builder = new PipelineHostBuilder(root.Path)
            .Source("SpaceX", baseUrl)
            .Source("Nasa", baseUrl)
            .Environment(NasaSource.ApiKeyVariable, key)
            .Logs(Logs)
            .Replace(services => services.Configure<SourceHttpOptions>(Source, Fast).Configure<SourceHttpOptions>(NasaSource.SourceName, Fast));
        host = timeProvider is null ? builder.Build() : builder.Time(timeProvider).Build();
        SpaceX = host.Get<ISpaceXApi>();
        Nasa = host.Get<INasaApi>();
    }

    public CollectingLoggerProvider Logs { get; } = new();

    public string Key { get; }

    public ISpaceXApi SpaceX { get; }

    public INasaApi Nasa { get; }

    /// <summary><c>GET /v5/launches/latest</c>, the simplest call there is.</summary>
    public Task<SourceResponse> LatestAsync(CancellationToken ct = default) => SpaceX.LatestLaunchAsync(ct).ReceiveAsync();

    /// <summary><c>GET /neo/rest/v1/feed?start_date=2025-01-01&amp;end_date=2025-01-07&amp;api_key={Key}</c>.</summary>
    public Task<SourceResponse> FeedAsync(CancellationToken ct = default) =>
        Nasa.NeoFeedAsync(new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 7), Key, ct).ReceiveAsync();

    public void Dispose()
    {
        host.Dispose();
        root.Dispose();
    }
}
