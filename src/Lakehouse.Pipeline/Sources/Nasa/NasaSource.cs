using System.Globalization;
using System.Runtime.CompilerServices;
using Lakehouse.Bronze;
using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Sources.Http;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Sources.Nasa;

/// <summary>
/// NASA's open APIs behind the api.data.gov gateway (apis.md §2): NeoWs close approaches by week, APOD by month and
/// three DONKI space-weather event kinds by month. Every dataset is a date window read with one GET per window; the
/// windows themselves (<see cref="PlanIncremental"/>) decide what is re-read, since recent data is revised.
/// </summary>
/// <remarks>
/// The calls are <see cref="INasaApi"/>'s. The key goes only into the query string that goes on the wire: the client's
/// pipeline replaces the copy NeoWs echoes into its <c>links</c> URLs, and every description of a request shows it
/// redacted (<see cref="NasaServiceCollectionExtensions"/> gives it the key to hide).
/// </remarks>
internal sealed partial class NasaSource : ISource
{
    public const string SourceName = "nasa";

    /// <summary>The environment variable that holds the api.nasa.gov key (a secret: see AddSourceSecret).</summary>
    public const string ApiKeyVariable = "NASA_API_KEY";

    /// <summary>The silver declared in <see cref="NasaSilver"/> (with this folder's <c>Silver/macros.sql</c>) and the gold models in this folder.</summary>
    public static SourceSql Sql { get; } = SourceSql.Beside<NasaSource>(SourceName).WithSilver(NasaSilver.Datasets);

    /// <summary>The gateway's shared key for trying the APIs without signing up.</summary>
    public const string DemoKey = "DEMO_KEY";

    /// <summary>What <see cref="DemoKey"/> allows, per IP address (api.nasa.gov authentication page).</summary>
    public const string DemoKeyLimits = "30 requests an hour and 50 a day";

    /// <summary>The gateway (apis.md §2.1).</summary>
    public static readonly Uri PublicApi = new("https://api.nasa.gov");

    /// <summary>The first day APOD can answer; earlier dates are refused with a 400.</summary>
    public static readonly DateOnly ApodFirstDay = new(1995, 6, 16);

    private static readonly NasaDataset[] Windows =
    [
        // The feed refuses windows over 7 days; the window containing today is read again by every run.
        new("neo_feed", "fact_close_approach", PartitionScheme.Week, (api, from, to, key, ct) => api.NeoFeedAsync(from, to, key, ct), MaxDays: 7, RereadDays: 0),

        // The service can publish the newest day late (it drops an entry dated after its own clock's day).
        new("apod", "fact_apod", PartitionScheme.Month, (api, from, to, key, ct) => api.ApodAsync(from, to, key, ct), MaxDays: 31, RereadDays: 2),

        // DONKI events are added late and revised (versionId): the last 30 days are read again by every run.
        new("donki_cme", "fact_space_weather_event", PartitionScheme.Month, (api, from, to, key, ct) => api.CoronalMassEjectionsAsync(from, to, key, ct), MaxDays: 31, RereadDays: 30),
        new("donki_flr", "fact_space_weather_event", PartitionScheme.Month, (api, from, to, key, ct) => api.SolarFlaresAsync(from, to, key, ct), MaxDays: 31, RereadDays: 30),
        new("donki_gst", "fact_space_weather_event", PartitionScheme.Month, (api, from, to, key, ct) => api.GeomagneticStormsAsync(from, to, key, ct), MaxDays: 31, RereadDays: 30),
    ];

    private readonly INasaApi api;
    private readonly NasaOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string key;
    private int demoKeyWarned;

