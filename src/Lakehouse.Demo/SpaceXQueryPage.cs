using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lakehouse.Demo;

/// <summary>The metadata of one <c>/query</c> answer, beside its docs.</summary>
internal sealed record SpaceXPageInfo(
    long TotalDocs,
    long Limit,
    long TotalPages,
    long Page,
    long PagingCounter,
    bool HasPrevPage,
    bool HasNextPage,
    long? PrevPage,
    long? NextPage);

/// <summary>
/// The <c>/query</c> pagination envelope exactly as the API writes it for a page-number request (mongoose-paginate-v2:
/// keys and order as in <c>v4-launches-query-populate-rocket.json</c>, whose <c>offset</c> appears only for requests
/// without a page, which the client never sends), with the docs' raw bytes copied in unchanged.
/// </summary>
internal static class SpaceXQueryPage
{
    public const int DefaultLimit = 10;

    /// <summary>mongoose-paginate-v2's arithmetic for a page-number request, as the client sends it.</summary>
    /// <param name="totalDocs">Documents matching the query.</param>
    /// <param name="page">The requested page (1-based; past the end answers no docs).</param>
    /// <param name="limit">The requested limit (positive).</param>
    /// <returns>The envelope's metadata and which docs (after filtering and sorting) go in it.</returns>
    public static (SpaceXPageInfo Info, long Skip, long Take) Paginate(long totalDocs, long page, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var pages = Math.Max(1, (totalDocs + limit - 1) / limit);
        var hasPrev = page > 1;
        var hasNext = page < pages;
        var info = new SpaceXPageInfo(
            totalDocs,
            limit,
            pages,
            page,
            ((page - 1) * limit) + 1,
            hasPrev,
            hasNext,
            hasPrev ? page - 1 : null,
            hasNext ? page + 1 : null);
        return (info, (page - 1) * limit, limit);
    }

    public static void Write(IBufferWriter<byte> output, IEnumerable<ReadOnlyMemory<byte>> docs, SpaceXPageInfo info)
    {
        Append(output, "{\"docs\":["u8);
        var first = true;
        foreach (var doc in docs)
        {
            if (!first)
            {
                Append(output, ","u8);
            }

            Append(output, doc.Span);
            first = false;
        }

        var meta = new StringBuilder(256);
        meta.Append(CultureInfo.InvariantCulture, $"],\"totalDocs\":{info.TotalDocs}");
        meta.Append(CultureInfo.InvariantCulture, $",\"limit\":{info.Limit},\"totalPages\":{info.TotalPages},\"page\":{info.Page},\"pagingCounter\":{info.PagingCounter}");
        meta.Append(CultureInfo.InvariantCulture, $",\"hasPrevPage\":{Bool(info.HasPrevPage)},\"hasNextPage\":{Bool(info.HasNextPage)}");
        meta.Append(CultureInfo.InvariantCulture, $",\"prevPage\":{Number(info.PrevPage)},\"nextPage\":{Number(info.NextPage)}}}");
        Append(output, Encoding.UTF8.GetBytes(meta.ToString()));
    }

    public static byte[] Build(IEnumerable<ReadOnlyMemory<byte>> docs, SpaceXPageInfo info)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(output, docs, info);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Every page of a resource, as <c>POST /v4/{resource}/query</c> answers <c>{"options": {"page": n, "limit": limit}}</c>.</summary>
    public static IEnumerable<byte[]> Pages(SpaceXCatalog catalog, string resource, int limit)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var elements = catalog[resource];
        return Pages(elements, elements.Count, limit);
    }

    /// <summary>
    /// Every page over a stream of docs in answer order (from <see cref="SpaceXSampleGenerator.Elements"/>, say), one
    /// page in memory at a time. <paramref name="totalDocs"/> is needed up front because every envelope carries it.
    /// </summary>
    public static IEnumerable<byte[]> Pages(IEnumerable<ReadOnlyMemory<byte>> docs, long totalDocs, int limit)
    {
        ArgumentNullException.ThrowIfNull(docs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return PagesIterator(docs, totalDocs, limit);
    }

    private static IEnumerable<byte[]> PagesIterator(IEnumerable<ReadOnlyMemory<byte>> docs, long totalDocs, int limit)
    {
        using var source = docs.GetEnumerator();
        var pages = Math.Max(1, (totalDocs + limit - 1) / limit);
        var batch = new List<ReadOnlyMemory<byte>>(limit);
        for (long page = 1; page <= pages; page++)
        {
            batch.Clear();
            while (batch.Count < limit && source.MoveNext())
            {
                batch.Add(source.Current);
            }

            var (info, _, _) = Paginate(totalDocs, page, limit);
            yield return Build(batch, info);
        }
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(long? value) => value is { } number ? number.ToString(CultureInfo.InvariantCulture) : "null";
}
