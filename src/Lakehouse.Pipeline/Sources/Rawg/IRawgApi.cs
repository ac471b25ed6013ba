using Refit;

namespace Lakehouse.Sources.Rawg;

/// <summary>
/// The RAWG video games database's routes the pipeline reads (apis.md §3.3), relative to
/// <c>https://api.rawg.io/api</c>. Every call takes the key as <c>key</c>; lists are paged with <c>page</c> (1-based)
/// and <c>page_size</c> (at most 40). Answers come back as the raw <see cref="HttpResponseMessage"/>, so bronze gets
/// the bytes as sent.
/// </summary>
internal interface IRawgApi
{
    /// <summary>
    /// Games, filtered by release dates (<c>dates=2024-01-01,2024-01-31</c>) or by last update
    /// (<c>updated=…</c>), in <c>ordering</c> (e.g. <c>-updated</c>, newest first); a null filter is left out.
    /// </summary>
    [Get("/games")]
    Task<HttpResponseMessage> GamesAsync(
        string? dates, string? updated, string ordering, int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);

    /// <summary>One game's detail (developers, publishers, description), by numeric id.</summary>
    [Get("/games/{id}")]
    Task<HttpResponseMessage> GameAsync(long id, string key, CancellationToken cancellationToken);

    /// <summary>The genres.</summary>
    [Get("/genres")]
    Task<HttpResponseMessage> GenresAsync(int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);

    /// <summary>The platforms.</summary>
    [Get("/platforms")]
    Task<HttpResponseMessage> PlatformsAsync(int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);

    /// <summary>The parent platforms (PC, PlayStation, …), each with its platforms.</summary>
    [Get("/platforms/lists/parents")]
    Task<HttpResponseMessage> ParentPlatformsAsync(int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);

    /// <summary>The stores.</summary>
    [Get("/stores")]
    Task<HttpResponseMessage> StoresAsync(int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);

    /// <summary>The tags.</summary>
    [Get("/tags")]
    Task<HttpResponseMessage> TagsAsync(int page, [AliasAs("page_size")] int pageSize, string key, CancellationToken cancellationToken);
}
