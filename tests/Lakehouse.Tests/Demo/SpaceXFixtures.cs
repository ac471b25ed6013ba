using System.Text;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Demo;

/// <summary>The recorded SpaceX dump, read once per test run, and small helpers to talk to the local server.</summary>
internal static class SpaceXFixtures
{
    private static readonly Lazy<SpaceXCatalog> LazyCatalog = new(() => SpaceXCatalog.FromFixtures(Folder));

    public static string Folder => Path.Combine(RepositoryPaths.SharedFixtures, "spacex");

    public static SpaceXCatalog Catalog => LazyCatalog.Value;

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

    public static HttpClient ClientFor(SpaceXApiServer server) => new() { BaseAddress = server.BaseAddress };
}
