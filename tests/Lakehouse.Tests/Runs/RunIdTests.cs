using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Runs;

public sealed class RunIdTests
{
    [Fact]
    public void Run_ids_sort_chronologically_as_plain_strings()
    {
        // Given run ids made at increasing times, including across a day and a year boundary
        var times = new[] { "2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z", "2026-11-22T09:15:00.123Z" };
        var ids = times.Select(t => RunId.New(new FixedTimeProvider(DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture))).Value).ToList();

        // Then ordinal order is time order, which the lake's keys and gold's "as of run" rely on
        ids.Order(StringComparer.Ordinal).ShouldBe(ids);
        ids[3].ShouldStartWith("20261122T091500123Z-");
    }

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("20261122T091500123Z")]
    [InlineData("2026-11-22-3f9a")]
    [InlineData("20261340T091500123Z-3f9a")]
    public void Something_that_is_not_a_run_id_is_refused(string text) =>
        Should.Throw<FormatException>(() => RunId.Parse(text)).Message.ShouldContain("run id");

    [Theory]
    [InlineData("spacex.launches", "spacex", "launches")]
    [InlineData("nasa.neo_feed", "nasa", "neo_feed")]
    public void A_dataset_name_is_source_dot_dataset(string text, string source, string name) =>
        DatasetName.Parse(text).ShouldBe(new DatasetName(source, name));

    [Theory]
    [InlineData("launches")]
    [InlineData(".launches")]
    [InlineData("spacex.")]
    [InlineData("spacex.launches.v5")]
    public void A_malformed_dataset_name_is_refused_with_an_example(string text) =>
        Should.Throw<FormatException>(() => DatasetName.Parse(text)).Message.ShouldContain("spacex.launches");
}
