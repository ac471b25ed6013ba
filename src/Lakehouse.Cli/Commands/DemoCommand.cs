using System.CommandLine;
using Lakehouse.Configuration;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Querying;
using Lakehouse.Runs;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.Rawg;
using Lakehouse.Sources.SpaceX;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli.Commands;

/// <summary>
/// <c>lakehouse demo</c>: the whole pipeline offline. A deterministic generator makes SpaceX-shaped data, an
/// in-process HTTP server on loopback serves it the way the real API does, and the ordinary run (the same code as
/// <c>lakehouse run</c>) lands, transforms and models it into a lake of its own; then a few queries show the result.
/// </summary>
internal static class DemoCommand
{
    private static readonly (string Title, string Sql)[] ExampleQueries =
    [
        ("Launches per year and their success rate",
            """
            SELECT d.year, count(*) AS launches, count(*) FILTER (f.success) AS successes,
                   round(100.0 * count(*) FILTER (f.success) / nullif(count(f.success), 0), 1) AS success_pct
            FROM fact_launch f JOIN dim_date d USING (date_key)
            WHERE NOT f.upcoming GROUP BY d.year ORDER BY d.year
            """),
        ("Payload mass per rocket",
            """
            SELECT r.name AS rocket, count(*) AS launches, round(sum(f.payload_mass_kg)) AS payload_kg
            FROM fact_launch f JOIN dim_rocket r USING (rocket_key)
            GROUP BY r.name ORDER BY payload_kg DESC NULLS LAST
            """),
        ("The most flown cores",
            """
            SELECT c.serial, count(*) AS flights, count(*) FILTER (b.landing_success) AS landings
            FROM bridge_launch_core b JOIN dim_core c USING (core_key)
            WHERE c.core_key <> -1 GROUP BY c.serial ORDER BY flights DESC, c.serial LIMIT 5
            """),
    ];

    private static readonly (string Title, string Sql)[] NasaQueries =
    [
        ("NASA close approaches in the demo window",
            """
            SELECT count(*) AS close_approaches FROM fact_close_approach
            """),
    ];

    /// <summary>Days of generated NASA data before today: four weeks, a handful of requests, a few thousand approaches.</summary>
    private const int NasaDemoDays = 28;

