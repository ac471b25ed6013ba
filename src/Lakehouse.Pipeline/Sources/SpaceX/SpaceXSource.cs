using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Sources.Http;

namespace Lakehouse.Sources.SpaceX;

/// <summary>
/// The r/SpaceX API (apis.md §1) through <see cref="ISpaceXApi"/>: eight small, effectively frozen datasets, each
/// read through the paginated <c>/query</c> route, sorted by <c>_id</c> so pages neither overlap nor skip.
/// <c>/v5/launches/latest</c> is the change probe: when its id and date are as last time, nothing is fetched.
/// Between full refreshes a changed probe reads the launches filtered on the server: those dated at or after the
/// cursor (the newest past launch landed) less <see cref="SpaceXOptions.LaunchOverlap"/>, and every upcoming one.
/// </summary>
internal sealed class SpaceXSource(ISpaceXApi api, SpaceXOptions options) : ISource
{
    public const string SourceName = "spacex";

    /// <summary>The silver scripts and gold models in this folder.</summary>
    public static SourceSql Sql { get; } = SourceSql.Beside<SpaceXSource>(SourceName).WithSilver(SpaceXSilver.Datasets);

    /// <summary>The community API (apis.md §1.2).</summary>
    public static readonly Uri PublicApi = new("https://api.spacexdata.com");

    /// <summary>Guards against an API whose <c>nextPage</c> never ends.</summary>
    private const int MaxPages = 10_000;

    // Capsules have no gold table: design.md's star schema has none for them (yet).
    private const string Launches = "launches";

    /// <summary><c>date_utc</c>'s own format (apis.md §1.5), which the server compares as text.</summary>
    private const string DateUtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly (string Name, string Version, string? GoldTable)[] Resources =
    [
        (Launches, "v5", "fact_launch"),
        ("rockets", "v4", "dim_rocket"),
        ("launchpads", "v4", "dim_launchpad"),
        ("landpads", "v4", "dim_landpad"),
        ("payloads", "v4", "dim_payload"),
        ("cores", "v4", "dim_core"),
        ("crew", "v4", "dim_crew"),
        ("capsules", "v4", null),
    ];

    public string Name => SourceName;

    public TimeSpan FullRefreshInterval => options.FullRefreshInterval;

    public string? Unavailable => null;

    public IReadOnlyList<SourceDataset> Datasets { get; } =
        [.. Resources.Select(r => new SourceDataset(new DatasetName(SourceName, r.Name), r.GoldTable))];

    public async Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct)
    {
        SourceResponse response;
        try
        {
            response = await api.LatestLaunchAsync(ct).ReceiveAsync();
        }
        catch (SourceRequestException e)
        {
            return new SourceProbe(null, e.Attempts, e.Message);
        }

        try
        {
            using var latest = JsonDocument.Parse(response.Body);
            var id = latest.RootElement.GetProperty("id").GetString();
            var date = latest.RootElement.GetProperty("date_utc").GetString();
            return new SourceProbe($"{id} {date}", response.Attempts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new SourceProbe(null, response.Attempts, $"/v5/launches/latest did not answer a launch with id and date_utc ({e.Message})");
        }
    }

    /// <summary>
    /// Every dataset whole, except the launches between full refreshes once a cursor exists: then the one partition
    /// starts at the cursor's day less <see cref="SpaceXOptions.LaunchOverlap"/>, and <see cref="FetchAsync"/> asks the
    /// server for those launches and every upcoming one.
    /// </summary>
    public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (fullRefresh || dataset.Name.Name != Launches || !TryParseDateUtc(cursor, out var newest))
        {
            return [Partition.Whole];
        }

        var since = DateOnly.FromDateTime(newest.UtcDateTime.Add(-options.LaunchOverlap));
        return [Partition.Whole with { Start = since }];
    }

    public async IAsyncEnumerable<SourceExchange> FetchAsync(
        SourceDataset dataset, Partition partition, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(partition);
        var (resource, version, _) = Resources.Single(r => r.Name == dataset.Name.Name);
        var filter = partition.Start is { } since && resource == Launches
            ? SpaceXFilter.LaunchesSince(since.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).ToString(DateUtcFormat, CultureInfo.InvariantCulture))
            : SpaceXFilter.Everything;
        for (var page = 1; page <= MaxPages; page++)
        {
            var response = await api.QueryAsync(version, resource, new SpaceXQuery(filter, new SpaceXQueryOptions(page, options.PageSize)), ct).ReceiveAsync();
            var (hasNext, newestPast) = ReadPage(response.Body, dataset, page);
            yield return new SourceExchange(response, resource == Launches ? newestPast : null);

            if (!hasNext)
            {
                yield break;
            }
        }

        throw new SourceDataException($"{dataset.Name}: the API kept answering hasNextPage after {MaxPages} pages; stopped.");
    }

    private static bool TryParseDateUtc(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>
    /// Reads the envelope's paging keys and the newest <c>date_utc</c> of a past launch on the page (the launches'
    /// cursor). A body that is not an envelope ends the dataset after landing it: the transform quarantines what it
    /// cannot read, and the next run asks again.
    /// </summary>
    private static (bool HasNext, string? NewestPast) ReadPage(byte[] body, SourceDataset dataset, int page)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            var root = envelope.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (false, null);
            }

            string? newest = null;
            if (root.TryGetProperty("docs", out var docs) && docs.ValueKind == JsonValueKind.Array)
            {
                foreach (var doc in docs.EnumerateArray())
                {
                    if (doc.ValueKind == JsonValueKind.Object
                        && doc.TryGetProperty("upcoming", out var upcoming) && upcoming.ValueKind == JsonValueKind.False
                        && doc.TryGetProperty("date_utc", out var date) && date.ValueKind == JsonValueKind.String
                        && TryParseDateUtc(date.GetString(), out var when))
                    {
                        var text = when.UtcDateTime.ToString(DateUtcFormat, CultureInfo.InvariantCulture);
                        newest = newest is null || string.CompareOrdinal(text, newest) > 0 ? text : newest;
                    }
                }
            }

            if (!root.TryGetProperty("hasNextPage", out var hasNext) || hasNext.ValueKind != JsonValueKind.True)
            {
                return (false, newest);
            }

            if (root.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.Number
                && next.GetInt32() != page + 1)
            {
                throw new SourceDataException($"{dataset.Name}: page {page} says the next page is {next.GetInt32()}, expected {page + 1}.");
            }

            return (true, newest);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}

/// <summary>The SpaceX source's settings, beside its HTTP settings under <c>Lakehouse:Sources:SpaceX</c>.</summary>
internal sealed class SpaceXOptions
{
    public const string Section = "Lakehouse:Sources:SpaceX";

    /// <summary>Documents per <c>/query</c> page (the API's default is 10; 100 reads the 205 launches in 3 calls).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// How often a run re-reads everything even when <c>/latest</c> is unchanged, so edits to old launches are
    /// caught.
    /// </summary>
    public TimeSpan FullRefreshInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How far before the newest past launch landed an incremental run reads the launches again (besides every
    /// upcoming one): launches are dated ahead and slip, so a launch that flew may carry a date a little earlier than
    /// the last one seen.
    /// </summary>
    public TimeSpan LaunchOverlap { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>An API answered something the pipeline cannot page through or use.</summary>
internal sealed class SourceDataException(string message) : LakehouseException(message)
{
    public override LakehouseStage Stage => LakehouseStage.Land;
}
