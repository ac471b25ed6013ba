namespace Lakehouse.Configuration;

/// <summary>
/// Secrets, read only from the environment (or the git-ignored environment file), never from a JSON file.
/// <see cref="ToString"/> never shows a value, so a secret cannot leak through a log line by accident.
/// </summary>
internal sealed class LakehouseSecrets
{
    public const string NasaApiKeyVariable = "NASA_API_KEY";
    public const string RawgApiKeyVariable = "RAWG_API_KEY";
    public const string S3AccessKeyVariable = "AWS_ACCESS_KEY_ID";
    public const string S3SecretKeyVariable = "AWS_SECRET_ACCESS_KEY";

    public string? NasaApiKey { get; init; }

    public string? RawgApiKey { get; init; }

    public string? S3AccessKey { get; init; }

    public string? S3SecretKey { get; init; }

    /// <summary>
    /// The password inside the scheduler's PostgreSQL connection string (<c>Lakehouse__Scheduling__ConnectionString</c>),
    /// so that it is redacted wherever it might appear in a log line.
    /// </summary>
    public string? SchedulingDatabasePassword { get; init; }

    /// <summary>Every secret value that is set, for redaction.</summary>
    public IEnumerable<string> Values =>
        new[] { NasaApiKey, RawgApiKey, S3AccessKey, S3SecretKey, SchedulingDatabasePassword }.Where(v => !string.IsNullOrEmpty(v))!;

    public static LakehouseSecrets FromEnvironment(IReadOnlyDictionary<string, string> environment) => new()
    {
        NasaApiKey = NonEmpty(environment, NasaApiKeyVariable),
        RawgApiKey = NonEmpty(environment, RawgApiKeyVariable),
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
        $"{NasaApiKeyVariable}={Shown(NasaApiKey)}, {RawgApiKeyVariable}={Shown(RawgApiKey)}, " +
        $"{S3AccessKeyVariable}={Shown(S3AccessKey)}, {S3SecretKeyVariable}={Shown(S3SecretKey)}";

    private static string Shown(string? secret) => secret is null ? "(unset)" : "(set)";

    private static string? NonEmpty(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
