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
    /// Judges the body at <paramref name="path"/>: clean or not (with <paramref name="shape"/>; never clean without
    /// one), and, when it is larger than <paramref name="splitAbove"/> bytes or not valid UTF-8, splits it into
    /// <paramref name="linesPath"/>: one line per element, <c>{"o": ordinal, "e": element}</c>, which DuckDB reads
    /// element by element in bounded memory. An element that is not valid UTF-8 (or not an object) is then left out
    /// of the lines and named instead, so that it alone is quarantined.
    /// </summary>
    /// <param name="path">The body, a local file.</param>
    /// <param name="shape">The dataset's element shape; null when the dataset has no fast path.</param>
    /// <param name="elements">Where the elements are (<see cref="SilverDataset.Elements"/>); a bare array body is its elements.</param>
    /// <param name="linesPath">Where the lines go, if the body is split.</param>
    /// <param name="splitAbove">Bodies larger than this many bytes are split.</param>
    public static SilverBodyVerdict Judge(string path, SilverShape? shape, string elements, string linesPath, long splitAbove)
    {
        var bytes = File.ReadAllBytes(path);
        var split = bytes.Length > splitAbove || !Utf8.IsValid(bytes);
        var judge = new Judgement(
            shape,
            elements,
            split ? new FileStream(linesPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16) : null,
            split ? new FileStream(linesPath + ".careful", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16) : null);
        var reader = new Utf8JsonReader(bytes, Options);
        var read = false;
        try
        {
            read = reader.Read() && Body(ref reader, bytes, judge) && !reader.Read();
        }
        catch (JsonException)
        {
            read = false;
        }
        finally
        {
            judge.Lines?.Dispose();
            judge.CarefulLines?.Dispose();
        }

        if (read && judge.Lines is not null && judge.HasElements)
        {
            // Split: the clean elements' lines are read the fast way, the others' the careful way.
            return new SilverBodyVerdict(judge.Shape is not null, judge.Drift, linesPath, judge.Bad, NoElements: false)
            {
                CarefulLines = linesPath + ".careful",
                LongestLine = judge.LongestLine,
            };
        }

        if (judge.Lines is not null)
        {
            File.Delete(linesPath);
            File.Delete(linesPath + ".careful");
        }

        // Not split (or it could not be): DuckDB reads the body itself, and names what is wrong with it.
        return new SilverBodyVerdict(read && judge.Clean && judge.HasElements, judge.Drift, null, [], NoElements: read && !judge.HasElements && judge.Lines is not null);
    }

    private static bool Body(ref Utf8JsonReader reader, byte[] bytes, Judgement judge)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            judge.HasElements = true;
            return Elements(ref reader, bytes, judge);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        if (judge.ElementsMember == SilverScript.WholeBody)
        {
            judge.HasElements = true;
            return OnElement(ref reader, bytes, judge);
        }

        var ofArrays = judge.ElementsMember.EndsWith(".*", StringComparison.Ordinal);
        var member = ofArrays ? judge.ElementsMember[..^2] : judge.ElementsMember;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMember = reader.ValueTextEquals(member);
            reader.Read();
            if (!isMember)
            {
                reader.Skip();
                continue;
            }

            if (judge.HasElements)
            {
                // The member twice: which one DuckDB reads is for it to settle.
                return false;
            }

            judge.HasElements = true;
            if (!ofArrays)
            {
                if (reader.TokenType != JsonTokenType.StartArray || !Elements(ref reader, bytes, judge))
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
                if (reader.TokenType != JsonTokenType.StartArray || !Elements(ref reader, bytes, judge))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Elements(ref Utf8JsonReader reader, byte[] bytes, Judgement judge)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!OnElement(ref reader, bytes, judge))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One element, the reader on its first token: judged, and written as a line when the body is split.</summary>
    private static bool OnElement(ref Utf8JsonReader reader, byte[] bytes, Judgement judge)
    {
        var ordinal = ++judge.Ordinal;
        var start = (int)reader.TokenStartIndex;
        var depth = reader.CurrentDepth;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            judge.Clean = false;
            if (judge.Lines is null)
            {
                return false;
            }

            reader.Skip();
            judge.Bad.Add(new SilverBadElement(ordinal, $"wrong type: element {ordinal} is not a JSON object", null));
            return true;
        }

        // A split body is judged element by element (each goes its own way); a whole one until its first unclean element.
        judge.Unknown.Clear();
        var clean = judge.Shape is not null && (judge.Clean || judge.Lines is not null) && Element(ref reader, judge.Shape, judge.Unknown);
        if (clean)
        {
            foreach (var field in judge.Unknown)
            {
                judge.Drift[field] = judge.Drift.GetValueOrDefault(field) + 1;
            }
        }
        else
        {
            judge.Clean = false;
        }

        if (judge.Lines is null)
        {
            return judge.Clean;
        }

        // Wherever the judging stopped, go on to the element's end.
        while (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != depth)
        {
            reader.Read();
        }

        var element = bytes.AsSpan(start, (int)reader.BytesConsumed - start);
        if (!Utf8.IsValid(element))
        {
            var offset = start + Utf8Prefix(element);
            var record = LenientUtf8.GetString(element[..Math.Min(element.Length, BronzeBody.RecordChars)]);
            judge.Bad.Add(new SilverBadElement(ordinal, $"invalid UTF-8: element {ordinal} has a byte that is not UTF-8 at byte {offset} of the body", record));
            return true;
        }

        judge.LongestLine = Math.Max(judge.LongestLine, element.Length + 32);
        var lines = clean ? judge.Lines : judge.CarefulLines!;
        lines.Write("{\"o\":"u8);
        Span<byte> number = stackalloc byte[16];
        ordinal.TryFormat(number, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        lines.Write(number[..written]);
        lines.Write(",\"e\":"u8);
        lines.Write(element);
        lines.Write("}\n"u8);
        return true;
    }

    private static int Utf8Prefix(ReadOnlySpan<byte> bytes)
    {
        System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static readonly System.Text.UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>What one judging collects.</summary>
    private sealed class Judgement(SilverShape? shape, string elementsMember, FileStream? lines, FileStream? carefulLines)
    {
        public FileStream? CarefulLines { get; } = carefulLines;

        /// <summary>The unknown members of the element being judged.</summary>
        public List<string> Unknown { get; } = [];

        public SilverShape? Shape { get; } = shape;

        public string ElementsMember { get; } = elementsMember;

        public FileStream? Lines { get; } = lines;

        public bool Clean { get; set; } = shape is not null;

        public bool HasElements { get; set; }

        public int Ordinal { get; set; }

        public long LongestLine { get; set; }

        public Dictionary<string, long> Drift { get; } = new(StringComparer.Ordinal);

        public List<SilverBadElement> Bad { get; } = [];
    }

    /// <summary>One scope (an element or an entry), the reader on its StartObject; then its requirements.</summary>
    private static bool Element(ref Utf8JsonReader reader, SilverShape shape, List<string> drift)
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

    private static bool Object(ref Utf8JsonReader reader, SilverShape shape, scoped Span<bool> present, List<string> drift)
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
                    drift.Add(shape.DriftPrefix + reader.GetString());
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

    private static bool Value(ref Utf8JsonReader reader, SilverShape.Node node, int index, scoped Span<bool> present, List<string> drift)
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

/// <summary>What <see cref="SilverBodyCheck.Judge"/> found in one body.</summary>
/// <param name="Clean">Every element is clean, or (split) <paramref name="Lines"/> holds only clean ones: read the fast way.</param>
/// <param name="Drift">The unknown members of a clean body, by field.</param>
/// <param name="Lines">The body's clean elements one per line (all of them without a shape), or null when DuckDB reads the body itself.</param>
/// <param name="Bad">Elements left out of the lines, with why.</param>
/// <param name="NoElements">A split body without its elements member: it holds no documents.</param>
internal sealed record SilverBodyVerdict(bool Clean, Dictionary<string, long> Drift, string? Lines, List<SilverBadElement> Bad, bool NoElements)
{
    /// <summary>The lines of the elements that are not clean, when split: read the careful way.</summary>
    public string? CarefulLines { get; init; }

    /// <summary>The longest line written, in bytes: what DuckDB must be ready to read as one JSON value.</summary>
    public long LongestLine { get; init; }
}

/// <summary>An element quarantined before DuckDB reads the body: its 1-based position, why, and its text (null when not an object).</summary>
internal sealed record SilverBadElement(int Ordinal, string Reason, string? Record);
