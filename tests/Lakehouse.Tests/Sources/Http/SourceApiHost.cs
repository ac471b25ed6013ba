using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.SpaceX;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>
/// The SpaceX and NASA Refit clients as the composition root registers them (<see cref="SourceApiServiceCollectionExtensions.AddSourceApi"/>),
/// pointed at a local server, with short delays so retries take milliseconds, and their logs collected. NASA's client
/// carries <see cref="Key"/> and hides it.
/// </summary>
internal sealed class SourceApiHost : IDisposable
{
    public const string Source = "spacex";

    private readonly ServiceProvider services;

    public SourceApiHost(Uri baseUrl, Action<SourceHttpOptions>? configure = null, TimeProvider? timeProvider = null, string key = "test-key-0123456789")
    {
        Key = key;
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        void Fast(SourceHttpOptions options)
        {
            options.BaseUrl = baseUrl;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            options.RetryMaxDelay = TimeSpan.FromSeconds(2);
            options.RequestTimeout = TimeSpan.FromSeconds(5);

            // Out of the way unless a test is about it.
            options.RequestsPerSecond = 1000;
            options.Burst = 100;
            configure?.Invoke(options);
        }

        var sections = new ConfigurationBuilder().Build();
        collection.AddSourceApi<ISpaceXApi>(Source, sections.GetSection("Lakehouse:Sources:SpaceX")).Configure(Fast);
        collection.AddSourceApi<INasaApi>(NasaSource.SourceName, sections.GetSection("Lakehouse:Sources:Nasa"), _ => [key]).Configure(Fast);
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        SpaceX = services.GetRequiredService<ISpaceXApi>();
        Nasa = services.GetRequiredService<INasaApi>();
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

    public void Dispose() => services.Dispose();
}
