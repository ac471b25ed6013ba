using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Lakehouse.Storage;

/// <summary>
/// The name of one object in the lake, such as <c>bronze/spacex/launches/all/20261122T0800-abc-0001.json</c>.
/// </summary>
/// <remarks>
/// The same keys must work on the local folder and on S3 (the lake is copied between them), so a key is validated
/// once, here, against the stricter of the two: whatever would escape the folder store's root, collide with its
/// in-flight temp files or exceed a file name's length is rejected even though S3 itself would accept it.
/// A class rather than a struct so that <c>default</c> cannot smuggle in an unvalidated key.
/// </remarks>
internal sealed class ObjectKey : IEquatable<ObjectKey>
{
    /// <summary>S3's limit for a whole key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The Minio client's limit for a whole key, in characters (it refuses longer names before sending).</summary>
    public const int MaxKeyLength = 512;

    /// <summary>The file-name limit of ext4, NTFS and APFS, in UTF-8 bytes, applied to every segment.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>
    /// Segments starting with this are the folder store's half-written objects; reserving the marker for every store
    /// keeps a key valid everywhere and lets listing skip leftovers of a crash without guessing.
    /// </summary>
    public const string ReservedTempMarker = ".tmp-";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private ObjectKey(string value) => Value = value;

    /// <summary>The key as stored: segments joined by <c>/</c>.</summary>
    public string Value { get; }

    /// <summary>The last segment, e.g. the file name <c>20261122T0800-abc-0001.json</c>.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Validates <paramref name="value"/> as a key.</summary>
    /// <exception cref="InvalidObjectKeyException">The key breaks a rule; the message names the key and the rule.</exception>
    public static ObjectKey Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var problem = FindProblem(value, allowPrefix: false);
        return problem is null ? new ObjectKey(value) : throw new InvalidObjectKeyException(value, problem);
    }

    /// <summary>Validates <paramref name="value"/> as a key without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ObjectKey? key)
    {
        key = value is not null && FindProblem(value, allowPrefix: false) is null ? new ObjectKey(value) : null;
        return key is not null;
    }

    /// <summary>
    /// Joins parts with <c>/</c>. Each part is validated on its own first (so a part like <c>../x</c> is named in the
    /// error rather than hidden in the joined key); a part may itself hold several segments, e.g. <c>bronze/spacex</c>.
    /// </summary>
    /// <exception cref="InvalidObjectKeyException">A part, or the joined key, breaks a rule.</exception>
    public static ObjectKey Combine(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new InvalidObjectKeyException(string.Empty, "a key needs at least one segment");
        }

        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            var problem = FindProblem(part, allowPrefix: false);
            if (problem is not null)
            {
                throw new InvalidObjectKeyException(part, $"{problem} (in a part given to {nameof(Combine)})");
            }
        }

        return Parse(string.Join('/', parts));
    }

    /// <summary>
    /// Validates a listing prefix: the empty string (the whole lake), or a key or the start of one, optionally
    /// ending with <c>/</c>. Matching is by plain string prefix, as on S3: <c>bronze/a</c> also matches
    /// <c>bronze/ab/x.json</c>; end the prefix with <c>/</c> to mean one folder.
    /// </summary>
    /// <exception cref="InvalidObjectKeyException">The prefix breaks a key rule.</exception>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var problem = FindProblem(prefix, allowPrefix: true);
        return problem is null ? prefix : throw new InvalidObjectKeyException(prefix, problem, isPrefix: true);
    }

    /// <summary>Returns the first rule <paramref name="value"/> breaks, or null when it is a valid key (or prefix).</summary>
    private static string? FindProblem(string value, bool allowPrefix)
    {
        if (value.Length == 0)
        {
            return allowPrefix ? null : "a key must not be empty";
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            return "a key must be valid Unicode (it holds a lone surrogate)";
        }

        if (byteCount > MaxKeyBytes)
        {
            return $"a key must be at most {MaxKeyBytes} UTF-8 bytes (this one has {byteCount})";
        }

        if (value.Length > MaxKeyLength)
        {
            return $"a key must be at most {MaxKeyLength} characters, the S3 client's limit (this one has {value.Length})";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return $"a key must not contain control characters (found U+{(int)c:X4})";
            }

            if (c == '\\')
            {
                return "a key must not contain '\\' (segments are separated by '/')";
            }

            if (c == ':')
            {
                // Drive prefixes (C:) and NTFS alternate streams (name:stream) would both escape the folder store.
                return "a key must not contain ':' (drive prefixes and file streams)";
            }
        }

        if (value[0] == '/')
        {
            return "a key must not start with '/' (keys are relative to the lake)";
        }

        var segments = value.Split('/');
        var last = segments.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                if (i == last && allowPrefix)
                {
                    continue;
                }

                return i == last ? "a key must not end with '/'" : "a key must not contain an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"a key must not contain a '{segment}' segment";
            }

            if (segment.StartsWith(ReservedTempMarker, StringComparison.Ordinal))
            {
                return $"a key segment must not start with '{ReservedTempMarker}' (reserved for in-flight writes)";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"each key segment must be at most {MaxSegmentBytes} UTF-8 bytes (a file name's limit)";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool Equals(ObjectKey? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ObjectKey);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The key as stored.</summary>
    public override string ToString() => Value;

    public static bool operator ==(ObjectKey? left, ObjectKey? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(ObjectKey? left, ObjectKey? right) => !(left == right);
}
