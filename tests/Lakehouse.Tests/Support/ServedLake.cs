using System.Text;
using System.Text.Json.Nodes;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Runs;
using Lakehouse.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A lake built by the real pipeline from the recorded SpaceX responses (served by the demo's local API server), with
/// one launch renamed to carry HTML and script, run twice (the second run finds nothing new) and a third time against an API that fails; then <c>serve</c>'s
/// host over it, in this process, on a free loopback port, and a headless chromium to look at it.
/// </summary>
public sealed class ServedLake : IAsyncLifetime
{
    /// <summary>The renamed launch: if the pages ever let it through as markup, it sets a global the tests look for.</summary>
    public const string ScriptName = "<script>window.__lakehouseXss = 1</script><b>Starlink</b> & <i>friends</i>";

    /// <summary>What the API answers (with status 500) in the third run.</summary>
    public const string FailingAnswer = "<script>window.__lakehouseXss = 2</script><h1>Internal error</h1>";

    /// <summary>The time limit of the SQL box in these tests (<c>Lakehouse:Serve:QueryTimeout</c>).</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private readonly string root = Path.Combine(Path.GetTempPath(), "lakehouse-tests", $"served-{Guid.NewGuid():N}");
    private WebApplication? app;
    private Chromium? chromium;

    /// <summary>Why the browser tests cannot run here (no chromium), or null.</summary>
    public string? MissingReason { get; private set; }

    public Uri Address { get; private set; } = null!;

    public string LakePath => Path.Combine(root, "lake");

    public string GoldPath => Path.Combine(LakePath, "gold", "lakehouse.duckdb");

    internal Chromium Chromium => chromium ?? throw new InvalidOperationException(MissingReason);

    public async Task InitializeAsync()
    {
        (chromium, MissingReason) = await Chromium.StartAsync();
        if (chromium is null)
        {
            return;
        }

        var catalog = WithScriptInFirstLaunchName(RecordedCatalogs.SpaceX);
        await using (var server = await SpaceXApiServer.StartAsync(catalog))
        {
            await using var host = PipelineHost.Create(PipelineHost.Settings(root, server.BaseAddress));
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
                run.Status.ShouldBe(RunStatus.Succeeded, string.Join("; ", run.Datasets.Select(d => d.Message)));
            }

            // A third run meets an API that fails, with markup in its answer: the runs' errors are data too.
            server.Intercept = async context =>
            {
                context.Response.StatusCode = 500;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync(FailingAnswer);
                return true;
            };
            var failed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
            failed.Status.ShouldNotBe(RunStatus.Succeeded);
        }

        (app, Address) = await ServeAsync(root, new Dictionary<string, string?>
        {
            ["Lakehouse:Serve:QueryTimeout"] = QueryTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>
    /// Starts <c>serve</c>'s host over the folder lake under <paramref name="folder"/> (the settings <see cref="PipelineHost"/>
    /// uses) plus <paramref name="settings"/>, on a free loopback port.
    /// </summary>
    internal static async Task<(WebApplication App, Uri Address)> ServeAsync(string folder, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = PipelineHostBuilder.LakeSettings(folder);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = LakehouseConfiguration.Build(folder, AppContext.BaseDirectory, new Dictionary<string, string>(), null, all);
        var app = LakehouseWebHost.Build(configuration, "127.0.0.1", 0);
        await LakehouseWebHost.StartAsync(app, "127.0.0.1", 0, CancellationToken.None);
        return (app, LakehouseWebHost.Address(app));
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (chromium is not null)
        {
            await chromium.DisposeAsync();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Something still open; the OS cleans temp eventually.
        }
    }

    private static SpaceXCatalog WithScriptInFirstLaunchName(SpaceXCatalog catalog)
    {
        var launches = catalog[SpaceXCatalog.Launches].Select(e => Encoding.UTF8.GetString(e.Span)).ToList();
        var first = JsonNode.Parse(launches[0])!.AsObject();
        first["name"] = ScriptName;
        launches[0] = first.ToJsonString();
        return catalog.With(SpaceXCatalog.Launches, launches);
    }
}
