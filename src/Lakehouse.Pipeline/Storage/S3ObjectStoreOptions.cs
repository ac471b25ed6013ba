using System.Text.RegularExpressions;

namespace Lakehouse.Storage;

/// <summary>
/// How to reach the lake's bucket on an S3-protocol server (MinIO in production, s3rver in tests).
/// Bound from <see cref="SectionName"/>; the credentials come from the environment and are passed in by the caller.
/// </summary>
internal sealed partial class S3ObjectStoreOptions
{
    /// <summary>The configuration section these options are read from; messages name keys under it.</summary>
    public const string SectionName = "Lakehouse:Storage:S3";

    /// <summary>S3's (and MinIO's) smallest part of a multipart upload, except the last one.</summary>
    public const long MinPartSize = 5 * 1024 * 1024;

    /// <summary>The server, e.g. <c>http://localhost:9000</c>. Required.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The bucket that holds the lake. Required.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>An optional folder inside the bucket, e.g. <c>prod</c>, so that several lakes can share one bucket.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The signing region; MinIO and s3rver accept the default.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Path-style addressing (<c>http://host/bucket/key</c>). On by default because MinIO and s3rver are addressed by
    /// IP or a single host name, where virtual-host style (<c>bucket.host</c>) does not resolve.
    /// </summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>The access key; from the environment, never from a committed file.</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key; from the environment, never from a committed file.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Attempts per request, including the first (the SDK retries with exponential backoff and jitter). Bounded so
    /// that an endpoint that is down fails a run within seconds, with a message, instead of hanging it.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long one HTTP request may take, connection included. It also bounds each upload request, so it must cover
    /// <see cref="MultipartPartSize"/> (and a single put below <see cref="MultipartThreshold"/>) at the slowest
    /// expected bandwidth: the defaults need about 1.6 MB/s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Objects larger than this go up in parts. Kept small (not S3's 5 GB limit) so that no single request carries
    /// more than <see cref="RequestTimeout"/> can cover, and a failed request costs one part, not the file.
    /// </summary>
    public long MultipartThreshold { get; set; } = 16 * 1024 * 1024;

    /// <summary>The size of each part but the last; at least 5 MiB (<see cref="MinPartSize"/>).</summary>
    public long MultipartPartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long a create-if-absent (a lease on the lake) waits before reading its object back, on servers that
    /// ignore conditional writes: racing writers whose PUTs land within this time of each other are told apart.
    /// </summary>
    public TimeSpan CreateSettle { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Keys per ListObjectsV2 page, at most 1,000 (S3's limit). Tests lower it to exercise paging.</summary>
    public int MaxKeysPerPage { get; set; } = 1000;

    /// <summary>The problems with these options, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
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

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            problems.Add("S3 credentials need both the access key and the secret key; only one of them is set.");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            problems.Add($"{SectionName}:MaxAttempts must be between 1 and 20, not {MaxAttempts}.");
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromHours(1))
        {
            problems.Add($"{SectionName}:RequestTimeout must be positive and at most an hour, not {RequestTimeout}.");
        }

        if (MultipartPartSize < MinPartSize)
        {
            problems.Add($"{SectionName}:MultipartPartSize must be at least {MinPartSize} bytes (5 MiB, S3's minimum), not {MultipartPartSize}.");
        }

        if (MultipartThreshold < MultipartPartSize)
        {
            problems.Add($"{SectionName}:MultipartThreshold must be at least MultipartPartSize ({MultipartPartSize}), not {MultipartThreshold}.");
        }

        if (MaxKeysPerPage is < 1 or > 1000)
        {
            problems.Add($"{SectionName}:MaxKeysPerPage must be between 1 and 1000, not {MaxKeysPerPage}.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
