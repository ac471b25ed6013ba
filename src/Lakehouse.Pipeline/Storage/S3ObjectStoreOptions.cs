using System.Globalization;
using System.Text.RegularExpressions;
using Lakehouse.Configuration;

namespace Lakehouse.Storage;

/// <summary>
/// How to reach the lake's bucket on an S3-protocol server (MinIO in production; moto and s3rver in tests).
/// Bound from <see cref="SectionName"/>; the credentials come from the environment and are passed in by the caller.
/// </summary>
internal sealed partial class S3ObjectStoreOptions
{
    /// <summary>The configuration section these options are read from; messages name keys under it.</summary>
    public const string SectionName = "Lakehouse:Storage:S3";

    /// <summary>The server, e.g. <c>http://localhost:9000</c>. Required.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The bucket that holds the lake. Required.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>An optional folder inside the bucket, e.g. <c>prod</c>, so that several lakes can share one bucket.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// The signing region. Set rather than looked up: the Minio client would otherwise ask the server for each
    /// bucket's location first. MinIO and the test servers accept the default.
    /// </summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The access key; from the environment (<c>AWS_ACCESS_KEY_ID</c>), never from a committed file.</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key; from the environment (<c>AWS_SECRET_ACCESS_KEY</c>), never from a committed file.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Attempts per store operation, the first included. Transient failures (connection refused or reset, a request
    /// that timed out, 5xx, throttling) are tried again after an exponential, jittered delay; anything else fails at
    /// once. The Minio client retries nothing by itself.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long one HTTP request may wait for the server: for its response to start, and then between any two reads of
    /// its body (so a large download may take longer, as long as bytes keep coming). Without it the Minio client
    /// waits 30 minutes on a server that accepts a connection and never answers.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay before the second attempt; it doubles for each further one (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest pause between two attempts: the last nominal delay, doubled to leave room for jitter.</summary>
    public TimeSpan MaxRetryDelay => RetryBaseDelay * Math.Pow(2, Math.Max(0, MaxAttempts - 1));

    /// <summary>
    /// The longest one operation can take against a server that accepts connections and never answers: every attempt
    /// waiting out <see cref="RequestTimeout"/>, plus the pauses between attempts at their largest.
    /// </summary>
    public TimeSpan FailureBudget => (RequestTimeout * MaxAttempts) + (MaxRetryDelay * (MaxAttempts - 1));

    /// <summary>The problems with these options, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var ranges = new OptionRanges(SectionName);
        var problems = ranges.Problems;
        if (ServiceUrl is null)
        {
            problems.Add($"{SectionName}:ServiceUrl is required (e.g. http://localhost:9000).");
        }
        else if (!ServiceUrl.IsAbsoluteUri || (ServiceUrl.Scheme != Uri.UriSchemeHttp && ServiceUrl.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{SectionName}:ServiceUrl must be an absolute http or https URL, not \"{ServiceUrl}\".");
        }
        else if (!string.IsNullOrEmpty(ServiceUrl.UserInfo))
        {
            // Not echoed: the user info is probably a credential.
            problems.Add($"{SectionName}:ServiceUrl must not contain credentials; pass them through the environment instead.");
        }
        else if (ServiceUrl.AbsolutePath != "/")
        {
            // The Minio client addresses a server, not a path on it: a path would be silently dropped.
            problems.Add($"{SectionName}:ServiceUrl must be the server alone (scheme, host and port), not \"{ServiceUrl}\"; " +
                         $"put a folder inside the bucket in {SectionName}:Prefix.");
        }

        if (!BucketName().IsMatch(Bucket) || Bucket.Contains("..", StringComparison.Ordinal))
        {
            problems.Add($"{SectionName}:Bucket must be an S3 bucket name (3-63 lower-case letters, digits, '.' and '-'), not \"{Bucket}\".");
        }

        if (Prefix.Length > 0)
        {
            try
            {
                ObjectKey.ValidatePrefix(Prefix.TrimEnd('/'));
            }
            catch (InvalidObjectKeyException e)
            {
                problems.Add($"{SectionName}:Prefix {e.Rule}: \"{Prefix}\".");
            }
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            problems.Add($"{SectionName}:Region must not be empty (MinIO accepts us-east-1).");
        }

        if (string.IsNullOrEmpty(AccessKey) || string.IsNullOrEmpty(SecretKey))
        {
            problems.Add(string.IsNullOrEmpty(AccessKey) && string.IsNullOrEmpty(SecretKey)
                ? "S3 storage needs credentials: set the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (MinIO: a user's access key and secret key)."
                : "S3 credentials need both the access key and the secret key (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); only one of them is set.");
        }

        ranges
            .Check(nameof(MaxAttempts), MaxAttempts, 1, 20)
            .Check(nameof(RequestTimeout), RequestTimeout, OptionRanges.Positive, TimeSpan.FromHours(1), "e.g. 00:00:10")
            .Check(nameof(RetryBaseDelay), RetryBaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        return problems;
    }

    /// <summary>
    /// The attempts in words, naming their keys, e.g. <c>tried 3 times, each with a 10 s timeout
    /// (Lakehouse:Storage:S3:MaxAttempts, Lakehouse:Storage:S3:RequestTimeout)</c>.
    /// </summary>
    internal string DescribeBudget() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(MaxAttempts == 1 ? "tried once" : $"tried {MaxAttempts} times")}, each with a {RequestTimeout.TotalSeconds:0.###} s timeout " +
            $"({SectionName}:MaxAttempts, {SectionName}:RequestTimeout)");

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
