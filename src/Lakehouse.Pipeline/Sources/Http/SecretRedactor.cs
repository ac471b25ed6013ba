using System.Buffers;
using System.Text;

namespace Lakehouse.Sources.Http;

/// <summary>
/// Finds a source's secrets (its API key) in text and in response bodies, in every spelling the key can take on the
/// way back: as given, percent-encoded (either hex case, <c>+</c> for a space), and as JSON string escapes
/// (<c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\n</c>, <c>\u00e9</c>, surrogate pairs), in any mix, and replaces each
/// occurrence with <see cref="Marker"/>.
/// </summary>
/// <remarks>
/// Ours, not a library's: Microsoft.Extensions.Compliance.Redaction redacts values that the code classifies before
/// logging them, but an API key echoed inside a response body (NeoWs' <c>links</c>, RAWG's <c>next</c>) or inside a
/// server's error text reaches us unclassified, and in whatever spelling the server's JSON encoder or URL builder
/// chose. Matching is character by character, each character in any of its spellings, so a key is caught however
/// the server escaped it; it never matches less than the whole key.
/// </remarks>
internal sealed class SecretRedactor
{
    /// <summary>What stands in for a secret value wherever a request, a body or an error is written down.</summary>
    public const string Marker = "REDACTED";

    private static readonly byte[] MarkerBytes = Encoding.UTF8.GetBytes(Marker);

    private readonly string[] secrets;

    // The bytes an occurrence of each secret can start with, so a body is skimmed with a vectorised search and only
    // those positions are tried.
    private readonly SearchValues<byte>[] starts;

    /// <param name="secrets">The values to hide; null or empty ones are ignored.</param>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        this.secrets = [.. secrets.OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        starts = [.. this.secrets.Select(StartsOf)];
    }

    /// <summary>A redactor that hides nothing (a source without a key).</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Whether there is anything to hide.</summary>
    public bool IsEmpty => secrets.Length == 0;

    /// <summary>The text with every secret, in any spelling, replaced by <see cref="Marker"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsEmpty)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var redacted = Redact(bytes, out var replaced);
        return replaced ? Encoding.UTF8.GetString(redacted) : text;
    }

    /// <summary>
    /// The body with every secret, in any spelling, replaced by <see cref="Marker"/>. Returns the same array when there
    /// was nothing to replace, so a body without an echo stays byte for byte what the server sent.
    /// </summary>
    public byte[] Redact(byte[] body, out bool replaced)
    {
        ArgumentNullException.ThrowIfNull(body);
        replaced = false;
        for (var s = 0; s < secrets.Length; s++)
        {
            var secret = secrets[s];
            var output = (MemoryStream?)null;
            var copied = 0;
            var at = 0;
            while (at < body.Length)
            {
                var next = body.AsSpan(at).IndexOfAny(starts[s]);
                if (next < 0)
                {
                    break;
                }

                at += next;
                var length = MatchAt(body, at, secret);
                if (length <= 0)
                {
                    at++;
                    continue;
                }

                output ??= new MemoryStream(body.Length);
                output.Write(body, copied, at - copied);
                output.Write(MarkerBytes);
                at += length;
                copied = at;
            }

            if (output is not null)
            {
                output.Write(body, copied, body.Length - copied);
                body = output.ToArray();
                replaced = true;
            }
        }

        return body;
    }

    private static SearchValues<byte> StartsOf(string secret)
    {
        Span<byte> first = stackalloc byte[4];
        Rune.GetRuneAt(secret, 0).EncodeToUtf8(first);
        return SearchValues.Create([first[0], (byte)'%', (byte)'\\', (byte)'+']);
    }

    /// <summary>How many bytes at <paramref name="start"/> spell <paramref name="secret"/>; 0 when they do not.</summary>
    private static int MatchAt(ReadOnlySpan<byte> body, int start, string secret)
    {
        var end = MatchFrom(body, start, secret, 0);
        return end < 0 ? 0 : end - start;
    }

    /// <summary>
    /// Where the spelling of <paramref name="secret"/> from its character <paramref name="index"/> on ends, when it
    /// starts at <paramref name="at"/>; -1 when it does not. A character can have two spellings that both start there
    /// (a backslash as itself, or as the escape <c>\</c>), so each is tried in turn.
    /// </summary>
    private static int MatchFrom(ReadOnlySpan<byte> body, int at, string secret, int index)
    {
        if (index >= secret.Length)
        {
            return at;
        }

        var rune = Rune.GetRuneAt(secret, index);
        var next = index + rune.Utf16SequenceLength;
        var text = body[at..];
        Span<byte> utf8 = stackalloc byte[4];
        utf8 = utf8[..rune.EncodeToUtf8(utf8)];
        Span<int> lengths = stackalloc int[4];
        var count = 0;
        if (text.StartsWith(utf8))
        {
            lengths[count++] = utf8.Length;
        }

        if (!text.IsEmpty && text[0] == (byte)'+' && rune.Value == ' ')
        {
            lengths[count++] = 1;
        }

        if (!text.IsEmpty && text[0] == (byte)'%' && MatchPercentEncoded(text, utf8) is > 0 and var percent)
        {
            lengths[count++] = percent;
        }

        if (!text.IsEmpty && text[0] == (byte)'\\' && MatchJsonEscape(text, rune) is > 0 and var escape)
        {
            lengths[count++] = escape;
        }

        for (var k = 0; k < count; k++)
        {
            var end = MatchFrom(body, at + lengths[k], secret, next);
            if (end >= 0)
            {
                return end;
            }
        }

        return -1;
    }

    private static int MatchPercentEncoded(ReadOnlySpan<byte> text, ReadOnlySpan<byte> utf8)
    {
        var at = 0;
        foreach (var b in utf8)
        {
            // Each byte of the character either percent-encoded or, for a multi-byte character, never mixed: a URL
            // encoder encodes all of a character's bytes or none.
            if (text.Length < at + 3 || text[at] != (byte)'%' || !TryHex(text.Slice(at + 1, 2), out var value) || value != b)
            {
                return 0;
            }

            at += 3;
        }

        return at;
    }

    private static int MatchJsonEscape(ReadOnlySpan<byte> text, Rune rune)
    {
        if (text.Length < 2)
        {
            return 0;
        }

        var shortForm = rune.Value switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '/' => (byte)'/',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            _ => (byte)0,
        };
        if (shortForm != 0 && text[1] == shortForm)
        {
            return 2;
        }

        if (text[1] != (byte)'u')
        {
            return 0;
        }

        Span<char> units = stackalloc char[2];
        var count = rune.EncodeToUtf16(units);
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (text.Length < at + 6 || text[at] != (byte)'\\' || text[at + 1] != (byte)'u'
                || !TryHex(text.Slice(at + 2, 4), out var value) || value != units[i])
            {
                return 0;
            }

            at += 6;
        }

        return at;
    }

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            var nibble = d switch
            {
                >= (byte)'0' and <= (byte)'9' => d - '0',
                >= (byte)'a' and <= (byte)'f' => d - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => d - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | nibble;
        }

        return true;
    }
}
