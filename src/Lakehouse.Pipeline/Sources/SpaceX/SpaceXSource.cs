using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Sources.Http;

namespace Lakehouse.Sources.SpaceX;

/// <summary>
/// The r/SpaceX API (apis.md §1): eight small, effectively frozen datasets, each read whole through the paginated
/// <c>/query</c> route, sorted by <c>_id</c> so pages neither overlap nor skip. <c>/v5/launches/latest</c> is the
/// change probe: when its id and date are as last time, nothing is fetched.
/// </summary>
internal sealed class SpaceXSource(SourceClient client, SpaceXOptions options) : ISource
{
    public const string SourceName = "spacex";

    /// <summary>The community API (apis.md §1.2).</summary>
    public static readonly Uri PublicApi = new("https://api.spacexdata.com");

    /// <summary>Guards against an API whose <c>nextPage</c> never ends.</summary>
    private const int MaxPages = 10_000;

    // Capsules have no gold table: design.md's star schema has none for them (yet).
    private static readonly (string Name, string Route, string? GoldTable)[] Resources =
    [
        ("launches", "v5/launches", "fact_launch"),
        ("rockets", "v4/rockets", "dim_rocket"),
        ("launchpads", "v4/launchpads", "dim_launchpad"),
        ("landpads", "v4/landpads", "dim_landpad"),
        ("payloads", "v4/payloads", "dim_payload"),
        ("cores", "v4/cores", "dim_core"),
        ("crew", "v4/crew", "dim_crew"),
        ("capsules", "v4/capsules", null),
    ];

    public string Name => SourceName;

    public TimeSpan FullRefreshInterval => options.FullRefreshInterval;

    public string? Unavailable => null;

    public IReadOnlyList<SourceDataset> Datasets { get; } =
        [.. Resources.Select(r => new SourceDataset(new DatasetName(SourceName, r.Name), r.GoldTable))];

    public async Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct)
    {
        var request = SourceRequest.Get("v5/launches/latest");
        SourceResponse response;
        try
        {
            response = await client.SendAsync(request, ct);
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

    /// <summary>Every run reads every dataset whole (the probe decides whether to run at all).</summary>
    public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today) => [Partition.Whole];

    public async IAsyncEnumerable<SourceExchange> FetchAsync(
        SourceDataset dataset, Partition partition, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var route = Resources.Single(r => r.Name == dataset.Name.Name).Route;
        for (var page = 1; page <= MaxPages; page++)
        {
            var request = SourceRequest.PostJson($"{route}/query", QueryBody(page, options.PageSize));
            var response = await client.SendAsync(request, ct);
            yield return new SourceExchange(request, response);

            if (!HasNextPage(response.Body, dataset, page))
            {
                yield break;
            }
        }

        throw new SourceDataException($"{dataset.Name}: the API kept answering hasNextPage after {MaxPages} pages; stopped.");
    }

    /// <summary>The mongoose-paginate body: every document, a stable sort, one page.</summary>
    private static byte[] QueryBody(int page, int limit) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"query\":{{}},\"options\":{{\"page\":{page},\"limit\":{limit},\"sort\":{{\"_id\":\"asc\"}}}}}}"));

    /// <summary>
    /// Reads only the envelope's paging keys. A body that is not an envelope ends the dataset after landing it: the
    /// transform quarantines what it cannot read, and the next run asks again.
    /// </summary>
    private static bool HasNextPage(byte[] body, SourceDataset dataset, int page)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            if (envelope.RootElement.ValueKind != JsonValueKind.Object
                || !envelope.RootElement.TryGetProperty("hasNextPage", out var hasNext))
            {
                return false;
            }

            if (hasNext.ValueKind != JsonValueKind.True)
            {
                return false;
            }

            if (envelope.RootElement.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.Number
                && next.GetInt32() != page + 1)
            {
                throw new SourceDataException($"{dataset.Name}: page {page} says the next page is {next.GetInt32()}, expected {page + 1}.");
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
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
}

/// <summary>An API answered something the pipeline cannot page through or use.</summary>
internal sealed class SourceDataException(string message) : Exception(message);
