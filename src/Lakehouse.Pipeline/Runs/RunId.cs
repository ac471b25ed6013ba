using System.Globalization;
using System.Security.Cryptography;

namespace Lakehouse.Runs;

/// <summary>
/// Names one run: its UTC start to the millisecond, then four random hex digits so two nodes starting in the same
/// millisecond still differ (<c>20261122T091500123Z-3f9a</c>). Ordinal order is chronological order, which the lake
/// relies on: bronze keys sort by landing, and gold computes "as of run R" by comparing run ids.
/// </summary>
internal readonly record struct RunId
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    private RunId(string value) => Value = value;

    /// <summary>The id as text, safe in object keys and file names.</summary>
    public string Value { get; }

    public static RunId New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var stamp = time.GetUtcNow().ToString(TimeFormat, CultureInfo.InvariantCulture);
        return new RunId($"{stamp}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}");
    }

    /// <summary>Reads an id written earlier (from a key or a record).</summary>
    public static RunId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash != TimeFormat.Length - 4
            || !DateTime.TryParseExact(value[..dash], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _))
        {
            throw new FormatException($"\"{value}\" is not a run id (expected something like 20261122T091500123Z-3f9a).");
        }

        return new RunId(value);
    }

    public override string ToString() => Value;
}
