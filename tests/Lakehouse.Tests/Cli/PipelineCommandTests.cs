using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

/// <summary>The pipeline commands as a user meets them: arguments, summaries, exit codes.</summary>
public sealed class PipelineCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("--dataset", "spacex.nope", "Unknown dataset 'spacex.nope'")]
    [InlineData("--source", "mars", "Unknown source 'mars' (did you mean 'nasa'?)")]
    [InlineData("--dataset", "launches", "--source")]
    public async Task An_unknown_source_or_dataset_is_a_usage_error_that_lists_the_known_ones(string option, string value, string expected)
    {
        // Given a configuration whose lake is a temp folder
        var config = WriteConfig(new Uri("http://127.0.0.1:9"));

        // When run is asked for something that does not exist
        var result = await CliRunner.RunAsync("run", option, value, "--config", config);

        // Then it exits 2 naming the problem, before any call or write
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(expected);
        Directory.Exists(temp.Combine("lake", "bronze")).ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Run_then_status_show_what_landed_and_a_second_run_is_an_early_exit()
    {
        // Given the recorded API on loopback
        await using var server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        var config = WriteConfig(server.BaseAddress);

        // When run twice, the second time with --format json, then status
        var first = await CliRunner.RunAsync("run", "--source", "spacex", "--config", config);
        var second = await CliRunner.RunAsync("run", "--source", "spacex", "--config", config, "--format", "json");
        var status = await CliRunner.RunAsync("status", "--config", config, "--format", "json");

        // Then the first run's summary table names every dataset, the second is an early exit after one call
        first.ExitCode.ShouldBe(0, first.Error);
        first.Output.ShouldContain("spacex.launches");
        first.Output.ShouldContain("spacex.capsules");
        second.ExitCode.ShouldBe(0, second.Error);
        using (var run = JsonDocument.Parse(second.Output))
        {
            run.RootElement.GetProperty("earlyExit").GetBoolean().ShouldBeTrue();
            run.RootElement.GetProperty("apiCalls").GetInt64().ShouldBe(1);
        }

        // python3: len(json.load(open('v4-launches.json'))) → 205 launches, all landed and in gold
        status.ExitCode.ShouldBe(0, status.Error);
        using var rows = JsonDocument.Parse(status.Output);
        var launches = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("dataset").GetString() == "spacex.launches");
        launches.GetProperty("silverRows").GetInt64().ShouldBe(205);
        launches.GetProperty("goldRows").GetInt64().ShouldBe(205);
        launches.GetProperty("bronzeObjects").GetInt32().ShouldBeGreaterThan(0);
    }

    [SkippableFact]
    public async Task Transform_and_model_rebuild_give_identical_gold_without_calling_the_api()
    {
        // Given a lake after one run, and an API that then goes away
        string config;
        await using (var server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX))
        {
            config = WriteConfig(server.BaseAddress);
            (await CliRunner.RunAsync("run", "--source", "spacex", "--config", config)).ExitCode.ShouldBe(0);
        }

        var gold = temp.Combine("lake", "gold", "lakehouse.duckdb");
        var before = temp.Combine("before.duckdb");
        File.Copy(gold, before);

        var runs = Directory.GetFiles(temp.Combine("lake", "_meta", "runs"));

        // When silver and gold are rebuilt from the lake
        var transform = await CliRunner.RunAsync("transform", "--rebuild", "--config", config);
        var model = await CliRunner.RunAsync("model", "--rebuild", "--config", config);

        // Then both succeed and every gold table holds exactly the rows it held before
        transform.ExitCode.ShouldBe(0, transform.Error);
        model.ExitCode.ShouldBe(0, model.Error);
        model.Error.ShouldContain("fact_launch");
        GoldComparison.Differences(before, gold).ShouldBeEmpty();

        // And the replay told each dataset's rows (the recorded launches, none quarantined), and left no run record:
        // gold's meta_run lists the runs that read the APIs
        transform.Error.ShouldContain($"spacex.launches: {RecordedCatalogs.SpaceX["launches"].Count} rows, 0 quarantined");
        Directory.GetFiles(temp.Combine("lake", "_meta", "runs")).ShouldBe(runs);
    }

    [Fact]
    public async Task Demo_runs_the_whole_pipeline_offline_and_prints_example_queries()
    {
        // Given an empty folder for the demo lake
        var lake = temp.Combine("demo-lake");

        // When the demo runs
        var result = await CliRunner.RunAsync("demo", "--lake", lake, "--seed", "7");

        // Then it succeeded, printed the example queries, and its gold holds every generated launch
        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("Launches per year");
        result.Output.ShouldContain("Payload mass per rocket");
        var generated = new SpaceXSampleGenerator(7, 1.0).Count("launches");
        using var connection = DuckDbTestConnections.OpenFile(Path.Combine(lake, "gold", "lakehouse.duckdb"), readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM fact_launch";
        Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(generated);
    }

    private string WriteConfig(Uri api)
    {
        var settings = PipelineHost.Settings(temp.Path, api);
        var path = temp.Combine("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        return path;
    }
}
