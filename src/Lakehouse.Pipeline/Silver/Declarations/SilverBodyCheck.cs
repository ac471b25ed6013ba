using System.Text.Json;
using System.Text.Unicode;

namespace Lakehouse.Silver.Declarations;

/// <summary>
/// Decides, in one pass of <see cref="Utf8JsonReader"/> over a body, whether DuckDB may read it the fast way — typed,
/// as <see cref="SilverShape.StructType"/> says — without hiding anything the careful path would quarantine. DuckDB's
/// typed reads are lenient (<c>"12"</c> becomes 12, <c>1</c> becomes true, a number becomes a string), so every member
/// the fast path reads natively is judged here by its JSON token: a string is a string, an integer has no fraction
/// or exponent and fits its column, a number is finite, a boolean is <c>true</c> or <c>false</c>; an object on a
/// member's path is an object, an array's entries are objects (or the declared scalars). Members of other types are
/// read as JSON text and judged in SQL by their own templates. A body that is not valid UTF-8, not JSON, or not
/// clean goes to the careful path, which finds the element and the reason. The unknown members of a clean body are
/// counted here, as the careful path's drift report counts them.
/// </summary>
internal static class SilverBodyCheck
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 4096 };

    /// <summary>
    /// True when every element of the body at <paramref name="path"/> is clean; then <paramref name="drift"/> has had
    /// the body's unknown members added. False leaves <paramref name="drift"/> as it was.
    /// </summary>
    /// <param name="path">The body, a local file.</param>
    /// <param name="shape">The dataset's element shape.</param>
    /// <param name="elements">Where the elements are (<see cref="SilverDataset.Elements"/>); a bare array body is its elements.</param>
    /// <param name="drift">Unknown members by field, counted over the clean bodies.</param>
    public static bool IsClean(string path, SilverShape shape, string elements, Dictionary<string, long> drift)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(drift);
        var bytes = File.ReadAllBytes(path);
        if (!Utf8.IsValid(bytes))
        {
            return false;
        }

        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, Options);
        try
        {
            if (!reader.Read() || !Body(ref reader, shape, elements, found) || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        foreach (var (field, count) in found)
        {
            drift[field] = drift.GetValueOrDefault(field) + count;
        }

        return true;
    }

    private static bool Body(ref Utf8JsonReader reader, SilverShape shape, string elements, Dictionary<string, long> drift)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return Elements(ref reader, shape, drift);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        if (elements == SilverScript.WholeBody)
        {
            return Element(ref reader, shape, drift);
        }

        var ofArrays = elements.EndsWith(".*", StringComparison.Ordinal);
        var member = ofArrays ? elements[..^2] : elements;
        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMember = reader.ValueTextEquals(member);
            reader.Read();
            if (!isMember)
            {
                reader.Skip();
                continue;
            }

            if (seen)
            {
                return false;
            }

            seen = true;
            if (!ofArrays)
            {
                if (reader.TokenType != JsonTokenType.StartArray || !Elements(ref reader, shape, drift))
                {
                    return false;
                }

                continue;
            }

            // An object whose values are arrays of elements (NeoWs' feed by date).
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray || !Elements(ref reader, shape, drift))
                {
                    return false;
                }
            }
        }

        // An envelope without its elements member is for the careful path to name.
        return seen;
    }

    private static bool Elements(ref Utf8JsonReader reader, SilverShape shape, Dictionary<string, long> drift)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || !Element(ref reader, shape, drift))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One scope (an element or an entry), the reader on its StartObject; then its requirements.</summary>
    private static bool Element(ref Utf8JsonReader reader, SilverShape shape, Dictionary<string, long> drift)
    {
        Span<bool> present = shape.PathCount <= 256 ? stackalloc bool[shape.PathCount] : new bool[shape.PathCount];
        if (!Object(ref reader, shape, present, drift))
        {
            return false;
        }

        foreach (var requirement in shape.Requirements)
        {
            if ((requirement.Within is not { } within || present[within]) && !AnyPresent(present, requirement.Paths))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyPresent(Span<bool> present, int[] paths)
    {
        foreach (var path in paths)
        {
            if (present[path])
            {
                return true;
            }
        }

        return false;
    }

    private static bool Object(ref Utf8JsonReader reader, SilverShape shape, scoped Span<bool> present, Dictionary<string, long> drift)
    {
        var members = shape.Members;
        ulong seen = 0;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            SilverShape.Member? member = null;

            // Objects of one API list their members in one order: look where the last one matched first.
            for (var k = 0; k < members.Count; k++)
            {
                var i = next + k < members.Count ? next + k : next + k - members.Count;
                if (reader.ValueTextEquals(members[i].Utf8Name))
                {
                    member = members[i];
                    next = i + 1 == members.Count ? 0 : i + 1;
                    var bit = 1UL << (i & 63);
                    if ((seen & bit) != 0 && i < 64)
                    {
                        // A member given twice: which one DuckDB keeps is for the careful path to settle.
                        return false;
                    }

                    seen |= bit;
                    break;
                }
            }

            if (member is null)
            {
                if (!IsKnown(ref reader, shape))
                {
                    var field = shape.DriftPrefix + reader.GetString();
                    drift[field] = drift.GetValueOrDefault(field) + 1;
                }

                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (!Value(ref reader, member.Node, member.Index, present, drift))
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool IsKnown(ref Utf8JsonReader reader, SilverShape shape)
    {
        foreach (var name in shape.KnownUtf8)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Value(ref Utf8JsonReader reader, SilverShape.Node node, int index, scoped Span<bool> present, Dictionary<string, long> drift)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        present[index] = true;
        switch (node)
        {
            case SilverShape.Leaf leaf:
                return Scalar(ref reader, leaf.Kind);
            case SilverShape.ObjectNode o:
                return reader.TokenType == JsonTokenType.StartObject && Object(ref reader, o.Shape, present, drift);
            case SilverShape.ScalarEntries scalars:
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Null ? scalars.Required : !Scalar(ref reader, scalars.Kind))
                    {
                        return false;
                    }
                }

                return true;
            case SilverShape.ObjectEntries entries:
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject || !Element(ref reader, entries.Shape, drift))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>A value the reader is on (not null) is of <paramref name="kind"/>; an object or array of SQL kind is skipped.</summary>
    private static bool Scalar(ref Utf8JsonReader reader, SilverValueKind kind)
    {
        switch (kind)
        {
            case SilverValueKind.String:
                return reader.TokenType == JsonTokenType.String;
            case SilverValueKind.Boolean:
                return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
            case SilverValueKind.Integer:
                return reader.TokenType == JsonTokenType.Number && IsIntegerText(reader.ValueSpan) && reader.TryGetInt32(out _);
            case SilverValueKind.BigInt:
                return reader.TokenType == JsonTokenType.Number && IsIntegerText(reader.ValueSpan) && reader.TryGetInt64(out _);
            case SilverValueKind.Double:
                return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value);
            default:
                reader.Skip();
                return true;
        }
    }

    private static bool IsIntegerText(ReadOnlySpan<byte> text) => text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
}
