using System.CommandLine;
using Lakehouse.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Cli;

/// <summary>The services of one command invocation, built from <c>--config</c> and the environment, validated.</summary>
internal static class CommandServices
{
    /// <summary><c>--config FILE</c>, on every command: a JSON file layered over config/lakehouse.json and the environment.</summary>
    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "A JSON configuration file layered over config/lakehouse.json and environment variables.",
        HelpName = "FILE",
        Recursive = true,
    };

    /// <param name="parseResult">The command line, for <c>--config</c>.</param>
    /// <param name="overrides">Settings the command imposes over every layer, or null.</param>
    /// <param name="more">Services only this command needs (the scheduler), or null.</param>
    public static ServiceProvider Build(
        ParseResult parseResult, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection, LakehouseConfiguration>? more = null)
    {
        var configuration = LakehouseConfiguration.ForProcess(parseResult.GetValue(ConfigOption), overrides);
        var services = new ServiceCollection().AddLakehouse(configuration);
        more?.Invoke(services, configuration);
        var provider = services
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.ValidateLakehouseOptions();
        return provider;
    }
}
