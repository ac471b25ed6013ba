using System.Globalization;

namespace Lakehouse.Runs;

/// <summary>How <c>status</c> and the Datasets page put ages and intervals into words, so both say the same.</summary>
internal static class StatusText
{
    /// <summary>"3 h ago (every 6 h)", flagged <c>STALE</c> when older than two intervals.</summary>
    public static string Freshness(DatasetStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var text = row.Freshness is { } age ? Age(age) : row.Schedule is null ? "-" : "never";
        if (row.ScheduleInterval is { } every)
        {
            text += $" (every {Interval(every)})";
        }

        return row.Stale ? $"{text} STALE" : text;
    }

    public static string Interval(TimeSpan every) => every.TotalMinutes < 1 ? $"{(int)every.TotalSeconds} s"
        : every.TotalHours < 1 ? $"{(int)every.TotalMinutes} min"
        : every.TotalDays < 2 ? $"{(int)every.TotalHours} h"
        : $"{(int)every.TotalDays} days";

    public static string Age(TimeSpan age) => age.TotalMinutes < 1 ? "just now"
        : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
        : age.TotalDays < 2 ? $"{(int)age.TotalHours} h ago"
        : $"{(int)age.TotalDays} days ago";

    /// <summary>1,234 B, 12.3 KiB, 4.5 MiB, 1.2 GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
    };
}
