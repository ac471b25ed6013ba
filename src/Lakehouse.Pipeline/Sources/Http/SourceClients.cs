using System.Net;
using System.Net.Http.Headers;
using Lakehouse.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.Http;

/// <summary>The client of each registered source, by name: <c>clients.Get("spacex")</c>.</summary>
internal sealed class SourceClients(IServiceProvider services)
{
    public SourceClient Get(string source) =>
        services.GetKeyedService<SourceClient>(source)
        ?? throw new InvalidOperationException($"No HTTP client is registered for source '{source}': call services.AddSourceClient(\"{source}\", ...) in the composition root.");
}

internal static class SourceClientServiceCollectionExtensions
{
    private static readonly ProductInfoHeaderValue UserAgent =
        new("lakehouse", typeof(SourceClient).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>
    /// Registers <paramref name="source"/>'s client: its named <see cref="HttpClient"/>, its options (named after the
    /// source, bound from <paramref name="section"/> and validated at start-up with messages that name the keys), and
    /// the <see cref="SourceClient"/> that <see cref="SourceClients.Get"/> returns.
    /// </summary>
    /// <returns>The options builder, to configure more on top of the section (tests point BaseUrl at a local server).</returns>
    public static OptionsBuilder<SourceHttpOptions> AddSourceClient(this IServiceCollection services, string source, IConfigurationSection section)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(section);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SourceClients>();
        services.AddSingleton<IValidateOptions<SourceHttpOptions>>(new SourceHttpOptionsValidator(source, section.Path));

        services.AddHttpClient(source, http =>
            {
                // Each attempt has its own timeout (RequestTimeout), which the client tells apart from the caller's cancellation.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
                http.DefaultRequestHeaders.Accept.ParseAdd("application/json, */*;q=0.1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All })

            // The factory's own loggers write the request URL, which carries the API key; the client logs requests redacted.
            .RemoveAllLoggers();

        // A factory, not a type: the quota needs the lake's store, which only a source with a quota may ask for.
        services.TryAddSingleton(provider => new RequestQuota(
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(source, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>().Get(source);
            return new SourceClient(
                source,
                options,
                provider.GetRequiredService<IHttpClientFactory>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SourceClient>>(),
                options.QuotaRequests is null ? null : provider.GetRequiredService<RequestQuota>());
        });

        return services.AddOptions<SourceHttpOptions>(source).Bind(section).ValidateOnStart();
    }
}
