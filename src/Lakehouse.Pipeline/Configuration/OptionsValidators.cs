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
        if (!match.Success || message.Contains(EnvironmentVariable(match.Value), StringComparison.Ordinal))
        {
            return message;
        }

        return $"{message} (environment variable: {EnvironmentVariable(match.Value)})";
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
        var ranges = new OptionRanges(GoldOptions.Section);
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            ranges.Problems.Add($"{ConfigurationKey.Describe($"{GoldOptions.Section}:DatabasePath")} is empty: give a file path such as lake/gold/lakehouse.duckdb.");
        }

        return ranges.AtLeast(nameof(options.KeepBuilds), options.KeepBuilds, 1, "the lake keeps at least the current gold build; default 3").Result;
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

/// <summary>
/// The one way options are checked: every range failure is worded the same, the key, the bad value and the allowed
/// range (and why, where the bound is not obvious), e.g.
/// <c>Lakehouse:Leases:Duration is 00:00:00; allowed: 00:00:01 to 1.00:00:00 (a lease is renewed every third of it).</c>
/// Rules that are not ranges (a URL, one key bounded by another) add their own sentence to <see cref="Problems"/>,
/// naming the key and the bad value.
/// </summary>
/// <param name="section">The section the options were bound from, e.g. <c>Lakehouse:Sources:SpaceX</c>.</param>
internal sealed class OptionRanges(string section)
{
    /// <summary>The shortest duration a "positive" one may be: zero and negative durations are refused.</summary>
    public static readonly TimeSpan Positive = TimeSpan.FromMilliseconds(1);

    public List<string> Problems { get; } = [];

    public ValidateOptionsResult Result =>
        Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(Problems.Select(ConfigurationKey.WithEnvironmentVariable));

    /// <summary>The full key of <paramref name="name"/>, e.g. <c>Lakehouse:Sources:SpaceX:RetryMaxDelay</c>.</summary>
    public string Key(string name) => $"{section}:{name}";

    public OptionRanges Check(string name, TimeSpan value, TimeSpan min, TimeSpan max, string? why = null) =>
        Add(name, value >= min && value <= max, Text(value), $"{Text(min)} to {Text(max)}", why);

    public OptionRanges Check(string name, long value, long min, long max, string? why = null) =>
        Add(name, value >= min && value <= max, Text(value), $"{Text(min)} to {Text(max)}", why);

    public OptionRanges Check(string name, double value, double min, double max, string? why = null) =>
        Add(name, double.IsFinite(value) && value >= min && value <= max, Text(value), $"{Text(min)} to {Text(max)}", why);

    /// <summary>A bound below only, worded <c>allowed: 1 or more</c>.</summary>
    public OptionRanges AtLeast(string name, long value, long min, string? why = null) =>
        Add(name, value >= min, Text(value), $"{Text(min)} or more", why);

    /// <summary>
    /// A duration as a configuration value would give it (the binder reads it back): <c>00:00:00.01</c>, not
    /// <c>00:00:00.0100000</c>.
    /// </summary>
    public static string Text(TimeSpan value)
    {
        var text = value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        return text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0') : text;
    }

    private OptionRanges Add(string name, bool ok, string value, string range, string? why)
    {
        if (!ok)
        {
            Problems.Add($"{Key(name)} is {value}; allowed: {range}{(why is null ? "" : $" ({why})")}.");
        }

        return this;
    }

    private static string Text(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class PipelineOptionsValidator : IValidateOptions<Runs.PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, Runs.PipelineOptions options) =>
        new OptionRanges(Runs.PipelineOptions.Section)
            .Check(nameof(options.TransformChunkBytes), options.TransformChunkBytes, 1L << 20, 1L << 36, "bytes of bronze per transform step: 1 MiB to 64 GiB")
            .Result;
}

internal sealed class LeaseOptionsValidator : IValidateOptions<Lake.LeaseOptions>
{
    public ValidateOptionsResult Validate(string? name, Lake.LeaseOptions options) =>
        new OptionRanges(Lake.LeaseOptions.Section)
            .Check(nameof(options.Duration), options.Duration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "a lease is renewed every third of it")
            .Check(nameof(options.DatasetWait), options.DatasetWait, TimeSpan.Zero, TimeSpan.FromDays(1))
            .Check(nameof(options.GoldWait), options.GoldWait, TimeSpan.Zero, TimeSpan.FromDays(1))
            .Check(nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10))
            .Result;
}

/// <summary>Validates <typeparamref name="TOptions"/> with range checks, for a source's own settings.</summary>
internal sealed class RangeValidator<TOptions>(Func<TOptions, OptionRanges> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) => check(options).Result;
}
