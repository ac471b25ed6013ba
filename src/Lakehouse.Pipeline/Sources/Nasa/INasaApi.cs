using Refit;

namespace Lakehouse.Sources.Nasa;

/// <summary>
/// The NASA open APIs the pipeline reads behind the api.data.gov gateway (apis.md §2), relative to
/// <c>https://api.nasa.gov</c>. Every call takes the key as <c>api_key</c>; dates are <c>yyyy-MM-dd</c>, both ends
/// inclusive. Answers come back as the raw <see cref="HttpResponseMessage"/>, so bronze gets the bytes as sent.
/// </summary>
internal interface INasaApi
{
    /// <summary>NeoWs feed: near-Earth objects by close-approach date, at most 7 days a window (apis.md §2.2).</summary>
    [Get("/neo/rest/v1/feed")]
    Task<HttpResponseMessage> NeoFeedAsync(
        [AliasAs("start_date"), Query(Format = "yyyy-MM-dd")] DateOnly startDate,
        [AliasAs("end_date"), Query(Format = "yyyy-MM-dd")] DateOnly endDate,
        [AliasAs("api_key")] string apiKey,
        CancellationToken cancellationToken);

    /// <summary>APOD: the pictures of a date range, with video thumbnails (apis.md §2.3).</summary>
    [Get("/planetary/apod?thumbs=true")]
    Task<HttpResponseMessage> ApodAsync(
        [AliasAs("start_date"), Query(Format = "yyyy-MM-dd")] DateOnly startDate,
        [AliasAs("end_date"), Query(Format = "yyyy-MM-dd")] DateOnly endDate,
        [AliasAs("api_key")] string apiKey,
        CancellationToken cancellationToken);

    /// <summary>DONKI coronal mass ejections in a date window (apis.md §2.4).</summary>
    [Get("/DONKI/CME")]
    Task<HttpResponseMessage> CoronalMassEjectionsAsync(
        [Query(Format = "yyyy-MM-dd")] DateOnly startDate,
        [Query(Format = "yyyy-MM-dd")] DateOnly endDate,
        [AliasAs("api_key")] string apiKey,
        CancellationToken cancellationToken);

    /// <summary>DONKI solar flares in a date window.</summary>
    [Get("/DONKI/FLR")]
    Task<HttpResponseMessage> SolarFlaresAsync(
        [Query(Format = "yyyy-MM-dd")] DateOnly startDate,
        [Query(Format = "yyyy-MM-dd")] DateOnly endDate,
        [AliasAs("api_key")] string apiKey,
        CancellationToken cancellationToken);

    /// <summary>DONKI geomagnetic storms in a date window.</summary>
    [Get("/DONKI/GST")]
    Task<HttpResponseMessage> GeomagneticStormsAsync(
        [Query(Format = "yyyy-MM-dd")] DateOnly startDate,
        [Query(Format = "yyyy-MM-dd")] DateOnly endDate,
        [AliasAs("api_key")] string apiKey,
        CancellationToken cancellationToken);
}
