using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Lakehouse.Sources.Http;

/// <summary>
/// The start of an error body, for a message a person reads: text bodies only (an API's own words are often the
/// fix), one line, HTML reduced to its text, secrets redacted, at most <see cref="MaxLength"/> characters.
/// </summary>
internal static partial class BodyExcerpt
{
    public const int MaxLength = 200;

    /// <summary>E.g. <c>(body: text/html, 'Application error …')</c>, or <c>(body: image/png, 5120 bytes)</c>.</summary>
    public static string Describe(string? contentType, byte[] body, Func<string, string> redact)
    {
        var mediaType = MediaType(contentType);
        if (body.Length == 0)
        {
            return $"(empty body{(mediaType is null ? "" : $", {mediaType}")})";
        }

        if (!IsText(mediaType))
        {
            return $"(body: {mediaType ?? "no content type"}, {body.Length} bytes)";
        }

        // All of it, not a prefix: a prefix could end inside a secret, which redaction would then miss.
        var text = Encoding.UTF8.GetString(body);
        if (mediaType is "text/html" or "application/xhtml+xml")
        {
            text = WebUtility.HtmlDecode(Tags().Replace(ScriptsAndStyles().Replace(text, " "), " "));
        }

        text = redact(Whitespace().Replace(text, " ").Trim());
        var excerpt = text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "…");
        return $"(body: {mediaType ?? "no content type"}, '{excerpt}')";
    }

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    private static bool IsText(string? mediaType) => mediaType is not null
        && (mediaType.StartsWith("text/", StringComparison.Ordinal)
            || mediaType.EndsWith("json", StringComparison.Ordinal)
            || mediaType.EndsWith("xml", StringComparison.Ordinal)
            || mediaType is "application/javascript" or "application/x-www-form-urlencoded");

    [GeneratedRegex(@"<(script|style)\b.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptsAndStyles();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
