using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// Reads and edits JSON kept as raw UTF-8 without re-serialising it, so a recorded response is replayed with every
/// byte (spacing, number spelling, key order) as it was received.
/// </summary>
internal static class RawJson
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>The elements of a top-level array, each a slice of <paramref name="json"/>.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> SplitArray(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("Expected a JSON array.");
        }

        var elements = new List<ReadOnlyMemory<byte>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            elements.Add(json[start..(int)reader.BytesConsumed]);
        }

        return elements;
    }

    /// <summary>Whether <paramref name="json"/> is exactly one well-formed JSON value.</summary>
    public static bool IsSingleValue(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Finds the value at a dotted path of object properties (<c>rocket</c>, <c>fairings.reused</c>) and returns its
    /// byte range within <paramref name="json"/>. False when any step is missing or not an object.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> json, string path, out Range value)
    {
        value = default;
        var offset = 0;
        var remaining = path.AsSpan();
        while (true)
        {
            var dot = remaining.IndexOf('.');
            var name = dot < 0 ? remaining : remaining[..dot];
            if (!TryFindProperty(json[offset..], name, out var found))
            {
                return false;
            }

            var (start, length) = found.GetOffsetAndLength(json.Length - offset);
            if (dot < 0)
            {
                value = new Range(offset + start, offset + start + length);
                return true;
            }

            offset += start;
            json = json[..(offset + length)];
            remaining = remaining[(dot + 1)..];
        }
    }

    /// <summary>The value of a top-level string property, or null when it is missing or not a string.</summary>
    public static string? GetString(ReadOnlySpan<byte> json, string name)
    {
        if (!TryFind(json, name, out var range))
        {
            return null;
        }

        var reader = new Utf8JsonReader(json[range], ReaderOptions);
        return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>A copy of <paramref name="json"/> with the bytes in <paramref name="range"/> replaced.</summary>
    public static byte[] Splice(ReadOnlySpan<byte> json, Range range, ReadOnlySpan<byte> replacement)
    {
        var (start, length) = range.GetOffsetAndLength(json.Length);
        var result = new byte[json.Length - length + replacement.Length];
        json[..start].CopyTo(result);
        replacement.CopyTo(result.AsSpan(start));
        json[(start + length)..].CopyTo(result.AsSpan(start + replacement.Length));
        return result;
    }

    /// <summary>Reads one JSON value into a <see cref="JsonValueKey"/> for comparisons the way MongoDB orders them.</summary>
    public static JsonValueKey KeyOf(ReadOnlySpan<byte> json, string path)
    {
        if (!TryFind(json, path, out var range))
        {
            return JsonValueKey.Missing;
        }

        return JsonValueKey.Read(json[range]);
    }

    private static bool TryFindProperty(ReadOnlySpan<byte> json, ReadOnlySpan<char> name, out Range value)
    {
        value = default;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (matches)
            {
                value = new Range(start, (int)reader.BytesConsumed);
                return true;
            }
        }

        return false;
    }
}
