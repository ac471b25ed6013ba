using System.Globalization;
using System.Text;
using System.Text.Json;
using Lakehouse.Demo;

namespace Lakehouse.Tests.Demo;

public sealed class SpaceXQueryPageTests
{
    [SkippableFact]
    public async Task The_envelope_has_the_recorded_keys_in_the_recorded_order()
    {
        // Given the keys of a recorded /query answer:
        // python3 -c "import json; print(list(json.load(open('v4-launches-query-populate-rocket.json')).keys()))"
        string[] recorded = ["docs", "totalDocs", "offset", "limit", "totalPages", "page", "pagingCounter", "hasPrevPage", "hasNextPage", "prevPage", "nextPage"];
        using (var file = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SpaceXFixtures.Folder, "v4-launches-query-populate-rocket.json"))))
        {
            file.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(recorded);
        }

        // When the local server answers a query for a page, as the client asks
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);
        var (_, body) = await http.PostAsync("v5/launches/query", """{"query":{"upcoming":false},"options":{"page":1,"limit":500}}""");

        // Then its keys and their order are the recording's, without offset (mongoose-paginate-v2 shows it only for a
        // request without a page, as the recorded one was made)
        JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(recorded.Where(k => k != "offset"));
    }

    [SkippableFact]
    public async Task Pages_writes_what_the_server_answers_page_by_page_with_docs_copied_unchanged()
    {
        // Given the recorded launches and the pages the helper writes for 50 per page
        var catalog = SpaceXFixtures.Catalog;
        var pages = SpaceXQueryPage.Pages(catalog, SpaceXCatalog.Launches, 50).ToList();
        await using var server = await SpaceXApiServer.StartAsync(catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // Then there are ceil(205 / 50) = 5, each byte-identical to the server's answer for that page
        pages.Count.ShouldBe(5);
        for (var page = 1; page <= pages.Count; page++)
        {
            var request = """{"options":{"page":PAGE,"limit":50}}""".Replace("PAGE", page.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var (_, served) = await http.PostAsync("v5/launches/query", request);
            Encoding.UTF8.GetString(pages[page - 1]).ShouldBe(served);
        }

        // And the docs, page after page, are the stored elements' raw text in stored order
        var docs = pages.SelectMany(p => JsonDocument.Parse(p).RootElement.GetProperty("docs").EnumerateArray().Select(d => d.GetRawText()));
        docs.ShouldBe(catalog[SpaceXCatalog.Launches].Select(e => Encoding.UTF8.GetString(e.Span)));
    }

    [Fact]
    public void Pages_streams_a_generated_resource_without_a_catalog()
    {
        // Given a generator (the benchmark's way to write bronze for a large scale)
        var generator = new SpaceXSampleGenerator(seed: 5, scale: 1);

        // When its payloads are paged straight from the element stream
        var pages = SpaceXQueryPage.Pages(generator.Elements(SpaceXCatalog.Payloads), generator.Count(SpaceXCatalog.Payloads), 100)
            .Select(p => JsonDocument.Parse(p).RootElement)
            .ToList();

        // Then every page carries the total and the last says there is no next page
        var total = generator.Count(SpaceXCatalog.Payloads);
        pages.Count.ShouldBe((total + 99) / 100);
        pages.ShouldAllBe(p => p.GetProperty("totalDocs").GetInt32() == total);
        pages[^1].GetProperty("hasNextPage").GetBoolean().ShouldBeFalse();
        pages.Sum(p => p.GetProperty("docs").GetArrayLength()).ShouldBe(total);
    }

    [SkippableTheory]
    // page 3 of 205 at 50: pagingCounter = (3 - 1) * 50 + 1 = 101, docs 100..149
    [InlineData("""{"options":{"page":3,"limit":50}}""", 50, 5, 3, 101, true, true, 2, 4, 50)]
    // the last page holds the rest: 205 - 4 * 50 = 5
    [InlineData("""{"options":{"page":5,"limit":50}}""", 50, 5, 5, 201, true, false, 4, null, 5)]
    // a page past the end: no docs, but the previous page is offered
    [InlineData("""{"options":{"page":9,"limit":50}}""", 50, 5, 9, 401, true, false, 8, null, 0)]
    public async Task Paging_arithmetic_follows_mongoose_paginate_v2(
        string request, int limit, int totalPages, int page, int pagingCounter, bool hasPrev, bool hasNext, int? prevPage, int? nextPage, int docs)
    {
        // Given the 205 recorded launches behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When a page is asked for
        var (_, body) = await http.PostAsync("v5/launches/query", request);
        var envelope = JsonDocument.Parse(body).RootElement;

        // Then the envelope says what mongoose-paginate-v2 would
        envelope.GetProperty("totalDocs").GetInt32().ShouldBe(205);
        envelope.GetProperty("limit").GetInt32().ShouldBe(limit);
        envelope.GetProperty("totalPages").GetInt32().ShouldBe(totalPages);
        envelope.GetProperty("page").GetInt32().ShouldBe(page);
        envelope.GetProperty("pagingCounter").GetInt32().ShouldBe(pagingCounter);
        envelope.GetProperty("hasPrevPage").GetBoolean().ShouldBe(hasPrev);
        envelope.GetProperty("hasNextPage").GetBoolean().ShouldBe(hasNext);
        NullableInt(envelope.GetProperty("prevPage")).ShouldBe(prevPage);
        NullableInt(envelope.GetProperty("nextPage")).ShouldBe(nextPage);
        envelope.GetProperty("docs").GetArrayLength().ShouldBe(docs);
    }

    private static int? NullableInt(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetInt32();
}
