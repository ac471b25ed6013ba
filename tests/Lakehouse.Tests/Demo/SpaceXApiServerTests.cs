using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lakehouse.Demo;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Demo;

public sealed class SpaceXApiServerTests
{
    [SkippableFact]
    public async Task The_recorded_launches_page_through_query_completely_and_without_duplicates_when_sorted_by_id()
    {
        // Given the recorded dump behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When a client pages through /v5/launches/query 50 at a time, sorted by _id, following nextPage
        var ids = new List<string>();
        var envelopes = new List<JsonElement>();
        int? page = 1;
        while (page is { } current)
        {
            var (response, body) = await http.PostAsync("v5/launches/query", """{"query":{},"options":{"page":PAGE,"limit":50,"sort":{"_id":"asc"}}}""".Replace("PAGE", current.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var envelope = JsonDocument.Parse(body).RootElement;
            envelopes.Add(envelope);
            ids.AddRange(envelope.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
            page = envelope.GetProperty("hasNextPage").GetBoolean() ? envelope.GetProperty("nextPage").GetInt32() : null;
        }

        // Then 205 launches come in 5 pages (python3 -c "import json; print(len(json.load(open('v4-launches.json'))))" → 205;
        // ceil(205 / 50) = 5), with the envelope's counters right on every page
        envelopes.Count.ShouldBe(5);
        for (var i = 0; i < envelopes.Count; i++)
        {
            var envelope = envelopes[i];
            envelope.GetProperty("totalDocs").GetInt32().ShouldBe(205);
            envelope.GetProperty("totalPages").GetInt32().ShouldBe(5);
            envelope.GetProperty("limit").GetInt32().ShouldBe(50);
            envelope.GetProperty("page").GetInt32().ShouldBe(i + 1);
            envelope.GetProperty("pagingCounter").GetInt32().ShouldBe((i * 50) + 1);
            envelope.GetProperty("hasPrevPage").GetBoolean().ShouldBe(i > 0);
            envelope.GetProperty("hasNextPage").GetBoolean().ShouldBe(i < 4);
            envelope.GetProperty("docs").GetArrayLength().ShouldBe(i < 4 ? 50 : 5);
            envelope.TryGetProperty("offset", out _).ShouldBeFalse("mongoose-paginate-v2 reports offset only when no page was asked for");
        }

        envelopes[^1].GetProperty("nextPage").ValueKind.ShouldBe(JsonValueKind.Null);
        envelopes[^1].GetProperty("prevPage").GetInt32().ShouldBe(4);

        // And the ids are unique, ascending, and exactly the recorded ones
        ids.Distinct().Count().ShouldBe(205);
        ids.ShouldBe(ids.Order(StringComparer.Ordinal).ToList());
        ids.ToHashSet().SetEquals(SpaceXFixtures.Elements("v4-launches.json").Select(l => l.GetProperty("id").GetString()!)).ShouldBeTrue();
    }

    [SkippableFact]
    public async Task Latest_is_the_highest_flight_number_among_past_launches_not_the_newest_record()
    {
        // Given the recorded dump, where upcoming launches carry higher flight numbers than any past one
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When /latest is asked
        var v5 = await http.GetJsonAsync("v5/launches/latest");

        // Then it is Crew-5, flight 187:
        // python3 -c "import json; l=json.load(open('v4-launches.json')); p=[x for x in l if not x['upcoming']];
        //   m=max(p,key=lambda x:x['flight_number']); print(m['id'], m['flight_number'], m['name'])"
        //   → 62dd70d5202306255024d139 187 Crew-5 (and no other past launch has 187)
        v5.GetProperty("id").GetString().ShouldBe("62dd70d5202306255024d139");
        v5.GetProperty("flight_number").GetInt32().ShouldBe(187);
    }

    [SkippableFact]
    public async Task Latest_follows_the_current_catalog_after_a_swap()
    {
        // Given a running server whose catalog then gains a past launch with a higher flight number
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);
        var before = await http.GetJsonAsync("v5/launches/latest");
        var added = """{"id":"aaaaaaaaaaaaaaaaaaaaaaaa","name":"Added","flight_number":500,"upcoming":false,"crew":[]}""";
        var future = """{"id":"bbbbbbbbbbbbbbbbbbbbbbbb","name":"Future","flight_number":900,"upcoming":true,"crew":[]}""";
        server.Catalog = SpaceXFixtures.Catalog.With(
            SpaceXCatalog.Launches,
            SpaceXFixtures.Catalog[SpaceXCatalog.Launches].Append(Encoding.UTF8.GetBytes(added)).Append(Encoding.UTF8.GetBytes(future)));

        // When /latest is asked again
        var after = await http.GetJsonAsync("v5/launches/latest");

        // Then the new past launch is the latest and the higher upcoming one is not
        before.GetProperty("id").GetString().ShouldBe("62dd70d5202306255024d139");
        after.GetProperty("id").GetString().ShouldBe("aaaaaaaaaaaaaaaaaaaaaaaa");
    }

    [SkippableFact]
    public async Task V5_launches_hold_crew_as_objects_with_the_roles_of_their_seats()
    {
        // Given the recorded Crew-1 launch, whose v4 record lists four crew ids
        var recorded = SpaceXFixtures.Elements("v4-launches.json").Single(l => l.GetProperty("name").GetString() == "Crew-1");
        var recordedCrew = recorded.GetProperty("crew").EnumerateArray().Select(c => c.GetString()!).ToList();
        recordedCrew.Count.ShouldBe(4);
        var id = recorded.GetProperty("id").GetString();
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When the launches are queried as the client queries them
        var v5 = (await http.QueryAllAsync("v5/launches")).Single(l => l.GetProperty("id").GetString() == id);

        // Then the launch holds {crew, role} objects for the same ids, in seat order
        var crew = v5.GetProperty("crew").EnumerateArray().ToList();
        crew.Select(c => c.GetProperty("crew").GetString()).ShouldBe(recordedCrew);
        crew.Select(c => c.GetProperty("role").GetString()).ShouldBe(["Commander", "Pilot", "Mission Specialist 1", "Mission Specialist 2"]);

        // And every other field is the recording's
        var withoutCrew = JsonNode.Parse(v5.GetRawText())!.AsObject();
        var recordedWithoutCrew = JsonNode.Parse(recorded.GetRawText())!.AsObject();
        withoutCrew.Remove("crew");
        recordedWithoutCrew.Remove("crew");
        JsonNode.DeepEquals(withoutCrew, recordedWithoutCrew).ShouldBeTrue();
    }

    [SkippableFact]
    public async Task Rockets_are_replayed_byte_for_byte()
    {
        // Given the recorded rockets behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When /v4/rockets/query is asked as the client asks it
        var served = await http.QueryAllAsync("v4/rockets");

        // Then each element's raw text is the recorded element's raw text: spacing, key order and numbers untouched
        var recorded = SpaceXFixtures.Elements("v4-rockets.json");
        recorded.Length.ShouldBe(4);
        served.Select(r => r.GetRawText()).ShouldBe(recorded.OrderBy(r => r.GetProperty("id").GetString(), StringComparer.Ordinal).Select(r => r.GetRawText()));
    }

    [SkippableFact]
    public async Task Unknown_resources_and_routes_answer_404()
    {
        // Given the recorded dump behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When a resource that does not exist is queried, and a route no client calls is asked for
        var (ships, _) = await http.PostAsync("v4/ships/query", """{"query":{},"options":{"page":1,"limit":10}}""");
        using var list = await http.GetAsync(new Uri("v4/rockets", UriKind.Relative));

        // Then both are 404
        ships.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        list.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        ships.Dispose();
    }

    [SkippableFact]
    public async Task Query_answers_the_filters_and_sort_the_client_sends()
    {
        // Given the recorded dump behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When launches are queried as an incremental run asks (dated on or after a day, or upcoming), by a date window
        // alone, by upcoming alone, by flight number descending, and with an empty body
        var (_, sinceBody) = await http.PostAsync(
            "v5/launches/query",
            """{"query":{"$or":[{"date_utc":{"$gte":"2022-01-01T00:00:00.000Z"}},{"upcoming":true}]},"options":{"page":1,"limit":100,"sort":{"_id":"asc"}}}""");
        var (_, windowBody) = await http.PostAsync("v5/launches/query", """{"query":{"date_utc":{"$gte":"2022-01-01T00:00:00.000Z"}},"options":{"page":1,"limit":100}}""");
        var (_, upcomingBody) = await http.PostAsync("v5/launches/query", """{"query":{"upcoming":true},"options":{"page":1,"limit":1}}""");
        var (_, sortedBody) = await http.PostAsync("v5/launches/query", """{"options":{"sort":{"flight_number":"desc"},"limit":3}}""");
        var (_, defaultBody) = await http.PostAsync("v4/payloads/query", "");

        // Then the counts and order match the recording:
        // python3 -c "import json; l=json.load(open('v4-launches.json'));
        //   print(sum(x['date_utc']>='2022-01-01T00:00:00.000Z' for x in l), sum(x['upcoming'] for x in l),
        //         sum(x['date_utc']>='2022-01-01T00:00:00.000Z' or x['upcoming'] for x in l),
        //         [x['flight_number'] for x in sorted(l,key=lambda x:-x['flight_number'])[:3]])" → 62 18 62 [203, 202, 200]
        var since = JsonDocument.Parse(sinceBody).RootElement;
        since.GetProperty("totalDocs").GetInt32().ShouldBe(62);
        var sinceIds = since.GetProperty("docs").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
        sinceIds.ShouldBe(sinceIds.Order(StringComparer.Ordinal).ToList());
        var window = JsonDocument.Parse(windowBody).RootElement;
        window.GetProperty("totalDocs").GetInt32().ShouldBe(62);
        window.GetProperty("docs").GetArrayLength().ShouldBe(62);
        JsonDocument.Parse(upcomingBody).RootElement.GetProperty("totalDocs").GetInt32().ShouldBe(18);
        JsonDocument.Parse(sortedBody).RootElement.GetProperty("docs").EnumerateArray()
            .Select(d => d.GetProperty("flight_number").GetInt32()).ShouldBe([203, 202, 200]);

        // And an empty body is an empty query with the default limit of 10 (225 recorded payloads → 23 pages)
        var payloads = JsonDocument.Parse(defaultBody).RootElement;
        payloads.GetProperty("docs").GetArrayLength().ShouldBe(10);
        payloads.GetProperty("totalDocs").GetInt32().ShouldBe(225);
        payloads.GetProperty("totalPages").GetInt32().ShouldBe(23);
    }

    [SkippableTheory]
    [InlineData("{\"query\":", "Invalid JSON")]
    [InlineData("[1,2]", "only supports object")]
    [InlineData("{\"query\":{\"$where\":\"1\"}}", "unknown top level operator: $where")]
    [InlineData("{\"query\":{\"name\":{\"$regex\":\"Star\"}}}", "unknown operator: $regex")]
    [InlineData("{\"options\":{\"sort\":{\"name\":\"sideways\"}}}", "Invalid sort value")]
    [InlineData("{\"query\":{\"$and\":[{\"upcoming\":true}]}}", "unknown top level operator: $and")]
    [InlineData("{\"query\":{\"flight_number\":{\"$lt\":5}}}", "unknown operator: $lt")]
    [InlineData("{\"options\":{\"sort\":\"-flight_number\"}}", "Must be an object")]
    [InlineData("{\"options\":{\"page\":0}}", "Invalid page")]
    [InlineData("{\"options\":{\"populate\":\"rocket\"}}", "options.populate is not implemented")]
    [InlineData("{\"options\":{\"pagination\":false}}", "options.pagination is not implemented")]
    public async Task A_bad_query_body_answers_400_in_plain_text(string body, string message)
    {
        // Given the recorded dump behind the local server
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);

        // When a malformed or unsupported query is posted
        var (response, text) = await http.PostAsync("v5/launches/query", body);

        // Then the answer is 400 with a plain-text message, like the real API's Mongoose errors
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        text.ShouldContain(message);
        response.Dispose();
    }

    [SkippableFact]
    public async Task The_intercept_hook_answers_instead_of_the_catalog_and_every_request_is_logged()
    {
        // Given a server whose clock is fixed and whose hook answers the first request with 429 + Retry-After
        var clock = new FixedClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog, clock);
        using var http = SpaceXFixtures.ClientFor(server);
        var answered = 0;
        server.Intercept = async context =>
        {
            if (Interlocked.Increment(ref answered) > 1)
            {
                return false;
            }

            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
            await context.Response.WriteAsync("<html>slow down</html>");
            return true;
        };
        const string query = """{"query":{},"options":{"limit":2}}""";

        // When the same query is posted twice
        var (first, firstBody) = await http.PostAsync("v5/launches/query", query);
        var (second, secondBody) = await http.PostAsync("v5/launches/query", query);

        // Then the hook's answer came first and the catalog's second
        first.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        first.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
        firstBody.ShouldBe("<html>slow down</html>");
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(secondBody).RootElement.GetProperty("docs").GetArrayLength().ShouldBe(2);

        // And both requests are in the log with method, path, body and the injected clock's time
        server.RequestCount.ShouldBe(2);
        server.Requests.ShouldAllBe(r => r.Method == "POST" && r.Path == "/v5/launches/query" && r.Body == query && r.ReceivedAt == clock.Now);

        // And clearing the log starts the count again
        server.ClearRequests();
        await http.QueryAllAsync("v4/rockets");
        server.RequestCount.ShouldBe(1);
        server.Requests[0].Path.ShouldBe("/v4/rockets/query");
        first.Dispose();
        second.Dispose();
    }

