using Lakehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Lakehouse.Sources.Http;

/// <summary>
/// How politely to call one source's API. Bound from <c>Lakehouse:Sources:{SpaceX|Nasa|Rawg}</c>; the defaults suit a
/// public API that documents no limit (SpaceX). Sources with a quota (NASA, RAWG) lower <see cref="RequestsPerSecond"/>.
/// </summary>
internal sealed class SourceHttpOptions
{
    /// <summary>
    /// The API's root, e.g. <c>https://api.rawg.io/api</c>. Its path is kept: request paths are appended to it.
    /// Required.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// The steady request rate, shared by every request to the source, retries included. NASA's 1,000 requests an
    /// hour is about 0.27.
    /// </summary>
    public double RequestsPerSecond { get; set; } = 5;

    /// <summary>The slowest rate accepted: one request every 1000 s.</summary>
    public const double MinRequestsPerSecond = 0.001;

    /// <summary>How many requests may go out back to back after a quiet spell before the rate applies.</summary>
    public int Burst { get; set; } = 1;

    /// <summary>Attempts per request, the first included; bounded so an API that is down fails a run, not hangs it.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Requests the API allows per <see cref="QuotaPeriod"/> in all (RAWG: 20,000 a month; NASA's DEMO_KEY: 50 a day);
    /// null for no quota. Counted in the lake, so every process and node shares one count.
    /// </summary>
    public int? QuotaRequests { get; set; }

    /// <summary>The period <see cref="QuotaRequests"/> counts over (calendar day or month, UTC).</summary>
    public QuotaPeriod QuotaPeriod { get; set; } = QuotaPeriod.Month;

    /// <summary>How long one attempt may take, from sending the request to the last byte of the body.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The median delay before the first retry; later retries back off exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between attempts. It also caps a server's <c>Retry-After</c>, and is how long the source pauses
    /// after a response says <c>X-RateLimit-Remaining: 0</c> without saying when to come back.
    /// </summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The fastest rate accepted.</summary>
    public const double MaxRequestsPerSecond = 1000;

    /// <summary>The longest <see cref="RequestTimeout"/>, <see cref="RetryBaseDelay"/> and <see cref="RetryMaxDelay"/>.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The problems with these options, each naming its key under <paramref name="configKeyPrefix"/>; empty when valid.</summary>
    /// <param name="configKeyPrefix">The section they were bound from, e.g. <c>Lakehouse:Sources:SpaceX</c>.</param>
    public IReadOnlyList<string> Validate(string configKeyPrefix)
    {
        var ranges = new OptionRanges(configKeyPrefix);
        var baseUrl = ranges.Key(nameof(BaseUrl));
        if (BaseUrl is null)
        {
            ranges.Problems.Add($"{baseUrl} is required (e.g. https://api.spacexdata.com).");
        }
        else if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            ranges.Problems.Add($"{baseUrl} must be an absolute http or https URL, not \"{BaseUrl}\".");
        }
        else if (!string.IsNullOrEmpty(BaseUrl.UserInfo) || !string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
        {
            // Not echoed: user info or a query is where a key would be. Keys come from the environment.
            ranges.Problems.Add($"{baseUrl} must be a plain URL without credentials, query or fragment; API keys come from the environment.");
        }

        // Below one request in a thousand seconds a run would wait hours for its first page: surely a typo.
        ranges
            .Check(nameof(RequestsPerSecond), RequestsPerSecond, MinRequestsPerSecond, MaxRequestsPerSecond, "e.g. 0.25 for one request every 4 s")
            .Check(nameof(Burst), Burst, 1, 1000)
            .Check(nameof(MaxAttempts), MaxAttempts, 1, 20);
        if (QuotaRequests is { } quota)
        {
            ranges.AtLeast(nameof(QuotaRequests), quota, 1, "or leave it out for no quota");
        }

        ranges
            .Check(nameof(RequestTimeout), RequestTimeout, OptionRanges.Positive, MaxDelay, "e.g. 00:00:30")
            .Check(nameof(RetryMaxDelay), RetryMaxDelay, OptionRanges.Positive, MaxDelay, "e.g. 00:01:00")
            .Check(nameof(RetryBaseDelay), RetryBaseDelay, OptionRanges.Positive, MaxDelay, "e.g. 00:00:01");
        if (RetryBaseDelay > RetryMaxDelay && RetryMaxDelay >= OptionRanges.Positive && RetryBaseDelay <= MaxDelay)
        {
            ranges.Problems.Add(
                $"{ranges.Key(nameof(RetryBaseDelay))} is {OptionRanges.Text(RetryBaseDelay)}, more than {ranges.Key(nameof(RetryMaxDelay))} " +
                $"({OptionRanges.Text(RetryMaxDelay)}): the first retry's delay must be at most the longest one.");
        }

        return ranges.Problems;
    }
}

/// <summary>
/// Validates the named options of one source (the name is the source, e.g. <c>spacex</c>) at start-up, so a bad
/// value is reported with its key before any request goes out.
/// </summary>
internal sealed class SourceHttpOptionsValidator(string source, string configKeyPrefix) : IValidateOptions<SourceHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, SourceHttpOptions options)
    {
        if (name != source)
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = options.Validate(configKeyPrefix);
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(ConfigurationKey.WithEnvironmentVariable));
    }
}

/// <summary>The period a request quota counts over, in UTC calendar terms.</summary>
internal enum QuotaPeriod
{
    Day,
    Month,
}
