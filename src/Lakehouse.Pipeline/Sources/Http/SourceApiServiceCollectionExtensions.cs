using System.Net;
using System.Net.Http.Headers;
using Lakehouse.Storage;
using Lakehouse.Configuration;
using Lakehouse.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace Lakehouse.Sources.Http;

internal static class SourceApiServiceCollectionExtensions
{
    private static readonly ProductInfoHeaderValue UserAgent =
        new("lakehouse", typeof(SourceApiServiceCollectionExtensions).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>
    /// Refit's transport errors reach the handlers' callers as they are: a <see cref="SourceRequestException"/> or
    /// <see cref="QuotaExhaustedException"/> from the pipeline, not wrapped in Refit's own exception type.
    /// </summary>
    private static readonly RefitSettings Settings = new() { TransportExceptionFactory = static (_, exception, _) => exception };

    /// <summary>
    /// Registers <paramref name="source"/>'s Refit client <typeparamref name="TApi"/> on <see cref="IHttpClientFactory"/>,
    /// with the polite pipeline as message handlers, outermost first:
    /// <list type="number">
    /// <item><see cref="SourceExchangeHandler"/>: the request written down (secrets redacted) and the final outcome in the pipeline's terms;</item>
    /// <item><see cref="EchoedSecretHandler"/>: a secret echoed in the body replaced;</item>
    /// <item>a <see cref="ResilienceHandler"/> with Polly's retry (bounded, exponential backoff with jitter,
    /// <c>Retry-After</c> and <c>X-RateLimit-Remaining</c> honoured) around Polly's rate limiter (the source's token
    /// bucket and <see cref="ServerPause"/>);</item>
    /// <item><see cref="RequestQuotaHandler"/>: the attempt counted against the quota in the lake before it is sent;</item>
    /// <item>a <see cref="ResilienceHandler"/> with Polly's timeout: one attempt, headers to last byte;</item>
    /// <item><see cref="ReceivedResponseHandler"/>: the body read whole within the attempt and checked;</item>
    /// </list>
    /// then the socket handler, which follows no redirect (a redirect could carry the key to another host). The
    /// options are named after the source, bound from <paramref name="section"/> and validated at start-up with
    /// messages that name the keys.
    /// </summary>
    /// <param name="services">The composition root's services.</param>
    /// <param name="source">The source's name (<c>spacex</c>).</param>
    /// <param name="section">Its configuration section, e.g. <c>Lakehouse:Sources:SpaceX</c>.</param>
    /// <param name="secrets">The values to hide wherever the client writes something down (the API key); none when null.</param>
    /// <returns>The options builder, to configure more on top of the section (tests point BaseUrl at a local server).</returns>
    public static OptionsBuilder<SourceHttpOptions> AddSourceApi<TApi>(
        this IServiceCollection services, string source, IConfigurationSection section, Func<IServiceProvider, IEnumerable<string?>>? secrets = null)
        where TApi : class
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(section);

        services.TryAddSingleton(TimeProvider.System);

        // The client counts its calls and retries (the "Lakehouse" meter), with or without the rest of the composition root.
        services.AddMetrics();
        services.TryAddSingleton<PipelineTelemetry>();
        services.AddSingleton<IValidateOptions<SourceHttpOptions>>(new SourceHttpOptionsValidator(source, section.Path));

        // A factory, not a type: the quota needs the lake's store, which only a source with a quota asks for.
        services.TryAddSingleton(provider => new RequestQuota(
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>(),
            provider.GetRequiredService<TimeProvider>()));

        // One of each per source, shared by every request to it (a limiter and a pause mean nothing otherwise).
        services.AddKeyedSingleton(source, (provider, _) => new SourcePoliteness(
            source, Options(provider, source), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<SourcePoliteness>>(),
            provider.GetRequiredService<PipelineTelemetry>()));
        services.AddKeyedSingleton(source, (provider, _) => new SecretRedactor(secrets?.Invoke(provider) ?? []));

        services.AddRefitClient<TApi>(Settings)
            .ConfigureHttpClient((provider, http) =>
            {
                // Refit appends each method's path to the base address's own path (RAWG's /api).
                http.BaseAddress = new Uri(Options(provider, source).BaseUrl!.AbsoluteUri.TrimEnd('/'));

                // Each attempt has its own timeout (RequestTimeout), which the pipeline tells apart from the caller's cancellation.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
                http.DefaultRequestHeaders.Accept.ParseAdd("application/json, */*;q=0.1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, AllowAutoRedirect = false })
            .AddHttpMessageHandler(provider => new SourceExchangeHandler(
                source, Options(provider, source).BaseUrl!, provider.GetRequiredKeyedService<SecretRedactor>(source), Options(provider, source), provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<PipelineTelemetry>()))
            .AddHttpMessageHandler(provider => new EchoedSecretHandler(provider.GetRequiredKeyedService<SecretRedactor>(source)))
            .AddHttpMessageHandler(provider => new ResilienceHandler(provider.GetRequiredKeyedService<SourcePoliteness>(source).RetryAndRateLimit))
            .AddHttpMessageHandler(provider => new RequestQuotaHandler(source, Options(provider, source), provider))
            .AddHttpMessageHandler(provider => new ResilienceHandler(provider.GetRequiredKeyedService<SourcePoliteness>(source).AttemptTimeout))
            .AddHttpMessageHandler(provider => new ReceivedResponseHandler(
                provider.GetRequiredKeyedService<SourcePoliteness>(source).Pause, provider.GetRequiredService<TimeProvider>()))

            // The factory's own loggers write the request URL, which carries the API key; the pipeline logs requests redacted.
            .RemoveAllLoggers();

        return services.AddLakehouseOptions<SourceHttpOptions>(section, source);
    }

    private static SourceHttpOptions Options(IServiceProvider provider, string source) =>
        provider.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>().Get(source);
}