    /// <param name="api">The <c>nasa</c> client (its limits follow the key: see <see cref="NasaServiceCollectionExtensions"/>).</param>
    /// <param name="options">The source's settings.</param>
    /// <param name="secrets">Where <c>NASA_API_KEY</c> comes from; <see cref="DemoKey"/> when it is unset.</param>
    /// <param name="time">Today, for the cursor (the last complete day).</param>
    /// <param name="logger">Receives the one warning about <see cref="DemoKey"/>.</param>
    /// <param name="warnAboutDemoKey">
    /// Whether to warn about <see cref="DemoKey"/>'s limits: they are api.nasa.gov's, so not for a local server (the demo).
    /// </param>
    public NasaSource(INasaApi api, NasaOptions options, LakehouseSecrets secrets, TimeProvider time, ILogger<NasaSource> logger, bool warnAboutDemoKey = true)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        this.api = api;
        this.options = options;
        this.time = time;
        this.logger = logger;
        UsesDemoKey = secrets.OfSource(ApiKeyVariable) is null;
        key = secrets.OfSource(ApiKeyVariable) ?? DemoKey;
        demoKeyWarned = warnAboutDemoKey ? 0 : 1;
    }

    /// <summary>The datasets' full names, <c>nasa.neo_feed</c> first.</summary>
    public static IReadOnlyList<string> DatasetNames { get; } = [.. Windows.Select(w => $"{SourceName}.{w.Name}")];

    public string Name => SourceName;

    /// <summary>No probe and nothing to refresh in full: the windows of <see cref="PlanIncremental"/> decide what is re-read.</summary>
    public TimeSpan FullRefreshInterval => TimeSpan.Zero;

    public string? Unavailable => null;

    /// <summary>True when <c>NASA_API_KEY</c> is unset and the gateway's shared <see cref="DemoKey"/> is used.</summary>
    public bool UsesDemoKey { get; }

    public IReadOnlyList<SourceDataset> Datasets { get; } =
        [.. Windows.Select(w => new SourceDataset(new DatasetName(SourceName, w.Name), w.GoldTable, w.Scheme))];

    public Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct) => Task.FromResult(SourceProbe.NotSupported);

    /// <summary>
    /// From the day after the cursor (the last complete day landed), or <see cref="NasaOptions.InitialDays"/> back on
    /// the first run, up to today; and in any case the dataset's re-read days (NeoWs: the week containing today;
    /// APOD: the last 2 days; DONKI: the last 30).
    /// </summary>
    public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh)
    {
        var window = WindowOf(dataset);
        return Partition.Incremental(window.Scheme, cursor, today, window.RereadDays, options.InitialDays);
    }

    public async IAsyncEnumerable<SourceExchange> FetchAsync(
        SourceDataset dataset, Partition partition, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var window = WindowOf(dataset);
        if (partition.Start is not { } start || partition.End is not { } end)
        {
            throw new ArgumentException($"{dataset.Name} is read by date window, not whole: {partition.Name} has no dates.", nameof(partition));
        }

        WarnOnceAboutDemoKey();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (end > today)
        {
            end = today;
        }

        if (window.Name == "apod" && start < ApodFirstDay)
        {
            start = ApodFirstDay;
        }

        // Windows are cut here, not taken from the feed's links.next, which starts on the previous window's last day.
        for (var from = start; from <= end; from = from.AddDays(window.MaxDays))
        {
            var to = from.AddDays(window.MaxDays - 1) < end ? from.AddDays(window.MaxDays - 1) : end;
            SourceResponse response;
            try
            {
                response = await window.Call(api, from, to, key, ct).ReceiveAsync();
            }
            catch (SourceRequestException e)
            {
                throw Explain(e);
            }

            // The last complete day: today's data still grows, so the cursor stops at yesterday.
            var complete = to < today ? to : today.AddDays(-1);
            yield return new SourceExchange(response, complete >= from ? Text(complete) : null);
        }
    }

    private static NasaDataset WindowOf(SourceDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Array.Find(Windows, w => dataset.Name.Source == SourceName && w.Name == dataset.Name.Name)
            ?? throw new ArgumentException($"{dataset.Name} is not a NASA dataset.", nameof(dataset));
    }

    /// <summary>The client's failure in NASA's terms: which setting to fix, or when to come back.</summary>
    private Exception Explain(SourceRequestException e) => e.StatusCode switch
    {
        401 or 403 => new SourceAccessException(
            SourceName,
            UsesDemoKey
                ? $"{SourceName}: api.nasa.gov refused {DemoKey} (HTTP {e.StatusCode}); set {ApiKeyVariable} to your own key (free at https://api.nasa.gov). {e.Message}"
                : $"{SourceName}: api.nasa.gov refused the key in {ApiKeyVariable} (HTTP {e.StatusCode}); check it, or get a new one at https://api.nasa.gov. {e.Message}",
            e),

        // The gateway's limit is per key across all of api.nasa.gov: the other datasets would only be refused too.
        429 => new SourceAccessException(
            SourceName,
            $"{SourceName}: api.nasa.gov's rate limit was hit (HTTP 429 OVER_RATE_LIMIT) and {e.Attempts} attempt{(e.Attempts == 1 ? "" : "s")} did not get through "
            + (UsesDemoKey ? $"({DemoKey} allows {DemoKeyLimits}; set {ApiKeyVariable} for 1,000 an hour). " : "(a key allows 1,000 requests an hour). ")
            + $"Run the same command later: it continues where it stopped. {e.Message}",
            e),
        >= 500 => new SourceRequestException(
            $"{e.Message} NASA's service is down or overloaded (api.nasa.gov answers 5xx, often with an HTML page, during back-end outages); the next run fetches this window again.",
            e.Source ?? SourceName, e.Request, e.StatusCode, e.Attempts, isTransient: true, e),
        _ => e,
    };

    private void WarnOnceAboutDemoKey()
    {
        if (UsesDemoKey && Interlocked.Exchange(ref demoKeyWarned, 1) == 0)
        {
            LogDemoKey(ApiKeyVariable, DemoKey, DemoKeyLimits);
        }
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Variable} is not set: NASA is read with {DemoKey}, which allows {Limits} per IP address; set {Variable} to your own key (free at https://api.nasa.gov) for 1,000 requests an hour")]
    private partial void LogDemoKey(string variable, string demoKey, string limits);

    /// <summary>One NASA dataset: its call for one window, the window's size and how far back each run reads it again.</summary>
    private sealed record NasaDataset(
        string Name, string GoldTable, PartitionScheme Scheme, Func<INasaApi, DateOnly, DateOnly, string, CancellationToken, Task<HttpResponseMessage>> Call,
        int MaxDays, int RereadDays);
}

/// <summary>The NASA source's settings, beside its HTTP settings under <c>Lakehouse:Sources:Nasa</c>.</summary>
internal sealed class NasaOptions
{
    public const string Section = "Lakehouse:Sources:Nasa";

    /// <summary>How many days back the first incremental run of a dataset starts; older history is for <c>backfill</c>.</summary>
    public int InitialDays { get; set; } = 7;
}
