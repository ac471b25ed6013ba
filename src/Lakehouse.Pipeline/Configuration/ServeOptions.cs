using Microsoft.Extensions.Options;

namespace Lakehouse.Configuration;

/// <summary>
/// The web pages of <c>lakehouse serve</c>. Bound from <c>Lakehouse:Serve</c>; known to every command, so one
/// configuration file serves them all.
/// </summary>
internal sealed class ServeOptions
{
    public const string Section = "Lakehouse:Serve";

    /// <summary>
    /// How long a query of the Gold page's SQL box (or a download of its result) may run before it is cancelled. A
    /// query is also cancelled as soon as its page is left.
    /// </summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Rows of a result per page of the SQL box.</summary>
    public int PageRows { get; set; } = 100;
}

internal sealed class ServeOptionsValidator : IValidateOptions<ServeOptions>
{
    public ValidateOptionsResult Validate(string? name, ServeOptions options) =>
        new OptionRanges(ServeOptions.Section)
            .Check(nameof(options.QueryTimeout), options.QueryTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "e.g. 00:02:00")
            .Check(nameof(options.PageRows), options.PageRows, 1, 10_000, "a page is held in memory and sent whole")
            .Result;
}
