using System.CommandLine;
using Lakehouse.Configuration;
using Lakehouse.Logging;
using Microsoft.Extensions.Configuration;
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
    /// <param name="sources">Whether the command runs the sources (all but <c>query</c>), so that they are built and checked at start.</param>
    public static ServiceProvider Build(
        ParseResult parseResult, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection, LakehouseConfiguration>? more = null,
        bool sources = true)
    {
        var configuration = LakehouseConfiguration.ForProcess(parseResult.GetValue(ConfigOption), overrides);
        var services = new ServiceCollection().AddLakehouse(configuration);
        more?.Invoke(services, configuration);
        var provider = services
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.ValidateLakehouseOptions(sources);
        return provider;
    }

    /// <summary>
    /// Writes a failed command's exception, stack trace and all, to the JSON log file of its configuration: the
    /// console showed one line. Usage errors are not logged (nothing ran); a configuration that cannot be read has no
    /// log file to write to, and its message already said what to fix.
    /// </summary>
    public static void LogFailure(ParseResult parseResult, Exception failure, string message)
    {
        if (failure is LakehouseException { IsUsageError: true } || failure is ConfigurationException)
        {
            return;
        }

        try
        {
            var configuration = LakehouseConfiguration.ForProcess(parseResult.GetValue(ConfigOption));
            var options = configuration.Root.GetSection(LoggingOptions.Section).Get<LoggingOptions>() ?? new LoggingOptions();
            if (string.IsNullOrWhiteSpace(options.File))
            {
                return;
            }

            using var log = LakehouseLog.CreateFileOnly(options, configuration.Secrets);
            var ours = failure as LakehouseException;
            log.ForContext("Stage", ours?.Stage.ToString())
               .ForContext("Dataset", ours?.Dataset)
               .ForContext("RunId", ours?.RunId)
               .ForContext("IsTransient", ours?.IsTransient)
               .Error(failure, "lakehouse {Command} failed: {Reason}", parseResult.CommandResult.Command.Name, message.StartsWith("error: ", StringComparison.Ordinal) ? message["error: ".Length..] : message);
        }
#pragma warning disable CA1031 // Logging the failure must never replace it: the console line is already written.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
