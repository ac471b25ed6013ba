using Lakehouse.Configuration;
using Lakehouse.Scheduling;
using Lakehouse.Sources;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Configuration;

/// <summary>
/// Strict configuration: a key nobody reads is an error naming the nearest known one, and every value is checked
/// against its range, the message giving the key, the bad value and what is allowed.
/// </summary>
public sealed class StrictConfigurationTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly Dictionary<string, string> environment = new(StringComparer.OrdinalIgnoreCase);

    public StrictConfigurationTests()
    {
        // Given the committed defaults in the working directory's config folder.
        Directory.CreateDirectory(work.Combine("config"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "config", "lakehouse.json"), work.Combine("config", "lakehouse.json"));
    }

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_committed_defaults_and_the_documented_variables_are_all_known()
    {
        // Given every setting the README's examples use, through the environment
        environment["Lakehouse__Storage__Kind"] = "S3";
        environment["Lakehouse__Storage__S3__ServiceUrl"] = "http://127.0.0.1:9000";
        environment["Lakehouse__Storage__S3__Prefix"] = "prod";
        environment["Lakehouse__Scheduling__ConnectionString"] = "Host=db;Database=lakehouse";
        environment["Lakehouse__Sources__Rawg__QuotaRequests"] = "100";
        environment["AWS_ACCESS_KEY_ID"] = "access";
        environment["AWS_SECRET_ACCESS_KEY"] = "secret";

        // Also variables of other programs, which are none of Lakehouse's business
        environment["Logging__LogLevel__Default"] = "Debug";
        environment["DOTNET_gcServer"] = "1";

        // Then nothing is refused
        Should.NotThrow(() => Validate(Build()));
    }

    [Fact]
    public void A_misspelled_environment_variable_names_itself_and_the_nearest_known_key()
    {
        environment["Lakehouse__Storage__Knd"] = "S3";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldBe(
            "Unknown setting 'Lakehouse__Storage__Knd' in the environment; did you mean 'Lakehouse__Storage__Kind'? Fix or remove it.");
        error.IsUsageError.ShouldBeTrue();
    }

    [Fact]
    public void An_environment_variable_in_another_case_is_known()
    {
        // Configuration keys ignore case, as the binder does
        environment["LAKEHOUSE__GOLD__KEEPBUILDS"] = "5";

        Should.NotThrow(() => Validate(Build()));
    }

    [Fact]
    public void A_config_file_without_the_lakehouse_root_is_refused_rather_than_run_with_the_defaults()
    {
        // Given a file whose sections sit at the top level
        var file = work.Combine("flat.json");
        File.WriteAllText(file, """{ "Storage": { "Kind": "S3" }, "Gold": { "KeepBuilds": 1 } }""");

        var error = Should.Throw<ConfigurationException>(() => Validate(Build(file)));

        // Then each top-level key is named with how to nest it
        error.Message.ShouldContain("--config ");
        error.Message.ShouldContain("the top-level key 'Storage' is not 'Lakehouse', so nothing in it would be read. 'Storage' is a section of 'Lakehouse': nest it as { \"Lakehouse\": { \"Storage\": ... } }.");
        error.Message.ShouldContain("the top-level key 'Gold' is not 'Lakehouse'");
    }

    [Fact]
    public void A_misspelled_key_in_a_file_names_the_file_and_the_nearest_key_once()
    {
        // Given a typo in a section's name, with keys below it
        var file = work.Combine("typo.json");
        File.WriteAllText(file, """{ "Lakehouse": { "Leses": { "Duration": "00:01:00", "GoldWait": "00:01:00" }, "Gold": { "KeepBuild": 2 } } }""");

        var error = Should.Throw<ConfigurationException>(() => Validate(Build(file)));

        // Then the section is named once (not each key below it), and the other typo too
        var lines = error.Message.Split(Environment.NewLine);
        lines.ShouldBe([
            "Unknown setting 'Lakehouse:Gold:KeepBuild' in --config " + file + "; did you mean 'Lakehouse:Gold:KeepBuilds'? Fix or remove it.",
            "Unknown setting 'Lakehouse:Leses' in --config " + file + "; did you mean 'Lakehouse:Leases'? Fix or remove it.",
        ]);
    }

    [Fact]
    public void A_misspelled_scheduling_key_is_refused_by_every_command()
    {
        environment["Lakehouse__Scheduling__Job__spacex.launches"] = "0 0 * * * ?";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("'Lakehouse__Scheduling__Job__spacex.launches'");
        error.Message.ShouldContain("did you mean 'Lakehouse__Scheduling__Jobs__spacex.launches'?");
    }

    [Theory]
    [InlineData("Lakehouse__Leases__Duration", "00:00:00", "Lakehouse:Leases:Duration is 00:00:00; allowed: 00:00:01 to 1.00:00:00 (a lease is renewed every third of it).")]
    [InlineData("Lakehouse__Leases__Duration", "-00:01:00", "Lakehouse:Leases:Duration is -00:01:00; allowed: 00:00:01 to 1.00:00:00 (a lease is renewed every third of it).")]
    [InlineData("Lakehouse__Leases__DatasetWait", "-00:00:01", "Lakehouse:Leases:DatasetWait is -00:00:01; allowed: 00:00:00 to 1.00:00:00.")]
    [InlineData("Lakehouse__Leases__PollInterval", "00:00:00", "Lakehouse:Leases:PollInterval is 00:00:00; allowed: 00:00:00.01 to 00:10:00.")]
    [InlineData("Lakehouse__Leases__PollInterval", "00:00:00.005", "Lakehouse:Leases:PollInterval is 00:00:00.005; allowed: 00:00:00.01 to 00:10:00.")]
    [InlineData("Lakehouse__Pipeline__TransformChunkBytes", "0", "Lakehouse:Pipeline:TransformChunkBytes is 0; allowed: 1048576 to 68719476736 (bytes of bronze per transform step: 1 MiB to 64 GiB).")]
    [InlineData("Lakehouse__Pipeline__TransformChunkBytes", "-5", "Lakehouse:Pipeline:TransformChunkBytes is -5; allowed: 1048576 to 68719476736 (bytes of bronze per transform step: 1 MiB to 64 GiB).")]
    [InlineData("Lakehouse__Sources__Nasa__RequestsPerSecond", "1e-9", "Lakehouse:Sources:Nasa:RequestsPerSecond is 1E-09; allowed: 0.001 to 1000 (e.g. 0.25 for one request every 4 s).")]
    [InlineData("Lakehouse__Sources__Nasa__QuotaRequests", "0", "Lakehouse:Sources:Nasa:QuotaRequests is 0; allowed: 1 or more (or leave it out for no quota).")]
    [InlineData("Lakehouse__Sources__SpaceX__RetryBaseDelay", "-00:00:01", "Lakehouse:Sources:SpaceX:RetryBaseDelay is -00:00:01; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:01).")]
    [InlineData("Lakehouse__Sources__SpaceX__PageSize", "0", "Lakehouse:Sources:SpaceX:PageSize is 0; allowed: 1 to 10000.")]
    [InlineData("Lakehouse__Sources__SpaceX__LaunchOverlap", "-1.00:00:00", "Lakehouse:Sources:SpaceX:LaunchOverlap is -1.00:00:00; allowed: 00:00:00 to 3660.00:00:00.")]
    [InlineData("Lakehouse__Sources__Nasa__InitialDays", "-1", "Lakehouse:Sources:Nasa:InitialDays is -1; allowed: 0 to 36600.")]
    [InlineData("Lakehouse__Sources__Rawg__PageSize", "41", "Lakehouse:Sources:Rawg:PageSize is 41; allowed: 1 to 40 (RAWG serves at most 40 a page).")]
    [InlineData("Lakehouse__Sources__Rawg__PageSize", "0", "Lakehouse:Sources:Rawg:PageSize is 0; allowed: 1 to 40 (RAWG serves at most 40 a page).")]
    [InlineData("Lakehouse__Sources__Rawg__StartYear", "1900", "Lakehouse:Sources:Rawg:StartYear is 1900; allowed: 1950 to 2100 (a release year).")]
    [InlineData("Lakehouse__Sources__Rawg__OverlapDays", "-1", "Lakehouse:Sources:Rawg:OverlapDays is -1; allowed: 0 to 31.")]
    [InlineData("Lakehouse__Sources__Rawg__CatalogueRefreshInterval", "-1.00:00:00", "Lakehouse:Sources:Rawg:CatalogueRefreshInterval is -1.00:00:00; allowed: 00:00:00 to 366.00:00:00 (e.g. 7.00:00:00).")]
    [InlineData("Lakehouse__Gold__KeepBuilds", "0", "Lakehouse:Gold:KeepBuilds is 0; allowed: 1 or more (the lake keeps at least the current gold build; default 3).")]
    public void A_value_out_of_range_is_refused_with_its_key_value_and_range(string variable, string value, string expected)
    {
        environment[variable] = value;

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        // The one line: the key, the bad value, what is allowed (and why), then where to set it
        error.Message.Split(Environment.NewLine).ShouldHaveSingleItem().ShouldBe($"{expected} (environment variable: {variable})");
    }

    [Fact]
    public void A_storage_root_of_slash_is_refused_naming_the_key_and_the_value()
    {
        environment["Lakehouse__Storage__Root"] = "/";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("Lakehouse:Storage:Root");
        error.Message.ShouldContain("Lakehouse__Storage__Root");
        error.Message.ShouldContain("is refused: / is the root of a file system");
    }

    [Theory]
    [InlineData("ShutdownGracePeriod", "00:00:00", "is 00:00:00; allowed: 00:00:00.001 to 1.00:00:00.")]
    [InlineData("MisfireThreshold", "-00:00:01", "is -00:00:01; allowed: 00:00:00.001 to 1.00:00:00.")]
    [InlineData("ClusterCheckinInterval", "00:00:00", "is 00:00:00; allowed: 00:00:00.001 to 1.00:00:00.")]
    [InlineData("ClusterCheckinMisfireThreshold", "2.00:00:00", "is 2.00:00:00; allowed: 00:00:00.001 to 1.00:00:00.")]
    [InlineData("DatabaseRetryInterval", "-00:00:05", "is -00:00:05; allowed: 00:00:00.001 to 1.00:00:00.")]
    [InlineData("IdleWaitTime", "00:00:00.5", "is 00:00:00.5; allowed: 00:00:01 to 1.00:00:00 (Quartz's minimum is a second).")]
    [InlineData("MaxConcurrentRuns", "0", "is 0; allowed: 1 to 64.")]
    [InlineData("MaxConcurrentRuns", "65", "is 65; allowed: 1 to 64.")]
    public void A_scheduling_value_out_of_range_is_refused_with_its_key_value_and_range(string key, string value, string expected)
    {
        // Given one scheduling value out of range, and nothing else wrong
        environment[$"Lakehouse__Scheduling__{key}"] = value;
        var configuration = Build();
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        var options = SchedulingServiceCollectionExtensions.ReadOptions(configuration);

        // When the schedule is checked
        var error = Should.Throw<ConfigurationException>(
            () => options.Validate(provider.GetServices<ISource>(), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));

        // Then the one line names the key, the bad value and the range, then where to set it
        error.Message.ShouldBe($"Lakehouse:Scheduling:{key} {expected} (environment variable: Lakehouse__Scheduling__{key})");
    }

    [Fact]
    public void A_cron_that_can_never_fire_is_refused_naming_its_key()
    {
        // Given launches scheduled on 30 February
        environment["Lakehouse__Scheduling__Jobs__spacex.launches"] = "0 0 0 30 2 ?";
        var configuration = Build();
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        var options = SchedulingServiceCollectionExtensions.ReadOptions(configuration);

        // When the schedule is checked
        var error = Should.Throw<ConfigurationException>(
            () => options.Validate(provider.GetServices<ISource>(), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));

        // Then the entry is named with the expression and why
        error.Message.ShouldContain("Lakehouse:Scheduling:Jobs:spacex.launches");
        error.Message.ShouldContain("'0 0 0 30 2 ?' never fires");
        error.Message.ShouldNotContain("spacex.rockets");
    }

    private LakehouseConfiguration Build(string? configFile = null) =>
        LakehouseConfiguration.Build(work.Path, work.Path, environment, configFile);

    private static void Validate(LakehouseConfiguration configuration)
    {
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        provider.ValidateLakehouseOptions();
    }
}
