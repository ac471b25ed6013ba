using System.Text;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// One JSON value reduced to what sorting and filtering need, ordered across types the way MongoDB orders BSON
/// (missing and null, then numbers, strings, objects, arrays, booleans), so a catalog holding a wrong type still
/// sorts the way the real API would instead of failing.
/// </summary>
internal readonly struct JsonValueKey : IComparable<JsonValueKey>, IEquatable<JsonValueKey>
{
    private JsonValueKey(ValueRank rank, double number, string? text, bool isMissing)
    {
        Rank = rank;
        Number = number;
        Text = text;
        IsMissing = isMissing;
    }

    public enum ValueRank
    {
        Null = 0,
        Number = 1,
        String = 2,
        Object = 3,
        Array = 4,
        Boolean = 5,
    }

    public static JsonValueKey Missing { get; } = new(ValueRank.Null, 0, null, isMissing: true);

    public ValueRank Rank { get; }

    /// <summary>The number, or 0/1 for false/true.</summary>
    public double Number { get; }

    /// <summary>The string, or the raw text of an object or array.</summary>
    public string? Text { get; }

    public bool IsMissing { get; }

    public static JsonValueKey Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            return Missing;
        }

        return reader.TokenType switch
        {
            JsonTokenType.Null => new(ValueRank.Null, 0, null, false),
            JsonTokenType.Number => new(ValueRank.Number, reader.GetDouble(), null, false),
            JsonTokenType.String => new(ValueRank.String, 0, reader.GetString(), false),
            JsonTokenType.True => new(ValueRank.Boolean, 1, null, false),
            JsonTokenType.False => new(ValueRank.Boolean, 0, null, false),
            JsonTokenType.StartObject => new(ValueRank.Object, 0, Encoding.UTF8.GetString(json), false),
            _ => new(ValueRank.Array, 0, Encoding.UTF8.GetString(json), false),
        };
    }

    public static JsonValueKey Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => new(ValueRank.Null, 0, null, false),
        JsonValueKind.Number => new(ValueRank.Number, element.GetDouble(), null, false),
        JsonValueKind.String => new(ValueRank.String, 0, element.GetString(), false),
        JsonValueKind.True => new(ValueRank.Boolean, 1, null, false),
        JsonValueKind.False => new(ValueRank.Boolean, 0, null, false),
        JsonValueKind.Object => new(ValueRank.Object, 0, element.GetRawText(), false),
        _ => new(ValueRank.Array, 0, element.GetRawText(), false),
    };

    public static bool operator ==(JsonValueKey left, JsonValueKey right) => left.Equals(right);

    public static bool operator !=(JsonValueKey left, JsonValueKey right) => !left.Equals(right);

    public static bool operator <(JsonValueKey left, JsonValueKey right) => left.CompareTo(right) < 0;

    public static bool operator >(JsonValueKey left, JsonValueKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(JsonValueKey left, JsonValueKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(JsonValueKey left, JsonValueKey right) => left.CompareTo(right) >= 0;

    public int CompareTo(JsonValueKey other)
    {
        if (Rank != other.Rank)
        {
            return Rank.CompareTo(other.Rank);
        }

        return Rank switch
        {
            ValueRank.Null => 0,
            ValueRank.Number or ValueRank.Boolean => Number.CompareTo(other.Number),
            _ => string.CompareOrdinal(Text, other.Text),
        };
    }

    public bool Equals(JsonValueKey other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is JsonValueKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Rank, Number, Text);
}
