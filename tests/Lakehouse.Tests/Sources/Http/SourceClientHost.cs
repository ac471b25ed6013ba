using Lakehouse.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>
/// The SpaceX source's client as the composition root registers it (<see cref="SourceClientServiceCollectionExtensions.AddSourceClient"/>),
/// pointed at a local server, with short delays so retries take milliseconds, and its logs collected.
/// </summary>
internal sealed class SourceClientHost : IDisposable
{
    public const string Source = "spacex";

    private readonly ServiceProvider services;

    public SourceClientHost(Uri baseUrl, Action<SourceHttpOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        collection.AddSourceClient(Source, new ConfigurationBuilder().Build().GetSection("Lakehouse:Sources:SpaceX"))
            .Configure(options =>
            {
                options.BaseUrl = baseUrl;
                options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                options.RetryMaxDelay = TimeSpan.FromSeconds(2);
                options.RequestTimeout = TimeSpan.FromSeconds(5);

                // Out of the way unless a test is about it.
                options.RequestsPerSecond = 1000;
                options.Burst = 100;
                configure?.Invoke(options);
            });
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Client = services.GetRequiredService<SourceClients>().Get(Source);
    }

    public CollectingLoggerProvider Logs { get; } = new();

    public SourceClient Client { get; }

    public void Dispose() => services.Dispose();
}
