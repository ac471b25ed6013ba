using System.Diagnostics;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// Promise 6: killing the process at any moment and running again yields the same gold as a run that was never
/// interrupted. The real <c>lakehouse run</c> process is SIGKILLed when its log shows it reached a given point (during
/// land, during transform, during model), then run again to the end; gold is compared table by table with an
/// uninterrupted run's, leaving out only what names runs (run ids, timings).
/// </summary>
public sealed class CrashSafetyTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private SpaceXApiServer server = null!;

    public async Task InitializeAsync() =>
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task Killed_during_land_transform_or_model_the_next_run_gives_the_gold_of_an_uninterrupted_run()
    {
        // Given the gold of a run that was never interrupted
        var reference = temp.Combine("reference");
        (await RunToEndAsync(reference)).ShouldBe(0);

        // Page size 50 makes launches five pages, so "during land" falls between two pages of one dataset.
        string[] killPoints =
        [
            "Landed spacex.launches",            // land: after the first launches page
            "Landed spacex.payloads",            // land: datasets half done
            "Transformed spacex.launches",       // transform: one dataset published, the others not
            "Building gold",                     // model: inside the gold transaction
        ];
        foreach (var point in killPoints)
        {
            // When a run is killed at that point, and the next run goes to the end
            var lake = temp.Combine(Slug(point));
            var killed = await RunUntilAsync(lake, point);
            killed.ShouldBeTrue($"the run never reached '{point}'");
            (await RunToEndAsync(lake)).ShouldBe(0, $"the run after a kill at '{point}' failed");

            // Then gold equals the uninterrupted run's, table by table
            GoldComparison.Differences(Path.Combine(reference, "lake", "gold", "lakehouse.duckdb"), Path.Combine(lake, "lake", "gold", "lakehouse.duckdb"))
                .ShouldBeEmpty($"gold after a kill at '{point}' differs from the uninterrupted run's");
        }
    }

    private static string Slug(string text) => new([.. text.Select(c => char.IsLetterOrDigit(c) ? c : '-')]);

    private async Task<int> RunToEndAsync(string root)
    {
        using var process = Start(root);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        _ = await stdout;
        var errors = await stderr;
        return process.ExitCode == 0 ? 0 : throw new ShouldAssertException($"lakehouse run exited {process.ExitCode}: {errors}");
    }

    /// <summary>Starts a run and SIGKILLs it as soon as its log shows <paramref name="marker"/>.</summary>
    private async Task<bool> RunUntilAsync(string root, string marker)
    {
        using var process = Start(root);
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            // Serilog may quote property values ("spacex.launches"), so every word is looked for on its own.
            if (marker.Split(' ').All(word => line.Contains(word, StringComparison.Ordinal)))
            {
                process.Kill();
                await process.WaitForExitAsync(timeout.Token);
                return true;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        return false;
    }

    private Process Start(string root)
    {
        Directory.CreateDirectory(root);
        var settings = PipelineHost.Settings(root, server.BaseAddress);
        settings["Lakehouse:Sources:SpaceX:PageSize"] = "50";
        settings["Lakehouse:Logging:Level"] = "Information";
        var config = Path.Combine(root, "test-config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(ConfigFile.Nest(settings)));

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "lakehouse.dll"), "run", "--source", "spacex", "--config", config })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
