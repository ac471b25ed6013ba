using System.Text.Json.Serialization;
using Refit;

namespace Lakehouse.Sources.SpaceX;

/// <summary>
/// The r/SpaceX API's read routes the pipeline uses (apis.md §1.3–1.4), relative to its base URL
/// (<c>https://api.spacexdata.com</c>). Answers come back as the raw <see cref="HttpResponseMessage"/>, so bronze gets
/// the bytes exactly as sent.
/// </summary>
internal interface ISpaceXApi
{
    /// <summary>
    /// <c>POST /{version}/{resource}/query</c>: one page of a resource (<c>v5/launches</c>, <c>v4/rockets</c>, …)
    /// as a mongoose-paginate envelope (<c>docs</c>, <c>hasNextPage</c>, <c>nextPage</c>, …).
    /// </summary>
    [Post("/{version}/{resource}/query")]
    Task<HttpResponseMessage> QueryAsync(string version, string resource, [Body] SpaceXQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET /v5/launches/latest</c>: the past launch with the highest <c>flight_number</c>; the change probe.</summary>
    [Get("/v5/launches/latest")]
    Task<HttpResponseMessage> LatestLaunchAsync(CancellationToken cancellationToken);
}

/// <summary>A <c>/query</c> body: <c>{"query": {MongoDB filter}, "options": {page, limit, sort}}</c> (apis.md §1.4).</summary>
/// <param name="Query">Which documents.</param>
/// <param name="Options">Which page of them, in which order.</param>
internal sealed record SpaceXQuery(
    [property: JsonPropertyName("query")] SpaceXFilter Query,
    [property: JsonPropertyName("options")] SpaceXQueryOptions Options);

/// <summary>Paging options; pages are sorted by <c>_id</c> so that they neither overlap nor skip.</summary>
/// <param name="Page">1-based.</param>
/// <param name="Limit">Documents per page.</param>
internal sealed record SpaceXQueryOptions(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("limit")] int Limit)
{
    [JsonPropertyName("sort")]
    public SpaceXSort Sort { get; init; } = new();
}

/// <summary><c>{"_id": "asc"}</c>.</summary>
internal sealed record SpaceXSort
{
    [JsonPropertyName("_id")]
    public string Id { get; init; } = "asc";
}

/// <summary>
/// The MongoDB filter of a <c>/query</c>: everything (<c>{}</c>), or the launches an incremental run asks for —
/// dated at or after a day, or still upcoming (<c>{"$or": [{"date_utc": {"$gte": …}}, {"upcoming": true}]}</c>,
/// apis.md §1.7).
/// </summary>
internal sealed record SpaceXFilter
{
    /// <summary>Every document.</summary>
    public static SpaceXFilter Everything { get; } = new();

    [JsonPropertyName("$or")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<object>? AnyOf { get; init; }

    /// <summary>Launches whose <c>date_utc</c> is at or after <paramref name="dateUtc"/>, and every upcoming launch.</summary>
    public static SpaceXFilter LaunchesSince(string dateUtc) =>
        new() { AnyOf = [new DateUtcFilter(new AtLeast(dateUtc)), new UpcomingFilter(true)] };

    private sealed record DateUtcFilter([property: JsonPropertyName("date_utc")] AtLeast DateUtc);

    private sealed record AtLeast([property: JsonPropertyName("$gte")] string Value);

    private sealed record UpcomingFilter([property: JsonPropertyName("upcoming")] bool Upcoming);
}
