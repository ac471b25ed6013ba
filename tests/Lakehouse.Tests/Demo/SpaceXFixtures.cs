using System.Globalization;
using System.Text;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Demo;

/// <summary>The recorded SpaceX dump, read once per test run, and small helpers to talk to the local server.</summary>
internal static class SpaceXFixtures
{
    public static string Folder => Path.Combine(RepositoryPaths.SharedFixtures, "spacex");

    public static SpaceXCatalog Catalog => RecordedCatalogs.SpaceX;

    /// <summary>The elements of a recorded array file, parsed independently of the code under test.</summary>
    public static JsonElement[] Elements(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, file)));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement;
    }

    public static async Task<(HttpResponseMessage Response, string Body)> PostAsync(this HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every document of a resource, through <c>POST /{version}/{resource}/query</c> as the client pages it.</summary>
    public static async Task<List<JsonElement>> QueryAllAsync(this HttpClient http, string resource)
    {
        var docs = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var (response, body) = await http.PostAsync(
                $"{resource}/query", """{"query":{},"options":{"page":PAGE,"limit":100,"sort":{"_id":"asc"}}}""".Replace("PAGE", page.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            using (response)
            {
                response.EnsureSuccessStatusCode();
            }

            var envelope = JsonDocument.Parse(body).RootElement;
            docs.AddRange(envelope.GetProperty("docs").EnumerateArray());
            if (!envelope.GetProperty("hasNextPage").GetBoolean())
            {
                return docs;
            }
        }
    }

    public static HttpClient ClientFor(SpaceXApiServer server) => new() { BaseAddress = server.BaseAddress };
}
