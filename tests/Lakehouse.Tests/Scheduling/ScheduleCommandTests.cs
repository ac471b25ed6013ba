using System.Globalization;
using System.Text.Json;
using Lakehouse.Demo;
using Lakehouse.Tests.Demo;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Scheduling;

/// <summary><c>lakehouse schedule</c> as a real process: its checks at start, <c>--list</c>, and how it stops.</summary>
public sealed class ScheduleCommandTests
{
    private static readonly Uri NoApi = new("http://127.0.0.1:9/");

    [Fact]
    public async Task An_invalid_cron_expression_exits_2_naming_the_key_and_the_expression()
    {
        // Given a schedule whose minute field is out of range
        using var root = new TempDirectory();
        LakehouseProcess.WriteConfig(root.Path, ScheduleSettings.For(root.Path, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 61 * * * ?"))));

        // When the scheduler starts
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root.Path, "schedule");

        // Then it refuses before scheduling anything, naming the key and the expression
        exitCode.ShouldBe(2, stderr);
        stderr.ShouldContain("Lakehouse:Scheduling:Jobs:spacex.launches");
        stderr.ShouldContain("'0 61 * * * ?' is not a valid cron expression");
        stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_unknown_dataset_in_the_schedule_exits_2_naming_it_and_the_known_ones()
    {
        // Given a schedule with a dataset no registered source has
        using var root = new TempDirectory();
        LakehouseProcess.WriteConfig(root.Path, ScheduleSettings.For(root.Path, NoApi, ScheduleSettings.Jobs(
            ("spacex.launches", "0 0 */6 * * ?"), ("spacex.starships", "0 0 */6 * * ?"))));

        // When the scheduler starts
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root.Path, "schedule");

        // Then it refuses, naming the unknown dataset and what it could have been
        exitCode.ShouldBe(2, stderr);
        stderr.ShouldContain("that no source has: spacex.starships (did you mean spacex.capsules?).");
        stderr.ShouldContain("Known datasets: spacex.launches,");
    }

    [Fact]
    public async Task List_prints_every_dataset_with_its_next_fire_times_in_utc()
    {
        // Given launches every six hours, rockets daily at 08:30 UTC, crew turned off and the rest not mentioned
        using var root = new TempDirectory();
        LakehouseProcess.WriteConfig(root.Path, ScheduleSettings.For(root.Path, NoApi, ScheduleSettings.Jobs(
            ("spacex.launches", "0 0 */6 * * ?"), ("spacex.rockets", "0 30 8 * * ?"), ("spacex.crew", "off"))));

        // When the schedule is listed
        var before = TimeProvider.System.GetUtcNow();
        var (exitCode, stdout, stderr) = await LakehouseProcess.RunAsync(root.Path, "schedule", "--list");
        var after = TimeProvider.System.GetUtcNow();

        // Then each scheduled dataset shows its next three fires, computed here by plain calendar arithmetic
        exitCode.ShouldBe(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("dataset");
        var launches = lines.Single(l => l.StartsWith("spacex.launches ", StringComparison.Ordinal));
        var rockets = lines.Single(l => l.StartsWith("spacex.rockets ", StringComparison.Ordinal));
        new[] { SixHourly(before), SixHourly(after) }.ShouldContain(launches[launches.IndexOf("? ", StringComparison.Ordinal)..].Trim('?', ' '));
        new[] { DailyAt0830(before), DailyAt0830(after) }.ShouldContain(rockets[rockets.IndexOf("? ", StringComparison.Ordinal)..].Trim('?', ' '));

        // And datasets that are off or unmentioned are listed as not scheduled
        lines.Single(l => l.StartsWith("spacex.crew ", StringComparison.Ordinal)).ShouldEndWith("not scheduled");
        lines.Single(l => l.StartsWith("spacex.capsules ", StringComparison.Ordinal)).ShouldEndWith("not scheduled");
        lines.Count(l => l.StartsWith("spacex.", StringComparison.Ordinal)).ShouldBe(8);
        lines.ShouldContain(l => l.StartsWith("nasa.neo_feed ", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("rawg.games ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_committed_default_schedule_names_only_datasets_that_exist()
    {
        // Given the committed config/lakehouse.json (copied beside the binary), unchanged
        // When its schedule is listed
        var result = await CliRunner.RunAsync("schedule", "--list");

        // Then it validates (every scheduled dataset is registered) and covers every source
        result.ExitCode.ShouldBe(0, result.Error);
        foreach (var dataset in new[] { "spacex.launches", "nasa.neo_feed", "nasa.apod", "nasa.donki_gst", "rawg.games", "rawg.parent_platforms" })
        {
            result.Output.Split('\n').ShouldContain(l => l.StartsWith(dataset + " ", StringComparison.Ordinal) && !l.EndsWith("not scheduled", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_second_scheduler_on_the_same_folder_lake_refuses_and_names_the_first()
    {
        // Given a scheduler running on a folder lake, without clustering (its one job fires in 2099)
        using var root = new TempDirectory();
        LakehouseProcess.WriteConfig(root.Path, ScheduleSettings.For(root.Path, NoApi, ScheduleSettings.Jobs(("spacex.launches", "0 0 0 1 1 ? 2099"))));
        await using var first = LakehouseProcess.Start(root.Path, null, "schedule");
        await first.WaitForLogAsync("Scheduler", TimeSpan.FromSeconds(30));
        await first.WaitForLogAsync("started (in memory)", TimeSpan.FromSeconds(30));

        // When a second one starts on the same lake
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root.Path, "schedule");

        // Then it refuses with exit code 2, naming the first one's process
        exitCode.ShouldBe(2, stderr);
        stderr.ShouldContain("Another scheduler already runs on this lake");
        stderr.ShouldContain($"pid {first.Id}");

        // And the first one stops cleanly on SIGTERM, freeing the lake for the next scheduler
        await first.TerminateAsync();
        (await first.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, first.Error);
        var (again, _, againError) = await LakehouseProcess.RunAsync(root.Path, "schedule", "--list");
        again.ShouldBe(0, againError);
        Directory.GetFiles(Path.Combine(root.Path, "lake", "_meta", "leases", "_scheduler")).ShouldBeEmpty("its claim was removed on release");
    }

    [SkippableFact]
    public async Task Sigterm_during_a_land_lets_the_run_finish_within_the_grace_period_and_exits_0()
    {
        // Given a scheduler whose run of launches is slowed down by a slow API (each answer takes 1.5 s)
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        server.Intercept = async context =>
        {
            await Task.Delay(1500);
            return false;
        };
        using var root = new TempDirectory();
        LakehouseProcess.WriteConfig(root.Path, ScheduleSettings.For(root.Path, server.BaseAddress, ScheduleSettings.Jobs(("spacex.launches", "*/2 * * * * ?"))));
        await using var node = LakehouseProcess.Start(root.Path, null, "schedule");

        // When SIGTERM arrives while the run is landing
        await WaitUntilAsync(() => server.RequestCount > 0, TimeSpan.FromSeconds(30), node);
        await node.TerminateAsync();

        // Then the run finishes (within the 20 s grace) and the process exits 0
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(40))).ShouldBe(0, node.Error);
        node.Error.ShouldContain("running jobs get up to 20 s to finish");
        node.Error.ShouldNotContain("cancelling the running jobs");
        var runs = RunRecords(root.Path);
        runs.ShouldNotBeEmpty();
        runs.ShouldAllBe(r => r.GetProperty("status").GetString() == "succeeded");
        runs.ShouldAllBe(r => r.GetProperty("trigger").GetString() == "schedule");
    }

    [SkippableFact]
    public async Task Sigterm_after_the_grace_period_interrupts_the_run_and_the_next_run_heals_the_lake()
    {
        // Given a scheduler with a 1 s grace period and an API that takes 4 s per answer
        await using var server = await SpaceXApiServer.StartAsync(SpaceXFixtures.Catalog);
        server.Intercept = async context =>
        {
            await Task.Delay(4000, context.RequestAborted);
            return false;
        };
        using var root = new TempDirectory();
        var settings = ScheduleSettings.For(root.Path, server.BaseAddress, ScheduleSettings.Jobs(("spacex.launches", "*/2 * * * * ?")),
            s => s["ShutdownGracePeriod"] = "00:00:01");
        LakehouseProcess.WriteConfig(root.Path, settings);
        await using var node = LakehouseProcess.Start(root.Path, null, "schedule");

        // When SIGTERM arrives while the run is landing
        await WaitUntilAsync(() => server.RequestCount > 0, TimeSpan.FromSeconds(30), node);
        await node.TerminateAsync();

        // Then after the grace period the run is cancelled, recorded as interrupted, and the process still exits 0
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, node.Error);
        node.Error.ShouldContain("cancelling the running jobs");
        var interrupted = RunRecords(root.Path).ShouldHaveSingleItem();
        interrupted.GetProperty("status").GetString().ShouldBe("failed");
        interrupted.GetProperty("goldError").GetString().ShouldBe("interrupted");

        // And the lake is consistent: the next run takes the dataset at once (the lease was released) and lands it all
        server.Intercept = null;
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(root.Path, "run", "--dataset", "spacex.launches");
        exitCode.ShouldBe(0, stderr);
        stderr.ShouldNotContain("Waiting up to");
        RunRecords(root.Path).Count.ShouldBe(2);
    }

    internal static List<JsonElement> RunRecords(string root)
    {
        var folder = Path.Combine(root, "lake", "_meta", "runs");
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())]
            : [];
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, LakehouseProcess node)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds} s. The scheduler said:\n{node.Error}");
            }

            await Task.Delay(50);
        }
    }

    private static string SixHourly(DateTimeOffset now)
    {
        var first = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours((now.UtcDateTime.Hour / 6 + 1) * 6);
        return Fires(first, TimeSpan.FromHours(6));
    }

    private static string DailyAt0830(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(8.5);
        return Fires(today > now ? today : today.AddDays(1), TimeSpan.FromDays(1));
    }

    private static string Fires(DateTimeOffset first, TimeSpan every) =>
        string.Join(", ", Enumerable.Range(0, 3).Select(i => (first + every * i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
}
