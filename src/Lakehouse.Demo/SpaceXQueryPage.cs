using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lakehouse.Demo;

/// <summary>The metadata of one <c>/query</c> answer, beside its docs.</summary>
internal sealed record SpaceXPageInfo(
    long TotalDocs,
    long? Offset,
    long Limit,
    long TotalPages,
    long Page,
    long PagingCounter,
    bool HasPrevPage,
    bool HasNextPage,
    long? PrevPage,
    long? NextPage);

/// <summary>
/// The <c>/query</c> pagination envelope exactly as the API writes it (mongoose-paginate-v2: keys and order as in
/// <c>v4-launches-query-populate-rocket.json</c>), with the docs' raw bytes copied in unchanged.
/// </summary>
internal static class SpaceXQueryPage
{
    public const int DefaultLimit = 10;

    /// <summary>
    /// mongoose-paginate-v2's arithmetic, quirks included: <c>offset</c> appears only when the request gave an offset
    /// or neither offset nor page; <c>pagination: false</c> answers everything with <c>limit</c> = totalDocs;
    /// <c>limit: 0</c> answers no docs.
    /// </summary>
    /// <param name="totalDocs">Documents matching the query.</param>
    /// <param name="page">The requested page, when the request named one.</param>
    /// <param name="offset">The requested offset, when the request named one (it wins over page).</param>
    /// <param name="limit">The requested limit, already parsed the way parseInt does (absent = 10).</param>
    /// <param name="pagination">False for <c>pagination: false</c>.</param>
    /// <returns>The envelope's metadata and which docs (after filtering and sorting) go in it.</returns>
    public static (SpaceXPageInfo Info, long Skip, long Take) Paginate(long totalDocs, long? page, long? offset, long limit, bool pagination)
    {
        var effectiveLimit = pagination ? Math.Max(0, limit) : DefaultLimit;
        long? metaOffset = null;
        long currentPage;
        long skip;
        if (offset is { } requested)
        {
            metaOffset = requested;
            skip = requested;
            currentPage = 1;
        }
        else if (page is { } pageNumber)
        {
            currentPage = Math.Max(1, pageNumber);
            skip = (currentPage - 1) * effectiveLimit;
        }
        else
        {
            metaOffset = 0;
            currentPage = 1;
            skip = 0;
        }

        if (!pagination)
        {
            currentPage = 1;
        }

        if (metaOffset is { } shownOffset && effectiveLimit > 0)
        {
            currentPage = (shownOffset + effectiveLimit) / effectiveLimit; // ceil((offset + 1) / limit)
        }

        (long Skip, long Take) docs = effectiveLimit == 0 ? (0, 0)
            : pagination ? (skip, effectiveLimit)
            : (0, totalDocs);

        if (effectiveLimit == 0)
        {
            return (new SpaceXPageInfo(totalDocs, metaOffset, 0, 1, 1, 1, false, false, null, null), 0, 0);
        }

        if (!pagination)
        {
            var counter = ((currentPage - 1) * effectiveLimit) + 1;
            return (new SpaceXPageInfo(totalDocs, metaOffset, totalDocs, 1, currentPage, counter, false, false, null, null), docs.Skip, docs.Take);
        }

        var pages = Math.Max(1, (totalDocs + effectiveLimit - 1) / effectiveLimit);
        var hasPrev = currentPage > 1 || (currentPage == 1 && metaOffset is { } o && o != 0);
        var hasNext = currentPage < pages;
        var info = new SpaceXPageInfo(
            totalDocs,
            metaOffset,
            effectiveLimit,
            pages,
            currentPage,
            ((currentPage - 1) * effectiveLimit) + 1,
            hasPrev,
            hasNext,
            hasPrev ? Math.Max(1, currentPage - 1) : null,
            hasNext ? currentPage + 1 : null);
        return (info, docs.Skip, docs.Take);
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
        if (info.Offset is { } offset)
        {
            meta.Append(CultureInfo.InvariantCulture, $",\"offset\":{offset}");
        }

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

            var (info, _, _) = Paginate(totalDocs, page, offset: null, limit, pagination: true);
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
