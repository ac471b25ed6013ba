using System.Globalization;
using System.Numerics;

namespace Lakehouse.DuckDb.Reading;

/// <summary>Conversions <see cref="DuckDbDataReader.GetFieldValue{T}"/> allows beyond a column's own CLR type.</summary>
internal static class ValueConversion
{
    /// <summary>The value as <paramref name="target"/>, or null when no sensible conversion exists.</summary>
    public static object? To(object value, Type target)
    {
        if (target == typeof(DateTime))
        {
            return value switch
            {
                DateOnly date => date.ToDateTime(TimeOnly.MinValue),
                DateTimeOffset instant => instant.UtcDateTime,
                _ => null,
            };
        }

        if (target == typeof(DateOnly))
        {
            return value is DateTime dateTime ? DateOnly.FromDateTime(dateTime) : null;
        }

        if (target == typeof(DateTimeOffset))
        {
            // A TIMESTAMP has no zone; reading it as an instant takes it to be UTC, like DuckDB's own cast.
            return value is DateTime dateTime ? new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)) : null;
        }

        if (target == typeof(TimeSpan))
        {
            return value is TimeOnly time ? time.ToTimeSpan() : null;
        }

        if (target == typeof(Guid))
        {
            return value is string text && Guid.TryParse(text, out var guid) ? guid : null;
        }

        if (value is BigInteger big)
        {
            return FromBigInteger(big, target);
        }

        if (target == typeof(BigInteger))
        {
            return value switch
            {
                decimal number => new BigInteger(number),
                ulong number => new BigInteger(number),
                IConvertible convertible when value is sbyte or short or int or long or byte or ushort or uint =>
                    new BigInteger(convertible.ToInt64(CultureInfo.InvariantCulture)),
                _ => null,
            };
        }

        if (target == typeof(Int128) || target == typeof(UInt128))
        {
            return To(value, typeof(BigInteger)) is BigInteger widened ? FromBigInteger(widened, target) : null;
        }

        if (target.IsEnum)
        {
            return value is string name
                ? Enum.Parse(target, name, ignoreCase: true)
                : Enum.ToObject(target, Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }

        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target))
        {
            return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static object? FromBigInteger(BigInteger value, Type target) => target switch
    {
        _ when target == typeof(long) => (long)value,
        _ when target == typeof(ulong) => (ulong)value,
        _ when target == typeof(int) => (int)value,
        _ when target == typeof(Int128) => (Int128)value,
        _ when target == typeof(UInt128) => (UInt128)value,
        _ when target == typeof(decimal) => (decimal)value,
        _ when target == typeof(double) => (double)value,
        _ when target == typeof(string) => value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
