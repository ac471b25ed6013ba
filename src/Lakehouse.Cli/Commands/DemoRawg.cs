using Lakehouse.Demo;
using Lakehouse.Sources;
using Lakehouse.Sources.Rawg;

namespace Lakehouse.Cli.Commands;

/// <summary>
/// RAWG in <c>lakehouse demo</c>: generated games served by a local <see cref="RawgApiServer"/>, read with a demo key.
/// Only once this build has the RAWG silver scripts (<c>rawg.games</c>); until then the demo leaves RAWG out.
/// </summary>
internal static class DemoRawg
{
    /// <summary>Not a RAWG key: the local server accepts any key, and a real one must never reach it.</summary>
    public const string DemoKey = "demo0000000000000000000000000000";

    /// <summary>Games generated per unit of <c>--scale</c> (RAWG itself has about 900,000).</summary>
    public const int GamesPerScale = 2_000;

    public static bool Available => BuiltInSources.Catalog.Silver.Datasets.Contains("rawg.games");

    /// <summary>
    /// Starts the server and points the demo at it: settings into <paramref name="overrides"/>, the demo key into
    /// <paramref name="environment"/>. Without the RAWG silver scripts it starts nothing and removes any real key from
    /// <paramref name="environment"/>, so the demo never calls the real API. Returns the server to dispose, or null.
    /// </summary>
    public static async Task<RawgApiServer?> StartAsync(
        int seed, double scale, IDictionary<string, string?> overrides, IDictionary<string, string> environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(environment);
        if (!Available)
        {
            environment.Remove(RawgSource.ApiKeyVariable);
            return null;
        }

        var games = new RawgSampleGenerator(seed, (int)Math.Ceiling(GamesPerScale * scale), RawgCatalogues.Generated());
        var server = await RawgApiServer.StartAsync(games, cancellationToken: ct);
        environment[RawgSource.ApiKeyVariable] = DemoKey;
        overrides["Lakehouse:Sources:Rawg:BaseUrl"] = server.BaseAddress.ToString();
        overrides["Lakehouse:Sources:Rawg:StartYear"] = "2018";
        overrides["Lakehouse:Sources:Rawg:RequestsPerSecond"] = "1000";
        overrides["Lakehouse:Sources:Rawg:Burst"] = "100";
        return server;
    }
}
