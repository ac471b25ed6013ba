using Lakehouse.Storage;
using Microsoft.Extensions.Options;

namespace Lakehouse.Configuration;

/// <summary>Each failure names the configuration key, so the user knows what to change and where.</summary>
internal static partial class ConfigurationKey
{
    public static string Describe(string key) =>
        $"{key} (in config/lakehouse.json, --config FILE, or the environment variable {EnvironmentVariable(key)})";

    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Adds the environment variable of the first <c>Lakehouse:...</c> key a message names.</summary>
    public static string WithEnvironmentVariable(string message)
    {
        var match = KeyPattern().Match(message);
        return match.Success ? $"{message} (environment variable: {EnvironmentVariable(match.Value)})" : message;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Lakehouse(:[A-Za-z0-9_]+)+")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        const string section = StorageOptions.Section;
        if (options.Kind == StorageKind.FileSystem && string.IsNullOrWhiteSpace(options.Root))
        {
            failures.Add($"{ConfigurationKey.Describe($"{section}:Root")} is empty: give the lake's folder, e.g. \"lake\".");
        }
        else if (options.Kind == StorageKind.FileSystem && FileSystemObjectStore.FindRootProblem(options.Root) is { } problem)
        {
            failures.Add($"{ConfigurationKey.Describe($"{section}:Root")} is refused: {problem}");
        }

        if (options.Kind == StorageKind.S3)
        {
            failures.AddRange(options.S3.Validate().Select(ConfigurationKey.WithEnvironmentVariable));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class GoldOptionsValidator : IValidateOptions<GoldOptions>
{
    public ValidateOptionsResult Validate(string? name, GoldOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{ConfigurationKey.Describe($"{GoldOptions.Section}:DatabasePath")} is empty: give a file path such as lake/gold/lakehouse.duckdb.");
        }

        if (options.KeepBuilds < 1)
        {
            failures.Add(
                $"{ConfigurationKey.Describe($"{GoldOptions.Section}:KeepBuilds")} is {options.KeepBuilds}: the lake keeps at least the current gold " +
                "build; give 1 or more (default 3).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class LoggingOptionsValidator : IValidateOptions<LoggingOptions>
{
    private static readonly string[] Levels = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"];

    public ValidateOptionsResult Validate(string? name, LoggingOptions options) =>
        Levels.Contains(options.Level, StringComparer.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ConfigurationKey.Describe($"{LoggingOptions.Section}:Level")} must be one of {string.Join(", ", Levels)} (got '{options.Level}').");
}
