using Lakehouse.Sources.Http;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.Rawg;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>Source options come from <c>Lakehouse:Sources:*</c> and are checked at start-up, naming the key.</summary>
public sealed class SourceHttpOptionsTests
{
    [Fact]
    public void The_committed_configuration_gives_every_source_valid_options()
    {
        // Given the committed defaults
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "config", "lakehouse.json")).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSourceApi<ISpaceXApi>("spacex", configuration.GetSection("Lakehouse:Sources:SpaceX"));
        services.AddSourceApi<INasaApi>("nasa", configuration.GetSection("Lakehouse:Sources:Nasa"));
        services.AddSourceApi<IRawgApi>("rawg", configuration.GetSection("Lakehouse:Sources:Rawg"));
        using var provider = services.BuildServiceProvider();

        // When the options are validated as at start-up
        provider.GetRequiredService<IStartupValidator>().Validate();

        // Then each source has its own client on its own base URL, and its own politeness (limiter, pause)
        var options = provider.GetRequiredService<IOptionsMonitor<SourceHttpOptions>>();
        options.Get("spacex").BaseUrl.ShouldBe(new Uri("https://api.spacexdata.com"));
        options.Get("rawg").BaseUrl.ShouldBe(new Uri("https://api.rawg.io/api"));
        provider.GetRequiredService<INasaApi>().ShouldNotBeNull();
        provider.GetRequiredService<IRawgApi>().ShouldNotBeNull();
        provider.GetRequiredKeyedService<SourcePoliteness>("spacex").ShouldNotBeSameAs(provider.GetRequiredKeyedService<SourcePoliteness>("nasa"));
    }

    [Theory]
    [InlineData("BaseUrl", "ftp://api.spacexdata.com", "Lakehouse:Sources:SpaceX:BaseUrl must be an absolute http or https URL, not \"ftp://api.spacexdata.com/\".")]
    [InlineData("BaseUrl", "", "Lakehouse:Sources:SpaceX:BaseUrl is required (e.g. https://api.spacexdata.com).")]
    [InlineData("MaxAttempts", "0", "Lakehouse:Sources:SpaceX:MaxAttempts is 0; allowed: 1 to 20.")]
    [InlineData("MaxAttempts", "21", "Lakehouse:Sources:SpaceX:MaxAttempts is 21; allowed: 1 to 20.")]
    [InlineData("RequestsPerSecond", "0", "Lakehouse:Sources:SpaceX:RequestsPerSecond is 0; allowed: 0.001 to 1000 (e.g. 0.25 for one request every 4 s).")]
    [InlineData("RequestsPerSecond", "1e-9", "Lakehouse:Sources:SpaceX:RequestsPerSecond is 1E-09; allowed: 0.001 to 1000 (e.g. 0.25 for one request every 4 s).")]
    [InlineData("RequestsPerSecond", "5000", "Lakehouse:Sources:SpaceX:RequestsPerSecond is 5000; allowed: 0.001 to 1000 (e.g. 0.25 for one request every 4 s).")]
    [InlineData("Burst", "0", "Lakehouse:Sources:SpaceX:Burst is 0; allowed: 1 to 1000.")]
    [InlineData("QuotaRequests", "0", "Lakehouse:Sources:SpaceX:QuotaRequests is 0; allowed: 1 or more (or leave it out for no quota).")]
    [InlineData("RequestTimeout", "00:00:00", "Lakehouse:Sources:SpaceX:RequestTimeout is 00:00:00; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:30).")]
    [InlineData("RequestTimeout", "02:00:00", "Lakehouse:Sources:SpaceX:RequestTimeout is 02:00:00; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:30).")]
    [InlineData("RetryBaseDelay", "-00:00:01", "Lakehouse:Sources:SpaceX:RetryBaseDelay is -00:00:01; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:00:01).")]
    [InlineData("RetryBaseDelay", "00:05:00", "Lakehouse:Sources:SpaceX:RetryBaseDelay is 00:05:00, more than Lakehouse:Sources:SpaceX:RetryMaxDelay (00:01:00): the first retry's delay must be at most the longest one.")]
    [InlineData("RetryMaxDelay", "-00:00:01", "Lakehouse:Sources:SpaceX:RetryMaxDelay is -00:00:01; allowed: 00:00:00.001 to 01:00:00 (e.g. 00:01:00).")]
    public void A_bad_value_is_reported_at_start_up_with_its_key_value_and_range(string key, string value, string problem)
    {
        // Given a configuration with one bad value
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lakehouse:Sources:SpaceX:BaseUrl"] = "https://api.spacexdata.com",
            [$"Lakehouse:Sources:SpaceX:{key}"] = value,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSourceApi<ISpaceXApi>("spacex", configuration.GetSection("Lakehouse:Sources:SpaceX"));
        using var provider = services.BuildServiceProvider();

        // When the options are validated as at start-up
        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Then the one message names the key, the bad value and what is allowed, then the key's environment variable
        error.Failures.ShouldHaveSingleItem().ShouldBe($"{problem} (environment variable: Lakehouse__Sources__SpaceX__{key})");
    }

    [Fact]
    public void A_base_URL_carrying_a_key_is_refused_without_repeating_it()
    {
        var options = new SourceHttpOptions { BaseUrl = new Uri("https://api.nasa.gov/?api_key=abcdefghij0123456789") };

        var problem = options.Validate("Lakehouse:Sources:Nasa").ShouldHaveSingleItem();

        problem.ShouldStartWith("Lakehouse:Sources:Nasa:BaseUrl must be a plain URL");
        problem.ShouldNotContain("abcdefghij0123456789");
    }
}
