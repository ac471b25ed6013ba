using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Tests.Web.Charts;

/// <summary>
/// Renders a page component to HTML the way static server-side rendering does, with Blazor's own
/// <see cref="HtmlRenderer"/> over the real composition root's services, and keeps the page as a test artifact.
/// </summary>
internal static class PageRendering
{
    public static async Task<string> RenderAsync<TComponent>(IServiceProvider services, string artifact)
        where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TComponent>()).ToHtmlString());
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts", "pages");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, artifact), $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{html}</body></html>");
        return html;
    }

    /// <summary>The inline <c>svg</c> elements of <paramref name="html"/>, each as its markup.</summary>
    public static IReadOnlyList<string> Svgs(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "<svg\\b.*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Value)];
}
