using System.Runtime.CompilerServices;
using DuckDB.NET.Native;

namespace Lakehouse.Querying;

/// <summary>
/// Dates and times as UTF-8 the way DuckDB prints them (<c>2010-06-04</c>, <c>1969-07-16 13:32:00.123456</c>,
/// <c>18:45:00</c>: a fraction only when it is not zero, without trailing zeros). Written digit by digit, because a
/// custom format string is parsed again on every call, which made dates the slowest cells of a CSV export. DuckDB.NET
/// hands DATE and TIMESTAMP values over already split into year, month, day and time of day: those are written as
/// they come, not rebuilt into a <see cref="DateTime"/> to be split again.
/// </summary>
internal static class DateText
{
    /// <summary>The longest text: <c>yyyy-MM-ddTHH:mm:ss.ffffff</c>.</summary>
    public const int MaxLength = 26;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteDate(Span<byte> destination, DateOnly date) => WriteDate(destination, date.Year, date.Month, date.Day);

    /// <summary>A finite DuckDB date (the infinities are the caller's to write).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteDate(Span<byte> destination, DuckDBDateOnly date) =>
        date.Year is >= 1 and <= 9999
            ? WriteDate(destination, date.Year, date.Month, date.Day)
            : WriteDate(destination, date.ToDateOnly()); // beyond DateOnly's years: fails as the conversion always did

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteTimeOfDay(Span<byte> destination, long ticksOfDay)
    {
        var seconds = ticksOfDay / TimeSpan.TicksPerSecond;
        return WriteTimeOfDay(
            destination, (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60), (int)(ticksOfDay % TimeSpan.TicksPerSecond / 10));
    }

    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="timestamp">The wall-clock value.</param>
    /// <param name="separator"><c>' '</c> as DuckDB prints, or <c>'T'</c> for ISO 8601.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteTimestamp(Span<byte> destination, DateTime timestamp, byte separator)
    {
        var length = WriteDate(destination, DateOnly.FromDateTime(timestamp));
        destination[length++] = separator;
        return length + WriteTimeOfDay(destination[length..], timestamp.TimeOfDay.Ticks);
    }

    /// <summary>A finite DuckDB timestamp (the infinities are the caller's to write).</summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="timestamp">The wall-clock value, as DuckDB.NET reads it.</param>
    /// <param name="separator"><c>' '</c> as DuckDB prints, or <c>'T'</c> for ISO 8601.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteTimestamp(Span<byte> destination, DuckDBTimestamp timestamp, byte separator)
    {
        var length = WriteDate(destination, timestamp.Date);
        destination[length++] = separator;
        var time = timestamp.Time;
        return length + WriteTimeOfDay(destination[length..], time.Hour, time.Min, time.Sec, time.Microsecond);
    }

    private static int WriteDate(Span<byte> destination, int year, int month, int day)
    {
        WriteDigits(destination, year, 4);
        destination[4] = (byte)'-';
        WriteDigits(destination[5..], month, 2);
        destination[7] = (byte)'-';
        WriteDigits(destination[8..], day, 2);
        return 10;
    }

    private static int WriteTimeOfDay(Span<byte> destination, int hour, int minute, int second, int micros)
    {
        WriteDigits(destination, hour, 2);
        destination[2] = (byte)':';
        WriteDigits(destination[3..], minute, 2);
        destination[5] = (byte)':';
        WriteDigits(destination[6..], second, 2);
        if (micros == 0)
        {
            return 8;
        }

        destination[8] = (byte)'.';
        WriteDigits(destination[9..], micros, 6);
        var length = 15;
        while (destination[length - 1] == (byte)'0')
        {
            length--;
        }

        return length;
    }

    private static void WriteDigits(Span<byte> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
