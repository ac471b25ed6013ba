using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Web;

/// <summary><c>serve</c> over a lake with nothing in it yet: each page says so, and names the command that fills it.</summary>
public sealed class EmptyLakePageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public async Task Every_page_of_an_empty_lake_says_what_builds_it()
    {
        var (chromium, missing) = await Chromium.StartAsync();
        RealDependency.Require(missing);
        await using var browser = chromium!;
        var (app, address) = await ServedLake.ServeAsync(temp.Path);
        await using var _ = app;
        await using var tab = await BrowserTab.OpenAsync(browser, address);

        await tab.GoAsync("/");
        (await tab.Page.Locator("#no-gold").InnerTextAsync()).ShouldContain("lakehouse run");
        (await tab.Page.Locator("#nothing-landed").InnerTextAsync()).ShouldContain("lakehouse demo");
        await tab.ScreenshotAsync("empty-datasets");

        await tab.GoAsync("/runs");
        (await tab.Page.Locator("#no-runs").InnerTextAsync()).ShouldContain("lakehouse run");

        await tab.GoAsync("/gold");
        (await tab.Page.Locator("#no-gold").InnerTextAsync()).ShouldContain("lakehouse run");
        (await tab.Page.Locator("#sql").CountAsync()).ShouldBe(0);
        await tab.ScreenshotAsync("empty-gold");

        tab.Errors.ShouldBeEmpty();

        // An address with no page says where the pages are
        using var http = new HttpClient { BaseAddress = address };
        using var noPage = await http.GetAsync("/dataset");
        noPage.StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await noPage.Content.ReadAsStringAsync()).ShouldContain("there is no page here. The pages are / (Datasets), /runs");
        await app.StopAsync();
    }
}
