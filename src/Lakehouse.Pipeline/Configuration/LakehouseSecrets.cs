using System.Collections.Frozen;

namespace Lakehouse.Configuration;

/// <summary>
/// Secrets, read only from the environment (or the git-ignored environment file), never from a JSON file: the core's
/// (S3 credentials, the scheduler database's password) and those the sources declare (an API key), each redacted
/// wherever something is logged. <see cref="ToString"/> never shows a value, so a secret cannot leak through a log
/// line by accident.
/// </summary>
internal sealed class LakehouseSecrets
{
    public const string S3AccessKeyVariable = "AWS_ACCESS_KEY_ID";
    public const string S3SecretKeyVariable = "AWS_SECRET_ACCESS_KEY";

    private IReadOnlyDictionary<string, string> environment = FrozenDictionary<string, string>.Empty;
    private FrozenDictionary<string, string?> sources = FrozenDictionary<string, string?>.Empty;

    public string? S3AccessKey { get; init; }

    public string? S3SecretKey { get; init; }

    /// <summary>
    /// The password inside the scheduler's PostgreSQL connection string (<c>Lakehouse__Scheduling__ConnectionString</c>),
    /// so that it is redacted wherever it might appear in a log line.
    /// </summary>
    public string? SchedulingDatabasePassword { get; init; }

    /// <summary>Every secret value that is set, the sources' declared ones included, for redaction.</summary>
    public IEnumerable<string> Values =>
        new[] { S3AccessKey, S3SecretKey, SchedulingDatabasePassword }.Concat(sources.Values).Where(v => !string.IsNullOrEmpty(v))!;

    /// <summary>
    /// The value of a secret a source declared (its API key variable, e.g. <c>NASA_API_KEY</c>), null when unset.
    /// </summary>
    /// <exception cref="InvalidOperationException">The variable was not declared, so it would not be redacted.</exception>
    public string? OfSource(string variable) =>
        sources.TryGetValue(variable, out var value)
            ? value
            : throw new InvalidOperationException($"{variable} is not declared as a secret; a source declares it with AddSourceSecret, which keeps it out of the logs.");

    /// <summary>These secrets and the sources' <paramref name="variables"/>, read from the same environment.</summary>
    public LakehouseSecrets Declaring(IEnumerable<string> variables) => new()
    {
        S3AccessKey = S3AccessKey,
        S3SecretKey = S3SecretKey,
        SchedulingDatabasePassword = SchedulingDatabasePassword,
        environment = environment,
        sources = sources.Concat(variables.Where(v => !sources.ContainsKey(v)).Distinct(StringComparer.Ordinal).Select(v => KeyValuePair.Create(v, NonEmpty(environment, v))))
            .ToFrozenDictionary(StringComparer.Ordinal),
    };

    /// <summary>Secrets holding one source secret, <paramref name="value"/> (or unset when null): for hosts that wire a source by hand.</summary>
    public static LakehouseSecrets ForSource(string variable, string? value) =>
        FromEnvironment(value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [variable] = value }).Declaring([variable]);

    public static LakehouseSecrets FromEnvironment(IReadOnlyDictionary<string, string> environment) => new()
    {
        environment = environment,
        S3AccessKey = NonEmpty(environment, S3AccessKeyVariable),
        S3SecretKey = NonEmpty(environment, S3SecretKeyVariable),
        SchedulingDatabasePassword = PasswordOf(NonEmpty(environment, "Lakehouse__Scheduling__ConnectionString")),
    };

    private static string? PasswordOf(string? connectionString)
    {
        try
        {
            return connectionString is null ? null : new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null; // the schedule command reports a malformed connection string itself
        }
    }

    public override string ToString() =>
        string.Concat(sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={Shown(s.Value)}, ")) +
        $"{S3AccessKeyVariable}={Shown(S3AccessKey)}, {S3SecretKeyVariable}={Shown(S3SecretKey)}";

    private static string Shown(string? secret) => secret is null ? "(unset)" : "(set)";

    private static string? NonEmpty(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
