using System.Text;

namespace Lakehouse.Silver;

/// <summary>How a bronze body starts, which decides how DuckDB is asked to read it.</summary>
internal enum BronzeBodyShape
{
    /// <summary>A bare array of documents (GET /v4/rockets).</summary>
    Array,

    /// <summary>An object, normally a /query envelope whose <c>docs</c> holds the documents.</summary>
    Object,

    /// <summary>Anything else: empty, a JSON scalar, HTML, ... Never a set of documents.</summary>
    Other,
}

/// <summary>Looking at a bronze body without parsing it: its shape, and its head for a quarantine record.</summary>
internal static class BronzeBody
{
    /// <summary>How much of a body a quarantine row keeps when the body could not be read as documents.</summary>
    public const int RecordChars = 10_000;

    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The shape from the first character that is not whitespace (after a UTF-8 byte order mark).</summary>
    public static BronzeBodyShape ShapeOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        Span<byte> buffer = stackalloc byte[4096];
        var first = true;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var bytes = buffer[..read];
            if (first && bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..];
            }

            first = false;
            foreach (var b in bytes)
            {
                switch (b)
                {
                    case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                        continue;
                    case (byte)'[':
                        return BronzeBodyShape.Array;
                    case (byte)'{':
                        return BronzeBodyShape.Object;
                    default:
                        return BronzeBodyShape.Other;
                }
            }
        }

        return BronzeBodyShape.Other;
    }

    /// <summary>The first <see cref="RecordChars"/> characters of the body, invalid UTF-8 replaced.</summary>
    public static string Head(string path)
    {
        using var reader = new StreamReader(path, LenientUtf8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[RecordChars];
        var length = reader.ReadBlock(buffer, 0, buffer.Length);

        // Never end on half a surrogate pair: the record must stay valid text.
        if (length == RecordChars && char.IsHighSurrogate(buffer[length - 1]))
        {
            length--;
        }

        return new string(buffer, 0, length);
    }
}