    [SkippableFact]
    public async Task A_catalog_edited_between_runs_is_served_as_edited_even_when_broken()
    {
        // Given a server whose catalog is swapped for one where a rocket has a wrong type and an extra field
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        using var http = SpaceXFixtures.ClientFor(server);
        var rockets = SpaceXFixtures.Catalog[SpaceXCatalog.Rockets].Select(r => Encoding.UTF8.GetString(r.Span)).ToList();
        var edited = JsonNode.Parse(rockets[0])!.AsObject();
        edited["stages"] = "two";
        edited["new_field"] = 42;
        rockets[0] = edited.ToJsonString();
        server.Catalog = server.Catalog.With(SpaceXCatalog.Rockets, rockets);

        // When the rockets are queried
        var served = await http.QueryAllAsync("v4/rockets");

        // Then the edit is what comes back, untouched
        var editedId = edited["id"]!.GetValue<string>();
        var servedEdit = served.Single(r => r.GetProperty("id").GetString() == editedId);
        servedEdit.GetProperty("stages").GetString().ShouldBe("two");
        servedEdit.GetProperty("new_field").GetInt32().ShouldBe(42);
        var other = SpaceXFixtures.Elements("v4-rockets.json")[1];
        served.Single(r => r.GetProperty("id").GetString() == other.GetProperty("id").GetString()).GetRawText().ShouldBe(other.GetRawText());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
