using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

/// <summary>
/// Derived files heal themselves: a damaged gold file or an unreadable record whose loss costs only work never blocks
/// later runs; one that cannot be skipped safely stops with a message saying why.
/// </summary>
public sealed class HealingTests : IDisposable
{
    /// <summary>python3: len(json.load(open('v4-launches.json'))) → 205 launches in the recorded fixture.</summary>
    private const long FixtureLaunches = 205;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Gold => temp.Combine("lake", "gold", "lakehouse.duckdb");

    [Fact]
    public async Task A_gold_file_that_is_not_a_database_is_moved_aside_and_rebuilt_from_silver()
    {
        // Given a lake after one run, whose gold file was overwritten and whose published gold builds are gone
        var config = await LakeAfterOneRunAsync();
        await File.WriteAllTextAsync(Gold, "this is not a DuckDB database");
        Directory.Delete(temp.Combine("lake", "gold", "builds"), recursive: true);
        File.Delete(temp.Combine("lake", "gold", "current.json"));

        // When gold is modelled (not --rebuild: the ordinary step every run takes)
        var model = await CliRunner.RunAsync("model", "--config", config);

        // Then it succeeds, gold holds every launch again, and the damaged file is kept aside untouched
        model.ExitCode.ShouldBe(0, model.Error);
        CountLaunches().ShouldBe(FixtureLaunches);
        var aside = Directory.GetFiles(temp.Combine("lake", "gold"), ".tmp-lakehouse.duckdb.damaged-*").ShouldHaveSingleItem();
        (await File.ReadAllTextAsync(aside)).ShouldBe("this is not a DuckDB database");
        Log().ShouldContain("is not a DuckDB database: moved aside to");
    }

    [Fact]
    public async Task An_unreadable_run_record_is_left_out_with_a_warning_and_blocks_nothing()
    {
        // Given a lake after one run whose run record was damaged
        var config = await LakeAfterOneRunAsync();
        var record = Directory.GetFiles(temp.Combine("lake", "_meta", "runs"), "*.json").ShouldHaveSingleItem();
        await File.WriteAllTextAsync(record, "{ \"runId\": ");

        // When status is asked and gold is rebuilt (meta_run reads every run record)
        var status = await CliRunner.RunAsync("status", "--config", config, "--format", "json");
        var model = await CliRunner.RunAsync("model", "--rebuild", "--config", config);

        // Then both succeed, each naming the record it left out
        status.ExitCode.ShouldBe(0, status.Error);
        model.ExitCode.ShouldBe(0, model.Error);
        var name = Path.GetFileName(record);
        Log().ShouldContain($"The lake record _meta/runs/{name} cannot be read");
        Log().ShouldContain("treated as absent: status leaves that run out");
        Log().ShouldContain("treated as absent: meta_run leaves that run out");
        CountLaunches().ShouldBe(FixtureLaunches);
    }

    [Fact]
    public async Task An_unreadable_change_probe_state_is_treated_as_absent_and_every_dataset_is_read()
    {
        // Given a lake after one run whose source state (the change probe's memory) was damaged
        var (config, server) = await LakeAfterOneRunWithServerAsync();
        await using (server)
        {
            await File.WriteAllTextAsync(temp.Combine("lake", "_meta", "state", "spacex", "_source.json"), "not json");

            // When the next run starts
            var run = await CliRunner.RunAsync("run", "--source", "spacex", "--config", config, "--format", "json");

            // Then it is no early exit (the probe is not trusted) and it succeeds with a warning naming the record
            run.ExitCode.ShouldBe(0, run.Error);
            using var json = JsonDocument.Parse(run.Output);
            json.RootElement.GetProperty("earlyExit").GetBoolean().ShouldBeFalse();
            Log().ShouldContain("_meta/state/spacex/_source.json cannot be read");
            Log().ShouldContain("the change probe is not trusted and every dataset is read");
        }
    }

    [Fact]
    public async Task An_unreadable_cursor_stops_its_dataset_saying_why_it_is_not_skipped()
    {
        // Given a lake after one run whose launches cursor was damaged
        var (config, server) = await LakeAfterOneRunWithServerAsync();
        await using (server)
        {
            var cursor = temp.Combine("lake", "_meta", "state", "spacex", "launches.json");
            File.Exists(cursor).ShouldBeTrue();
            await File.WriteAllTextAsync(cursor, "{ broken");

            // When the next run reads everything (the probe's memory is gone too)
            File.Delete(temp.Combine("lake", "_meta", "state", "spacex", "_source.json"));
            var run = await CliRunner.RunAsync("run", "--source", "spacex", "--config", config, "--format", "json");

            // Then launches failed with the reason, the other datasets ran, and nothing printed a bug
            run.ExitCode.ShouldBe(1, run.Error);
            using var json = JsonDocument.Parse(run.Output);
            var datasets = json.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(
                d => d.GetProperty("dataset").GetString()!, d => (Status: d.GetProperty("status").GetString(), Message: d.TryGetProperty("message", out var m) ? m.GetString() : null));
            datasets["spacex.launches"].Status.ShouldBe("failed");
            datasets["spacex.launches"].Message!.ShouldStartWith("The lake record _meta/state/spacex/launches.json cannot be read");
            datasets["spacex.launches"].Message!.ShouldContain("It is not skipped: it holds the dataset's cursor");
            datasets["spacex.rockets"].Status.ShouldNotBe("failed");
            run.Error.ShouldNotContain("unexpected");
            (await File.ReadAllTextAsync(cursor)).ShouldBe("{ broken");
        }
    }

    private long CountLaunches()
    {
        using var connection = DuckDbTestConnections.OpenFile(Gold, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM fact_launch";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What the runs logged (the JSON log file; the console of an in-process run is the test host's).</summary>
    private string Log() =>
        string.Concat(Directory.GetFiles(temp.Combine("logs"), "*.jsonl").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }));

    private async Task<string> LakeAfterOneRunAsync()
    {
        var (path, server) = await LakeAfterOneRunWithServerAsync();
        await server.DisposeAsync();
        return path;
    }

    private async Task<(string Path, SpaceXApiServer Server)> LakeAfterOneRunWithServerAsync()
    {
        var server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        var settings = PipelineHost.Settings(temp.Path, server.BaseAddress);
        settings["Lakehouse:Logging:Level"] = "Warning";
        var path = temp.Combine("config.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(ConfigFile.Nest(settings)));
        var first = await CliRunner.RunAsync("run", "--source", "spacex", "--config", path);
        first.ExitCode.ShouldBe(0, first.Error);
        CountLaunches().ShouldBe(FixtureLaunches);
        return (path, server);
    }
}
