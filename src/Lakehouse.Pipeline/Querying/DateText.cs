using System.Runtime.CompilerServices;

namespace Lakehouse.Querying;

/// <summary>
/// Dates and times as UTF-8 the way DuckDB prints them (<c>2010-06-04</c>, <c>1969-07-16 13:32:00.123456</c>,
/// <c>18:45:00</c>: a fraction only when it is not zero, without trailing zeros). Written digit by digit, because a
/// custom format string is parsed again on every call, which made dates the slowest cells of a CSV export.
/// </summary>
internal static class DateText
{
    /// <summary>The longest text: <c>yyyy-MM-ddTHH:mm:ss.ffffff</c>.</summary>
    public const int MaxLength = 26;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteDate(Span<byte> destination, DateOnly date)
    {
        WriteDigits(destination, date.Year, 4);
        destination[4] = (byte)'-';
        WriteDigits(destination[5..], date.Month, 2);
        destination[7] = (byte)'-';
        WriteDigits(destination[8..], date.Day, 2);
        return 10;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteTimeOfDay(Span<byte> destination, long ticksOfDay)
    {
        var seconds = ticksOfDay / TimeSpan.TicksPerSecond;
        WriteDigits(destination, (int)(seconds / 3600), 2);
        destination[2] = (byte)':';
        WriteDigits(destination[3..], (int)(seconds / 60 % 60), 2);
        destination[5] = (byte)':';
        WriteDigits(destination[6..], (int)(seconds % 60), 2);
        var micros = (int)(ticksOfDay % TimeSpan.TicksPerSecond / 10);
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

    private static void WriteDigits(Span<byte> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
