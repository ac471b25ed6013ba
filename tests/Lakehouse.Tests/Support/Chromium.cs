using Microsoft.Playwright;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (which cannot download its own browsers here). Installed with apt
/// on a fresh machine, as PostgreSQL is, when it is missing.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>Starts the browser; or null, with the reason, when chromium is missing and cannot be installed.</summary>
    public static async Task<(Chromium? Chromium, string? MissingReason)> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            if (await AptPackages.InstallAsync("chromium") is { } reason)
            {
                return (null, $"chromium ({ExecutablePath}) is not installed and could not be: {reason}");
            }
        }

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,

            // Its sandbox needs user namespaces, which containers (and root) often lack; the pages are our own.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return (new Chromium(playwright, browser), null);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}

/// <summary>
/// A browser tab on a page of <c>lakehouse serve</c> that records every console error and uncaught script error, so a
/// test can say the page loaded cleanly, and saves screenshots as test artifacts (under the test output folder).
/// </summary>
internal sealed class BrowserTab : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly List<string> errors = [];

    private BrowserTab(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"script: {error}");
            }
        };
        page.RequestFailed += (_, request) =>
        {
            lock (errors)
            {
                errors.Add($"request failed: {request.Url} {request.Failure}");
            }
        };
    }

    public static string ArtifactsFolder { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "web");

    public IPage Page { get; }

    /// <summary>Console and script errors seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    public static async Task<BrowserTab> OpenAsync(Chromium chromium, Uri baseAddress)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
        });
        return new BrowserTab(context, await context.NewPageAsync());
    }

    /// <summary>Goes to <paramref name="path"/> and checks the server answered 200.</summary>
    public async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        response.ShouldNotBeNull();
        response.Status.ShouldBe(200, $"{path}: {await response.TextAsync()}");
    }

    /// <summary>Saves the whole page as <c>artifacts/web/{name}.png</c> beside the test assembly.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ArtifactsFolder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsFolder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
