using System.Text.Json;
using Lakehouse.Alerts;
using Lakehouse.Demo;
using Lakehouse.Lake;
using Lakehouse.Runs;
using Lakehouse.Scheduling;
using Lakehouse.Tests.Sources.Http;
using Lakehouse.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Lakehouse.Tests.Monitoring;

/// <summary>
/// The scheduler's alerts against a real webhook receiver: one post per incident, one recovery when it clears, none
/// while all is well, and a webhook that is slow or gone never holds up or fails a run. Posts are counted after the
/// host is disposed, which sends what is queued first: the counts are final.
/// </summary>
public sealed class AlertTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly CollectingLoggerProvider logs = new();
    private SpaceXApiServer server = null!;
    private WebhookReceiver webhook = null!;

    public async Task InitializeAsync()
    {
        server = await SpaceXApiServer.StartAsync(RecordedCatalogs.SpaceX);
        webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await webhook.DisposeAsync();
        await server.DisposeAsync();
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Healthy_runs_and_looks_post_nothing()
    {
        // Given alerts posting to the webhook
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress)));
        var alerts = host.Get<AlertMonitor>();

        // When two runs succeed and the monitor looks at the datasets
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        await alerts.CheckAsync(Plan(("spacex.launches", "0 0 */6 * * ?")), CancellationToken.None);
        alerts.Open.ShouldBeEmpty();
        await host.DisposeAsync();

        // Then nothing was posted or raised
        webhook.Started.ShouldBe(0);
        logs.Entries.ShouldNotContain(e => e.Category.EndsWith(nameof(AlertMonitor), StringComparison.Ordinal) && e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task A_failing_source_posts_each_failed_dataset_and_the_source_once_then_one_recovery_each()
    {
        // Given alerts after 3 API errors in a row, and a healthy first run
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress)).Set("Lakehouse:Alerts:ConsecutiveApiErrors", "3"));
        var alerts = host.Get<AlertMonitor>();
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);

        // When the API fails every request for two runs, then answers again for a third
        server.Intercept = async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("down");
            return true;
        };
        var failed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var openAfterFailure = alerts.Open.Count;
        var again = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        server.Intercept = null;
        var healed = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        await host.DisposeAsync();

        // Then the failed run's record names the failed datasets, and the second failing run changed no incident
        failed.Status.ShouldBe(RunStatus.Failed);
        again.Status.ShouldBe(RunStatus.Failed);
        healed.Status.ShouldBe(RunStatus.Succeeded);
        var record = JsonDocument.Parse(File.ReadAllText(temp.Combine("lake", "_meta", "runs", $"{failed.RunId}.json"))).RootElement;
        var failedDatasets = record.GetProperty("datasets").EnumerateArray()
            .Where(d => d.GetProperty("status").GetString() == "failed").Select(d => d.GetProperty("dataset").GetString()!).Order(StringComparer.Ordinal).ToList();
        failedDatasets.Count.ShouldBe(8, "every SpaceX dataset");
        openAfterFailure.ShouldBe(failedDatasets.Count + 1);

        // And each incident was posted once when it opened and once when it cleared, and nothing else
        var posts = webhook.Posts;
        posts.Count.ShouldBe(2 * (failedDatasets.Count + 1), string.Join("\n", posts));
        Subjects(posts, "run-failed", "firing").ShouldBe(failedDatasets);
        Subjects(posts, "run-failed", "resolved").ShouldBe(failedDatasets);
        Subjects(posts, "source-failing", "firing").ShouldBe(["spacex"]);
        Subjects(posts, "source-failing", "resolved").ShouldBe(["spacex"]);

        // And the texts say what happened, Slack-style, with the run's own words
        var launches = posts.Single(p => p.GetProperty("subject").GetString() == "spacex.launches" && p.GetProperty("status").GetString() == "firing");
        launches.GetProperty("text").GetString()!.ShouldStartWith($"spacex.launches failed in run {failed.RunId} (test): ");
        launches.GetProperty("text").GetString()!.ShouldContain("HTTP 500");
        posts.Single(p => p.GetProperty("kind").GetString() == "source-failing" && p.GetProperty("status").GetString() == "firing")
            .GetProperty("text").GetString()!.ShouldStartWith("spacex: 3 API requests in a row failed");

        // And every alert was logged, and the webhook's token appears in no log entry
        logs.Entries.Count(e => e.Message.StartsWith("Alert ", StringComparison.Ordinal)).ShouldBe(failedDatasets.Count + 1);
        logs.Entries.Count(e => e.Message.StartsWith("Recovered ", StringComparison.Ordinal)).ShouldBe(failedDatasets.Count + 1);
        logs.AllText.ShouldNotContain(webhook.Token);
    }

    [Fact]
    public async Task A_dataset_that_lands_nothing_new_for_longer_than_the_limit_is_posted_stale_once_and_fresh_when_it_lands()
    {
        // Given a lake whose launches landed now, and a clock that the test moves on
        var clock = new MovableClock();
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress)).Time(clock));
        var alerts = host.Get<AlertMonitor>();
        (await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None)).Status.ShouldBe(RunStatus.Succeeded);
        var plan = Plan(("spacex.launches", "0 0 */6 * * ?"), ("spacex.rockets", "0 0 0 1 1 ? 2099"), ("nasa.apod", "0 0 8 * * ?"));

        // When the monitor looks 23 h later, then twice 25 h later, then after a new landing
        clock.Advance(TimeSpan.FromHours(23));
        await alerts.CheckAsync(plan, CancellationToken.None);
        var after23h = alerts.Open.Count;
        clock.Advance(TimeSpan.FromHours(2));
        await alerts.CheckAsync(plan, CancellationToken.None);
        await alerts.CheckAsync(plan, CancellationToken.None);
        var open = alerts.Open.ToList();
        var state = LakeKeys.DatasetState(DatasetName.Parse("spacex.launches"));
        var landed = await LakeJson.ReadAsync<DatasetState>(host.Store, state, CancellationToken.None);
        await LakeJson.WriteAsync(host.Store, state, landed! with { LastLandedAt = clock.GetUtcNow() }, CancellationToken.None);
        await alerts.CheckAsync(plan, CancellationToken.None);
        await host.DisposeAsync();

        // Then nothing was stale before 24 h; after, launches alone (rockets fire once a century, NASA never landed)
        after23h.ShouldBe(0);
        open.ShouldBe([(AlertKind.DatasetStale, "spacex.launches")]);

        // And it was posted stale once, then fresh once
        webhook.Posts.Count.ShouldBe(2, string.Join("\n", webhook.Posts));
        webhook.Posts[0].GetProperty("status").GetString().ShouldBe("firing");
        webhook.Posts[0].GetProperty("text").GetString()!.ShouldStartWith("spacex.launches is stale: nothing new landed for 25 h 0 min");
        webhook.Posts[1].GetProperty("status").GetString().ShouldBe("resolved");
        webhook.Posts[1].GetProperty("text").GetString()!.ShouldStartWith("spacex.launches is fresh again");
    }

    [Fact]
    public async Task A_run_past_the_time_limit_is_posted_once_while_it_runs_and_recovered_when_it_ends()
    {
        // Given a limit of one second, looks every 100 ms, and an API whose first answer takes 3 s
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress))
            .Set("Lakehouse:Alerts:RunTimeLimit", "00:00:01").Set("Lakehouse:Alerts:CheckInterval", "00:00:00.100")
            .Set("Lakehouse:Sources:SpaceX:RequestTimeout", "00:00:10"));
        var alerts = host.Get<AlertMonitor>();
        var slow = 0;
        server.Intercept = async _ =>
        {
            if (Interlocked.Exchange(ref slow, 1) == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            return false;
        };
        using var stop = new CancellationTokenSource();
        var watching = alerts.WatchAsync(Plan(), stop.Token);

        // When a run goes through
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        await stop.CancelAsync();
        await watching;
        await host.DisposeAsync();

        // Then it was posted once as too long (though looked at some 20 times meanwhile), and once as finished
        run.Status.ShouldBe(RunStatus.Succeeded);
        run.DurationMs.ShouldBeGreaterThan(3000);
        webhook.Posts.Count.ShouldBe(2, string.Join("\n", webhook.Posts));
        webhook.Posts.ShouldAllBe(p => p.GetProperty("kind").GetString() == "run-too-long" && p.GetProperty("subject").GetString() == run.RunId);
        webhook.Posts[0].GetProperty("text").GetString()!.ShouldContain("longer than 1 s (Lakehouse:Alerts:RunTimeLimit)");
        webhook.Posts[1].GetProperty("text").GetString().ShouldBe($"Run {run.RunId} finished (succeeded) after {run.DurationMs / 1000.0:0.#} s.");
    }

    [Fact]
    public async Task A_webhook_that_holds_every_post_neither_fails_nor_holds_up_the_run()
    {
        // Given a webhook that answers nothing until the test lets it, and an API that fails
        webhook.Holding = true;
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress)).Set("Lakehouse:Alerts:PostTimeout", "00:00:30"));
        host.Get<AlertMonitor>();
        server.Intercept = async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("down");
            return true;
        };

        // When a run fails (raising alerts), with the first post still waiting at the webhook
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        var startedWhileRunFinished = webhook.Started;
        var answeredWhileRunFinished = webhook.Posts.Count;

        // Then the run ended with its own record as without alerts, before any post was answered
        run.Status.ShouldBe(RunStatus.Failed);
        File.Exists(temp.Combine("lake", "_meta", "runs", $"{run.RunId}.json")).ShouldBeTrue();
        answeredWhileRunFinished.ShouldBe(0);
        startedWhileRunFinished.ShouldBeLessThanOrEqualTo(1, "posts go one at a time, off the run's path");

        // And once the webhook answers, the queued alerts all arrive
        webhook.Release();
        await host.DisposeAsync();
        webhook.Posts.Count.ShouldBe(9, "8 failed datasets and the failing source");
    }

    [Fact]
    public async Task A_webhook_that_is_gone_is_logged_by_host_only_and_the_run_is_unaffected()
    {
        // Given a webhook URL where nothing listens
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var url = $"http://127.0.0.1:{port}/services/{webhook.Token}";
        var host = Host(new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress)), url);
        host.Get<AlertMonitor>();
        server.Intercept = async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("down");
            return true;
        };

        // When a run fails and the alerts cannot be delivered
        var run = await host.Pipeline.RunAsync(PipelineHost.SpaceXRun, CancellationToken.None);
        await host.DisposeAsync();

        // Then the run has its record; each undelivered alert is a warning naming the host, never the token
        run.Status.ShouldBe(RunStatus.Failed);
        File.Exists(temp.Combine("lake", "_meta", "runs", $"{run.RunId}.json")).ShouldBeTrue();
        var undelivered = logs.Entries.Where(e => e.Message.StartsWith("Alert not delivered", StringComparison.Ordinal)).ToList();
        undelivered.Count.ShouldBe(9);
        undelivered[0].Message.ShouldContain($"http://127.0.0.1:{port}/…");
        undelivered[0].Message.ShouldContain("ConnectionError");
        logs.AllText.ShouldNotContain(webhook.Token);
    }

    [Fact]
    public void A_webhook_url_that_is_not_http_is_refused_at_start_without_showing_it()
    {
        var builder = new PipelineHostBuilder(PipelineHost.Settings(temp.Path, server.BaseAddress))
            .Set("Lakehouse:Alerts:WebhookUrl", "hooks.example/services/SECRET123").Set("Lakehouse:Alerts:ConsecutiveApiErrors", "0");
        var error = Should.Throw<Lakehouse.Configuration.ConfigurationException>(builder.Build);
        error.Message.ShouldContain("Lakehouse:Alerts:WebhookUrl (in config/lakehouse.json, --config FILE, or the environment variable Lakehouse__Alerts__WebhookUrl) is not an absolute http:// or https:// URL");
        error.Message.ShouldContain("Lakehouse:Alerts:ConsecutiveApiErrors is 0; allowed: 1 to 10000.");
        error.Message.ShouldNotContain("SECRET123");
    }

    private PipelineHost Host(PipelineHostBuilder builder, string? url = null) =>
        builder.Set("Lakehouse:Alerts:WebhookUrl", url ?? webhook.Url.ToString()).Logs(logs).Build();

    private static List<string> Subjects(IReadOnlyList<JsonElement> posts, string kind, string status) =>
        [.. posts.Where(p => p.GetProperty("kind").GetString() == kind && p.GetProperty("status").GetString() == status)
            .Select(p => p.GetProperty("subject").GetString()!).Order(StringComparer.Ordinal)];

    private static List<ScheduledDataset> Plan(params (string Dataset, string Cron)[] entries) =>
        [.. entries.Select(e => new ScheduledDataset(DatasetName.Parse(e.Dataset), e.Cron, Quartz.CronExpression.Parse(e.Cron).WithTimeZone(TimeZoneInfo.Utc)))];

    /// <summary>The system clock, moved on by the test.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan offset;

        public void Advance(TimeSpan by) => offset += by;

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
    }
}