    public static Command Create(CliConsole console)
    {
        var lake = new Option<string>("--lake")
        {
            Description = "The folder of the demo lake (kept apart from your real lake). Its gold is <folder>/gold/lakehouse.duckdb.",
            DefaultValueFactory = _ => Path.Combine("lake", "demo"),
            HelpName = "FOLDER",
        };
        lake.Validators.Add(result =>
        {
            // Checked here so that the message names --lake, which the demo passes on as Lakehouse:Storage:Root.
            if (result.GetValueOrDefault<string>() is { Length: > 0 } folder && Storage.FileSystemObjectStore.FindRootProblem(folder) is { } problem)
            {
                result.AddError($"--lake {folder} is refused: {problem}");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the generated data: the same seed gives the same data.", DefaultValueFactory = _ => 42, HelpName = "N" };
        var scale = new Option<double>("--scale")
        {
            Description = "How much data: 1 is about the real API's size (205 launches); 10 is ten times that.",
            DefaultValueFactory = _ => 1.0,
            HelpName = "X",
        };
        scale.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is <= 0 or > 1000)
            {
                result.AddError("--scale must be above 0 and at most 1000.");
            }
        });
        var command = new Command("demo", "Run the whole pipeline offline on generated SpaceX-shaped data served by a local HTTP server, then print a few example queries. Needs no network and no API key.")
        {
            lake, seed, scale,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var root = Path.GetFullPath(parseResult.GetValue(lake)!);
            var goldPath = Path.Combine(root, "gold", "lakehouse.duckdb");
            await console.Error.WriteLineAsync($"Generating SpaceX-shaped data (seed {parseResult.GetValue(seed)}, scale {parseResult.GetValue(scale)}) and serving it on loopback...");
            var catalog = SpaceXSampleGenerator.Generate(parseResult.GetValue(seed), parseResult.GetValue(scale));
            await using var server = await SpaceXApiServer.StartAsync(catalog, cancellationToken: ct);
            var overrides = new Dictionary<string, string?>
            {
                ["Lakehouse:Sources:SpaceX:BaseUrl"] = server.BaseAddress.ToString(),
                ["Lakehouse:Storage:Kind"] = "FileSystem",
                ["Lakehouse:Storage:Root"] = root,
                ["Lakehouse:Gold:DatabasePath"] = goldPath,
            };
            var environment = ProcessEnvironment();
            var sources = new HashSet<string>(StringComparer.Ordinal) { SpaceXSource.SourceName };
            await using var nasa = await NasaApiServer.StartAsync(NasaCatalog.Generated(new NasaSampleGenerator(parseResult.GetValue(seed))), cancellationToken: ct);
            // The server is local: the gateway's limits (DEMO_KEY's 30 an hour and 50 a day) would only slow the
            // demo down, and a real key has no business going to it.
            environment[NasaSource.ApiKeyVariable] = "local-demo-key";
            overrides["Lakehouse:Sources:Nasa:BaseUrl"] = nasa.BaseAddress.ToString();
            overrides["Lakehouse:Sources:Nasa:RequestsPerSecond"] = "100";
            overrides["Lakehouse:Sources:Nasa:Burst"] = "100";
            overrides["Lakehouse:Sources:Nasa:InitialDays"] = NasaDemoDays.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sources.Add(NasaSource.SourceName);
            await console.Error.WriteLineAsync($"Generating NASA-shaped data (close approaches, APOD, DONKI) for the last {NasaDemoDays} days and serving it on loopback...");

            await using var rawg = await DemoRawg.StartAsync(parseResult.GetValue(seed), parseResult.GetValue(scale), overrides, environment, ct);
            sources.Add(RawgSource.SourceName);

            var configuration = LakehouseConfiguration.Build(
                Directory.GetCurrentDirectory(), AppContext.BaseDirectory, environment, parseResult.GetValue(CommandServices.ConfigOption), overrides);
            using var services = new ServiceCollection().AddLakehouse(configuration)
                .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            services.ValidateLakehouseOptions();
            var run = await services.GetRequiredService<LakehousePipeline>().RunAsync(new RunRequest("demo", sources, new HashSet<DatasetName>()), ct);
            await RunSummaryWriter.WriteAsync(run, "table", console, ct);
            if (run.Status != RunStatus.Succeeded)
            {
                return RunSummaryWriter.ExitCode(run);
            }

            var query = new GoldQuery(services.GetRequiredService<TimeProvider>());
            foreach (var (title, sql) in nasa is null ? ExampleQueries : [.. ExampleQueries, .. NasaQueries])
            {
                await WriteLineAsync(console, $"\n-- {title}\n{sql}");
                await query.RunAsync(goldPath, sql, ResultFormat.Table, console.Output, new QueryOutputOptions(50, console.TerminalWidth), ct);
            }

            var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), goldPath);
            await WriteLineAsync(console, $"\nThe demo's gold is {relative}. Try: lakehouse query --db {relative} \"SELECT * FROM fact_launch LIMIT 5\"");
            await WriteLineAsync(
                console,
                $"Or look at the whole lake in a browser: lakehouse serve --lake {Path.GetRelativePath(Directory.GetCurrentDirectory(), root)} " +
                $"(then open http://{Web.LakehouseWebHost.DefaultHost}:{Web.LakehouseWebHost.DefaultPort}/)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The environment, which the demo adjusts (RAWG's demo key) without touching the process's own.</summary>
    private static Dictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }

        return environment;
    }

    private static async Task WriteLineAsync(CliConsole console, string text)
    {
        await console.Output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        await console.Output.FlushAsync();
    }
}
