using System.Globalization;
using System.Security.Cryptography;
using Lakehouse.Lake;
using Lakehouse.Storage;

namespace Lakehouse.Gold;

/// <summary>
/// <c>gold/current.json</c>: which gold build is the current one, and where its objects are. Other engines read a
/// table as <c>{prefix}*.parquet</c> of the build it names; nodes restore <see cref="Database"/>. Written after every
/// object of the build, so whoever follows it finds a whole build.
/// </summary>
internal sealed record GoldPointer
{
    /// <summary>The build, e.g. <c>20261207T101500123Z-3f9a</c>; ordinal order is the order builds were published in.</summary>
    public required string BuildId { get; init; }

    /// <summary>When the build was made (UTC).</summary>
    public required DateTimeOffset BuiltAt { get; init; }

    /// <summary>What identifies the silver the build read (as in its <c>meta_build</c>).</summary>
    public required string SilverFingerprint { get; init; }

    /// <summary>The build's gold DuckDB file (<c>gold/builds/{buildId}/lakehouse.duckdb</c>).</summary>
    public required GoldPublishedFile Database { get; init; }

    /// <summary>Every gold table of the build, by name.</summary>
    public required IReadOnlyList<GoldPublishedTable> Tables { get; init; }

    /// <summary>Every object the build consists of.</summary>
    public IEnumerable<string> Keys => Tables.SelectMany(t => t.Files).Append(Database).Select(f => f.Key);
}

/// <summary>One published object and its size in bytes.</summary>
internal sealed record GoldPublishedFile(string Key, long Bytes);

/// <summary>One gold table of a build: its rows, and its Parquet files under <see cref="Prefix"/>.</summary>
internal sealed record GoldPublishedTable(string Name, long Rows, string Prefix, IReadOnlyList<GoldPublishedFile> Files);

/// <summary>
/// Names builds like runs (<c>20261207T101500123Z-3f9a</c>: UTC to the millisecond, then four random hex digits), so
/// that ordinal order is publishing order; a new id always sorts after the current one, even from a node whose clock
/// is behind the one that published it.
/// </summary>
internal static class GoldBuildId
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>A new build id, later than <paramref name="previous"/> (the lake's current build, if any).</summary>
    public static (string Id, DateTimeOffset BuiltAt) Next(TimeProvider time, GoldPointer? previous)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (previous is not null && now <= previous.BuiltAt)
        {
            now = previous.BuiltAt.AddMilliseconds(1);
        }

        var stamp = now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
        return ($"{stamp}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}", now);
    }

    /// <summary>Whether <paramref name="value"/> is a build id (as read from the lake, where anyone may have written).</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 24 }
        && value[19] == '-'
        && DateTime.TryParseExact(value[..19], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _)
        && value[20..].All(char.IsAsciiHexDigitLower);

    /// <summary>Checks a pointer read from the lake: its id, and that every key it names lies in its own build's folder.</summary>
    /// <returns>What is wrong with it, or null.</returns>
    public static string? FindProblem(GoldPointer pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (!IsValid(pointer.BuildId))
        {
            return $"its build id \"{pointer.BuildId}\" is not one (expected something like 20261207T101500123Z-3f9a)";
        }

        if (pointer.Database is null || pointer.Tables is null || pointer.Tables.Any(t => t?.Files is null || t.Files.Any(f => f is null)))
        {
            return "it names no database or no tables";
        }

        var folder = LakeKeys.GoldBuildPrefix(pointer.BuildId);
        foreach (var key in pointer.Keys)
        {
            if (key is null || !key.StartsWith(folder, StringComparison.Ordinal) || !ObjectKey.TryParse(key, out _))
            {
                return $"it names {key ?? "no key"}, which is not an object of its build's folder {folder}";
            }
        }

        return null;
    }
}
