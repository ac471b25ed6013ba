using Lakehouse.Demo;
using Lakehouse.Sources.Rawg;

namespace Lakehouse.Cli.Commands;

/// <summary>
/// RAWG in <c>lakehouse demo</c>: generated games served by a local <see cref="RawgApiServer"/>, read with a demo key.
/// </summary>
internal static class DemoRawg
{
    /// <summary>Not a RAWG key: the local server accepts any key, and a real one must never reach it.</summary>
    public const string DemoKey = "demo0000000000000000000000000000";

    /// <summary>Games generated per unit of <c>--scale</c> (RAWG itself has about 900,000).</summary>
    public const int GamesPerScale = 2_000;

    /// <summary>
    /// Starts the server and points the demo at it: settings into <paramref name="overrides"/>, the demo key into
    /// <paramref name="environment"/> (so a real key never reaches it). Returns the server to dispose.
    /// </summary>
    public static async Task<RawgApiServer> StartAsync(
        int seed, double scale, IDictionary<string, string?> overrides, IDictionary<string, string> environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(environment);
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
