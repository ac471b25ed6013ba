namespace Lakehouse.Storage;

/// <summary>
/// A string was offered as an object key (or listing prefix) and breaks a key rule. An <see cref="ArgumentException"/>
/// because it is the caller's mistake, never the store's; the message quotes the key and names the rule.
/// </summary>
internal sealed class InvalidObjectKeyException(string key, string rule, bool isPrefix = false)
    : ArgumentException($"Invalid object {(isPrefix ? "prefix" : "key")} \"{Escape(key)}\": {rule}.")
{
    /// <summary>The rejected key or prefix, as given.</summary>
    public string Key { get; } = key;

    /// <summary>The rule it breaks, in words.</summary>
    public string Rule { get; } = rule;

    /// <summary>Control characters are shown as escapes so that the message stays one readable line.</summary>
    private static string Escape(string key)
    {
        const int MaxShown = 200;
        var shown = key.Length > MaxShown ? key[..MaxShown] + "…" : key;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
