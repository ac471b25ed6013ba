using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Runs;

/// <summary><c>lakehouse status</c> judges each dataset's newest landing against its schedule.</summary>
public sealed class FreshnessTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_dataset_older_than_two_of_its_schedule_intervals_is_flagged_stale()
    {
        // Given launches and rockets every 6 hours, crew daily at 08:00, capsules not scheduled
        var settings = PipelineHost.Settings(temp.Path, new Uri("http://127.0.0.1:9/"));
        settings["Lakehouse:Scheduling:Jobs:spacex.launches"] = "0 0 */6 * * ?";
        settings["Lakehouse:Scheduling:Jobs:spacex.rockets"] = "0 0 */6 * * ?";
        settings["Lakehouse:Scheduling:Jobs:spacex.crew"] = "0 0 8 * * ?";
        settings["Lakehouse:Scheduling:Jobs:spacex.capsules"] = "off";
        using var host = PipelineHost.Create(settings);

        // And launches landed 13 hours ago (over 2 × 6 h), rockets 11 hours ago (under), crew never, capsules 30 days ago
        var now = TimeProvider.System.GetUtcNow();
        await Landed("launches", now.AddHours(-13));
        await Landed("rockets", now.AddHours(-11));
        await Landed("capsules", now.AddDays(-30));

        // When status reads the lake
        var rows = (await host.Services.GetRequiredService<LakeStatus>().ReadAsync(CancellationToken.None)).ToDictionary(r => r.Dataset);

        // Then only what is scheduled is judged, against two intervals of its own schedule
        rows["spacex.launches"].ShouldSatisfyAllConditions(
            r => r.Schedule.ShouldBe("0 0 */6 * * ?"),
            r => r.ScheduleInterval.ShouldBe(TimeSpan.FromHours(6)),
            r => r.Stale.ShouldBeTrue());
        rows["spacex.rockets"].Stale.ShouldBeFalse();
        rows["spacex.crew"].ShouldSatisfyAllConditions(
            r => r.ScheduleInterval.ShouldBe(TimeSpan.FromDays(1)),
            r => r.LastLandedAt.ShouldBeNull(),
            r => r.Stale.ShouldBeTrue());
        rows["spacex.capsules"].ShouldSatisfyAllConditions(r => r.Schedule.ShouldBeNull(), r => r.Stale.ShouldBeFalse());

        Task Landed(string dataset, DateTimeOffset at) =>
            LakeJson.WriteAsync(host.Store, LakeKeys.DatasetState(new DatasetName("spacex", dataset)), new DatasetState { LastLandedAt = at }, CancellationToken.None);
    }
}
