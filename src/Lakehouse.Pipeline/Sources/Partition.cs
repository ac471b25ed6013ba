using System.Globalization;

namespace Lakehouse.Sources;

/// <summary>How a dataset is cut into partitions, the slices fetched as a unit (design.md, "Words").</summary>
internal enum PartitionScheme
{
    /// <summary>One partition, <c>all</c>: the dataset is read whole (SpaceX, RAWG's catalogues).</summary>
    Whole,

    /// <summary>Monday-to-Sunday weeks (NeoWs, whose feed takes at most 7 days per request).</summary>
    Week,

    /// <summary>Calendar months (APOD, DONKI, RAWG's release-date backfill).</summary>
    Month,
}

/// <summary>
/// A slice of a dataset fetched as a unit: the whole dataset, or a date window with both ends inclusive. Windows are
/// aligned to the calendar (weeks start on Monday), never to the range someone asked for, so that two backfills over
/// overlapping ranges name the same partitions and the second one can skip what the first landed.
/// </summary>
/// <param name="Name">The partition's name in lake keys: <c>all</c>, <c>2024-03-04_2024-03-10</c>, <c>2024-03</c>.</param>
/// <param name="Start">The first day, or null for the whole dataset.</param>
/// <param name="End">
/// The last day to fetch, or null for the whole dataset. A window that reaches past today is fetched up to today
/// (<see cref="ClippedTo"/>) and keeps its name.
/// </param>
internal sealed record Partition(string Name, DateOnly? Start = null, DateOnly? End = null)
{
    public const string WholeName = "all";

    /// <summary>The window's own last day, which <see cref="End"/> may stop short of.</summary>
    public DateOnly? WindowEnd { get; init; } = End;

    public static Partition Whole { get; } = new(WholeName);

    /// <summary>The Monday-to-Sunday week that contains <paramref name="day"/>.</summary>
    public static Partition WeekOf(DateOnly day)
    {
        var start = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        var end = start.AddDays(6);
        return new($"{Text(start)}_{Text(end)}", start, end);
    }

    /// <summary>The calendar month that contains <paramref name="day"/>.</summary>
    public static Partition MonthOf(DateOnly day)
    {
        var start = new DateOnly(day.Year, day.Month, 1);
        return new(start.ToString("yyyy-MM", CultureInfo.InvariantCulture), start, start.AddMonths(1).AddDays(-1));
    }

    /// <summary>The partitions of <paramref name="scheme"/> that overlap <paramref name="from"/>..<paramref name="to"/>, in order.</summary>
    public static IReadOnlyList<Partition> Covering(PartitionScheme scheme, DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range {Text(from)}..{Text(to)} ends before it starts.", nameof(to));
        }

        if (scheme == PartitionScheme.Whole)
        {
            return [Whole];
        }

        var partitions = new List<Partition>();
        for (var day = from; day <= to;)
        {
            var partition = scheme == PartitionScheme.Week ? WeekOf(day) : MonthOf(day);
            partitions.Add(partition);
            day = partition.End!.Value.AddDays(1);
        }

        return partitions;
    }

    /// <summary>
    /// The windows an incremental run reads: from the day after <paramref name="cursor"/> (or <paramref name="initialDays"/>
    /// back when nothing was landed yet), and at least the last <paramref name="rereadDays"/> days again, up to today.
    /// </summary>
    public static IReadOnlyList<Partition> Incremental(
        PartitionScheme scheme, string? cursor, DateOnly today, int rereadDays, int initialDays)
    {
        if (scheme == PartitionScheme.Whole)
        {
            return [Whole];
        }

        var from = cursor is not null && DateOnly.TryParseExact(cursor, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last)
            ? last.AddDays(1)
            : today.AddDays(-initialDays);
        var reread = today.AddDays(-rereadDays);
        if (reread < from)
        {
            from = reread;
        }

        return [.. Covering(scheme, from > today ? today : from, today).Select(p => p.ClippedTo(today))];
    }

    /// <summary>Parses a partition name as <see cref="Covering"/> produces it.</summary>
    public static Partition Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == WholeName)
        {
            return Whole;
        }

        if (DateOnly.TryParseExact(name, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return MonthOf(month);
        }

        if (name.Length == 21 && name[10] == '_'
            && DateOnly.TryParseExact(name[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && WeekOf(start) is var week && week.Name == name)
        {
            return week;
        }

        throw new FormatException($"\"{name}\" is not a partition name: expected all, a month (2024-03) or a week (2024-03-04_2024-03-10).");
    }

    /// <summary>This window, fetched no further than <paramref name="lastDay"/>; the name stays the window's.</summary>
    public Partition ClippedTo(DateOnly lastDay) => End is { } end && end > lastDay ? this with { End = lastDay } : this;

    /// <summary>
    /// Whether the window is over by <paramref name="today"/>, so its data will not grow: only then is it recorded as
    /// landed for good (a backfill skips it). The whole dataset always counts as complete once read.
    /// </summary>
    public bool IsClosed(DateOnly today) => WindowEnd is not { } end || end < today;

    public override string ToString() => Name;

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
