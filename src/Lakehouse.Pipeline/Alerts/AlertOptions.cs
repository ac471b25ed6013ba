using Lakehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Lakehouse.Alerts;

/// <summary>
/// When <c>lakehouse schedule</c> raises an alert, and where it posts it. Bound from <c>Lakehouse:Alerts</c>; the
/// thresholds' defaults are the ones the dashboards our users come from alert on (5 API errors in a row, 24 h without
/// new data, a run longer than an hour).
/// </summary>
internal sealed class AlertOptions
{
    public const string Section = "Lakehouse:Alerts";

    /// <summary>
    /// Where alerts are posted as JSON with a Slack-compatible <c>text</c> field (a Slack or Mattermost incoming
    /// webhook, or anything that takes a JSON POST); empty: alerts are only logged. It usually carries a token, so give
    /// it through the environment (<c>Lakehouse__Alerts__WebhookUrl</c>); it is never logged in full.
    /// </summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>How many API requests of one source must fail in a row (each after the client's retries) to alert.</summary>
    public int ConsecutiveApiErrors { get; set; } = 5;

    /// <summary>
    /// A scheduled dataset that has landed nothing new for longer than this, and for longer than two of its schedule's
    /// intervals (the rule <c>lakehouse status</c> uses), is stale.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A run still going after this long raises an alert (once), and its end a recovery.</summary>
    public TimeSpan RunTimeLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the scheduler looks for stale datasets and long runs.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one post to the webhook may take; posts never hold up a run.</summary>
    public TimeSpan PostTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The webhook as logs may show it: scheme and host only (the path and query usually hold its token).</summary>
    public string DescribeWebhook() =>
        Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Authority}/…" : "(no webhook)";
}

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var ranges = new OptionRanges(AlertOptions.Section)
            .Check(nameof(options.ConsecutiveApiErrors), options.ConsecutiveApiErrors, 1, 10_000)
            .Check(nameof(options.StaleAfter), options.StaleAfter, TimeSpan.FromMinutes(1), TimeSpan.FromDays(366))
            .Check(nameof(options.RunTimeLimit), options.RunTimeLimit, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7))
            .Check(nameof(options.CheckInterval), options.CheckInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1))
            .Check(nameof(options.PostTimeout), options.PostTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "a post never holds up a run, but the queue waits for it");
        if (options.WebhookUrl.Length > 0
            && !(Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            // The value is not repeated: a webhook URL is a secret.
            ranges.Problems.Add($"{ConfigurationKey.Describe(ranges.Key(nameof(options.WebhookUrl)))} is not an absolute http:// or https:// URL (the value is not shown: it usually holds a token).");
        }

        return ranges.Result;
    }
}
