using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Sources.Http;
using Lakehouse.Storage;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Sources.Rawg;

/// <summary>
/// The RAWG video games database (apis.md §3): games, read by <c>updated</c> window once a cursor exists and by
/// release month before that (so a first load is resumable and backfillable month by month), the catalogues
/// (genres, platforms, parent platforms, stores, tags) read whole now and then, and optionally each changed game's
/// detail, through <see cref="IRawgApi"/>. Every request carries <c>RAWG_API_KEY</c> (redacted wherever a request is
/// written down) and counts against the monthly quota.
/// </summary>
/// <remarks>
/// Paging follows RAWG's <c>next</c> only as "there is a next page": page n+1 is asked for by number, because the
/// <c>next</c> URL carries the key. Pages are ordered by <c>-updated</c> everywhere: a game updated while the pages are read moves
/// to the front, which can show a game twice (silver keeps the newest observation) but never skips one.
/// </remarks>
internal sealed partial class RawgSource(
    IRawgApi api, RawgOptions options, string? apiKey, IObjectStore store, TimeProvider time, ILogger<RawgSource> logger) : ISource
{
    public const string SourceName = "rawg";

    /// <summary>The environment variable that holds the RAWG key (a secret: see AddSourceSecret).</summary>
    public const string ApiKeyVariable = "RAWG_API_KEY";

    /// <summary>The silver declared in <see cref="RawgSilver"/> (with this folder's <c>Silver/macros.sql</c>) and the gold models in this folder.</summary>
    public static SourceSql Sql { get; } = SourceSql.Beside<RawgSource>(SourceName).WithSilver(RawgSilver.Datasets);

    /// <summary>The public API (apis.md §3.1).</summary>
    public static readonly Uri PublicApi = new("https://api.rawg.io/api");

    /// <summary>The prefix of the partitions an incremental run reads by <c>updated</c> window (<c>updated-2026-11-22</c>).</summary>
    public const string UpdatedPartitionPrefix = "updated-";

    /// <summary>RAWG never serves more than 500 pages of one list (apis.md §3.1).</summary>
    public const int MaxPages = 500;

    public static readonly DatasetName Games = new(SourceName, "games");
    public static readonly DatasetName Genres = new(SourceName, "genres");
    public static readonly DatasetName Platforms = new(SourceName, "platforms");
    public static readonly DatasetName ParentPlatforms = new(SourceName, "parent_platforms");
    public static readonly DatasetName Stores = new(SourceName, "stores");
    public static readonly DatasetName Tags = new(SourceName, "tags");
    public static readonly DatasetName GameDetails = new(SourceName, "game_details");

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss";

    private static readonly Dictionary<string, Func<IRawgApi, int, int, string, CancellationToken, Task<HttpResponseMessage>>> CatalogueRoutes = new(StringComparer.Ordinal)
    {
        [Genres.Name] = (api, page, size, key, ct) => api.GenresAsync(page, size, key, ct),
        [Platforms.Name] = (api, page, size, key, ct) => api.PlatformsAsync(page, size, key, ct),
        [ParentPlatforms.Name] = (api, page, size, key, ct) => api.ParentPlatformsAsync(page, size, key, ct),
        [Stores.Name] = (api, page, size, key, ct) => api.StoresAsync(page, size, key, ct),
        [Tags.Name] = (api, page, size, key, ct) => api.TagsAsync(page, size, key, ct),
    };

    public string Name => SourceName;

    /// <summary>RAWG has no change probe: the cursors and the catalogue refresh interval decide what a run reads.</summary>
    public TimeSpan FullRefreshInterval => TimeSpan.Zero;

    public string? Unavailable => apiKey is null
        ? $"{ApiKeyVariable} is not set, so the RAWG datasets are skipped; get a free key at https://rawg.io/apidocs and set {ApiKeyVariable} in the environment or the .env file."
        : null;

    public IReadOnlyList<SourceDataset> Datasets { get; } =
    [
        new(Games, "fact_game", PartitionScheme.Month),
        new(Genres, "dim_genre"),
        new(Platforms, "dim_platform"),
        new(ParentPlatforms, "dim_platform"),
        new(Stores, "dim_store"),
        new(Tags, "dim_tag"),
        .. options.GameDetails ? [new SourceDataset(GameDetails, "fact_game")] : Array.Empty<SourceDataset>(),
    ];

    public Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct) => Task.FromResult(SourceProbe.NotSupported);

    /// <summary>
    /// Games: with a cursor, one <c>updated</c> window from the cursor's day (less the overlap) to today; without one,
    /// the release months from <see cref="RawgOptions.StartYear"/> to today. Catalogues: whole, unless read less than
    /// <see cref="RawgOptions.CatalogueRefreshInterval"/> ago (their cursor is the day they were read). Details: whole.
    /// </summary>
    public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Name == Games)
        {
            if (DayOf(cursor) is { } last)
            {
                var from = last.AddDays(-options.OverlapDays);
                return [new Partition(UpdatedPartitionPrefix + Text(today), from > today ? today : from, today)];
            }

            var start = new DateOnly(options.StartYear, 1, 1);
            return start > today ? [] : [.. Partition.Covering(PartitionScheme.Month, start, today).Select(p => p.ClippedTo(today))];
        }

        if (CatalogueRoutes.ContainsKey(dataset.Name.Name) && DayOf(cursor) is { } read
            && read.ToDateTime(TimeOnly.MinValue) + options.CatalogueRefreshInterval > today.ToDateTime(TimeOnly.MinValue))
        {
            return [];
        }

        return [Partition.Whole];
    }

    public IAsyncEnumerable<SourceExchange> FetchAsync(SourceDataset dataset, Partition partition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(partition);
        if (apiKey is null)
        {
            throw new SourceAccessException(SourceName, Unavailable!);
        }

        if (dataset.Name == Games)
        {
            return partition.Name.StartsWith(UpdatedPartitionPrefix, StringComparison.Ordinal)
                ? UpdatedWindowAsync(partition, ct)
                : ReleaseMonthAsync(partition, ct);
        }

        if (dataset.Name == GameDetails)
        {
            return DetailsAsync(ct);
        }

        if (CatalogueRoutes.TryGetValue(dataset.Name.Name, out var call))
        {
            // The cursor is the day the catalogue was read, for the refresh interval.
            var day = Text(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
            return PagesAsync(dataset.Name, partition, (page, ct) => call(api, page, options.PageSize, apiKey!, ct), _ => day, ct);
        }

        throw new ArgumentException($"{dataset.Name} is not a RAWG dataset.", nameof(dataset));
    }

    /// <summary>The games updated in the window, newest first; the cursor becomes the newest <c>updated</c> landed.</summary>
    private IAsyncEnumerable<SourceExchange> UpdatedWindowAsync(Partition partition, CancellationToken ct)
    {
        var window = DateRange(partition);
        return PagesAsync(Games, partition, (page, ct) => api.GamesAsync(dates: null, updated: window, "-updated", page, options.PageSize, apiKey!, ct), page => page.NewestUpdated, ct);
    }

    /// <summary>
    /// The games released in one month (the first load and backfills). During a first load (no cursor yet) a month
    /// landed in full by an earlier run is not read again, so a first load cut short by the quota resumes where it
    /// stopped; and only the month that holds today sets the cursor, once every earlier month has landed (the
    /// pipeline stops a dataset at its first failed partition).
    /// </summary>
    private async IAsyncEnumerable<SourceExchange> ReleaseMonthAsync(Partition partition, [EnumeratorCancellation] CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var firstLoad = (await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(Games), ct))?.Cursor is null;
        if (firstLoad && partition.IsClosed(today)
            && (await LakeJson.ReadAsync<PartitionState>(store, LakeKeys.PartitionState(Games, partition.Name), ct))?.CompletedAt is not null)
        {
            LogMonthAlreadyLanded(partition.Name);
            yield break;
        }

        // Games in months landed by earlier runs of a first load may have changed since: the cursor goes no later
        // than the first month's landing, so the first incremental run reads those changes again.
        var startedAt = firstLoad && !partition.IsClosed(today) ? await FirstLoadStartAsync(ct) : null;
        var window = DateRange(partition);
        var pages = PagesAsync(
            Games,
            partition,
            (page, ct) => api.GamesAsync(dates: window, updated: null, "-updated", page, options.PageSize, apiKey!, ct),
            page => startedAt is null ? null : Earlier(page.NewestUpdated ?? startedAt, startedAt),
            ct);
        await foreach (var exchange in pages)
        {
            yield return exchange;
        }
    }

    /// <summary>When the first load began: the earliest completion of a games month, or now when none completed yet.</summary>
    private async Task<string> FirstLoadStartAsync(CancellationToken ct)
    {
        var earliest = time.GetUtcNow();
        foreach (var info in await store.ListAllAsync(LakeKeys.PartitionStatePrefix(Games), ct))
        {
            if ((await LakeJson.ReadAsync<PartitionState>(store, info.Key, ct))?.CompletedAt is { } completed && completed < earliest)
            {
                earliest = completed;
            }
        }

        return earliest.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <c>/games/{id}</c> for every game landed since the last details read whose <c>updated</c> is later than its
    /// detail's landing (or that has none). The games come from the games bronze landed by runs after the cursor (the
    /// newest games landing run read); the detail landings from the details partition's own landing state.
    /// </summary>
    private async IAsyncEnumerable<SourceExchange> DetailsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var cursor = (await LakeJson.ReadAsync<DatasetState>(store, LakeKeys.DatasetState(GameDetails), ct))?.Cursor;
        var updated = new Dictionary<long, string>();
        string? newestRun = null;
        foreach (var info in await store.ListAllAsync(LakeKeys.BronzePrefix(Games), ct))
        {
            var name = info.Key.Value[(info.Key.Value.LastIndexOf('/') + 1)..];
            var run = name[..name.LastIndexOf('-')];
            if (cursor is not null && string.CompareOrdinal(run, cursor) <= 0)
            {
                continue;
            }

            newestRun = Later(newestRun, run);
            foreach (var (id, stamp) in GamesOf(await store.ReadAllBytesAsync(info.Key, ct)))
            {
                if (!updated.TryGetValue(id, out var seen) || string.CompareOrdinal(stamp, seen) > 0)
                {
                    updated[id] = stamp;
                }
            }
        }

        var details = await LakeJson.ReadAsync<PartitionState>(store, LakeKeys.PartitionState(GameDetails, Partition.WholeName), ct);
        var landed = new Dictionary<long, DateTimeOffset>();
        foreach (var (identity, last) in details?.Requests ?? [])
        {
            if (DetailIdentity().Match(identity) is { Success: true } match)
            {
                landed[long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)] = last.LandedAt;
            }
        }

        foreach (var (id, stamp) in updated.OrderBy(g => g.Key))
        {
            // updated has no zone; RAWG's timestamps are taken as UTC (apis.md §3.4).
            if (landed.TryGetValue(id, out var at)
                && DateTime.TryParseExact(stamp, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var changed)
                && new DateTimeOffset(changed, TimeSpan.Zero) <= at)
            {
                continue;
            }

            var response = await SendAsync(api.GameAsync(id, apiKey!, ct));
            if (response is null)
            {
                // Deleted since it was listed: nothing to land.
                continue;
            }

            yield return new SourceExchange(response, newestRun);
        }
    }

    /// <summary>
    /// Pages 1, 2, … of a list until RAWG says there is no next page, answers 404 for a page past the end, or the
    /// 500-page cap. Each exchange carries the cursor <paramref name="cursorOf"/> gives for its page.
    /// </summary>
    private async IAsyncEnumerable<SourceExchange> PagesAsync(
        DatasetName dataset, Partition partition, Func<int, CancellationToken, Task<HttpResponseMessage>> pageCall, Func<PageSummary, string?> cursorOf,
        [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var response = await SendAsync(pageCall(page, ct), pastTheEnd: page > 1);
            if (response is null)
            {
                yield break;
            }

            var summary = PageSummary.Read(response.Body, dataset == Games || dataset == GameDetails);
            if (page == 1 && summary.Count > (long)MaxPages * options.PageSize)
            {
                LogOverPageCap(dataset, partition.Name, summary.Count, MaxPages * options.PageSize);
            }

            yield return new SourceExchange(response, cursorOf(summary));
            if (!summary.HasNext)
            {
                yield break;
            }
        }
    }

    /// <summary>Sends a request, turning RAWG's answers into the pipeline's terms; null for a page past the end.</summary>
    private static async Task<SourceResponse?> SendAsync(Task<HttpResponseMessage> call, bool pastTheEnd = true)
    {
        try
        {
            return await call.ReceiveAsync();
        }
        catch (SourceRequestException e) when (e.StatusCode == 401)
        {
            throw new SourceAccessException(
                SourceName,
                $"{SourceName}: RAWG refused the API key (HTTP 401 on {e.Request}): set {ApiKeyVariable} to a valid key from https://rawg.io/apidocs.",
                e);
        }
        catch (SourceRequestException e) when (e.StatusCode is 403 or 429)
        {
            throw new QuotaExhaustedException(
                SourceName,
                $"{SourceName}: RAWG quota exhausted: it answered HTTP {e.StatusCode} to {e.Request} after {e.Attempts} attempt{(e.Attempts == 1 ? "" : "s")} (the free plan allows 20,000 requests a month). Nothing more is sent this run; the same command continues later where it stopped.",
                resetsAt: null,
                e);
        }
        catch (SourceRequestException e) when (e.StatusCode == 404 && pastTheEnd)
        {
            return null;
        }
    }

    /// <summary>A partition's days as RAWG's date filters take them: <c>2024-01-01,2024-01-31</c>.</summary>
    private static string DateRange(Partition partition) => $"{Text(partition.Start!.Value)},{Text(partition.End!.Value)}";

    /// <summary>The <c>(id, updated)</c> of each game in a landed list page.</summary>
    private static List<(long Id, string Updated)> GamesOf(byte[] body)
    {
        var games = new List<(long, string)>();
        try
        {
            using var page = JsonDocument.Parse(body);
            if (page.RootElement.ValueKind == JsonValueKind.Object
                && page.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            {
                foreach (var game in results.EnumerateArray())
                {
                    if (game.ValueKind == JsonValueKind.Object
                        && game.TryGetProperty("id", out var id) && id.TryGetInt64(out var value)
                        && game.TryGetProperty("updated", out var updated) && updated.ValueKind == JsonValueKind.String)
                    {
                        games.Add((value, updated.GetString()!));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Silver quarantines a body it cannot read; it names no game to detail.
        }

        return games;
    }

    private static DateOnly? DayOf(string? cursor) =>
        cursor is { Length: >= 10 } && DateOnly.TryParseExact(cursor.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Later(string? current, string candidate) =>
        current is not null && string.CompareOrdinal(current, candidate) >= 0 ? current : candidate;

    private static string Earlier(string left, string right) => string.CompareOrdinal(left, right) <= 0 ? left : right;

    // Identities written before the Refit client had no leading slash.
    [GeneratedRegex(@"^GET /?games/(\d+)\?")]
    private static partial Regex DetailIdentity();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Dataset} partition {Partition}: RAWG counts {Count} results, more than the {Cap} its 500-page cap serves; the rest is not read (narrow the window)")]
    private partial void LogOverPageCap(DatasetName dataset, string partition, long count, int cap);

    [LoggerMessage(Level = LogLevel.Information, Message = "rawg.games {Partition}: landed in full by an earlier run of the first load; not read again")]
    private partial void LogMonthAlreadyLanded(string partition);

    /// <summary>What paging needs from a list page: the total, whether there is a next page, the newest game.</summary>
    private readonly record struct PageSummary(long Count, bool HasNext, string? NewestUpdated)
    {
        /// <summary>
        /// A body that is not a list envelope ends the paging after landing it: silver quarantines it, the next run
        /// asks again.
        /// </summary>
        public static PageSummary Read(byte[] body, bool games)
        {
            try
            {
                using var page = JsonDocument.Parse(body);
                var root = page.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return default;
                }

                var count = root.TryGetProperty("count", out var c) && c.TryGetInt64(out var n) ? n : 0;
                var hasNext = root.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String;
                string? newest = null;
                if (games && root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
                {
                    foreach (var game in results.EnumerateArray())
                    {
                        if (game.ValueKind == JsonValueKind.Object && game.TryGetProperty("updated", out var updated)
                            && updated.ValueKind == JsonValueKind.String && updated.GetString() is { } stamp)
                        {
                            newest = newest is null || string.CompareOrdinal(stamp, newest) > 0 ? stamp : newest;
                        }
                    }
                }

                return new PageSummary(count, hasNext, newest);
            }
            catch (JsonException)
            {
                return default;
            }
        }
    }
}

/// <summary>The RAWG source's settings, beside its HTTP settings under <c>Lakehouse:Sources:Rawg</c>.</summary>
internal sealed class RawgOptions
{
    public const string Section = "Lakehouse:Sources:Rawg";

    /// <summary>The free plan's quota, used when <c>QuotaRequests</c> is not configured.</summary>
    public const int FreePlanRequestsPerMonth = 20_000;

    /// <summary>Results per list page: 40 is RAWG's largest (apis.md §3.2), so the fewest requests.</summary>
    public int PageSize { get; set; } = 40;

    /// <summary>
    /// The first release year a first load reads. 2020 because the fixture's year facets (August 2024) count about
    /// 520,000 games released from 2020 on, about 13,000 requests at 40 a page: a first load that fits one month's
    /// 20,000 requests with room for the incremental runs. Earlier years are a <c>lakehouse backfill</c> away.
    /// </summary>
    public int StartYear { get; set; } = 2020;

    /// <summary>Days an incremental games window reaches back before the cursor's day (RAWG filters by day, without zone).</summary>
    public int OverlapDays { get; set; } = 1;

    /// <summary>
    /// How long the catalogues (genres, platforms, parent platforms, stores, tags) are not read again after a read:
    /// they change rarely, and the tags alone cost about 240 requests at 40 a page.
    /// </summary>
    public TimeSpan CatalogueRefreshInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether to read <c>/games/{id}</c> (developers, publishers, description) for new and changed games: one request each.</summary>
    public bool GameDetails { get; set; }
}
