using Lakehouse.Sources.Http;
using Lakehouse.Sources.Rawg;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>The request quota, counted in a temp-folder lake and shared by separate clients (as by two processes).</summary>
public sealed class RequestQuotaTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
    private readonly TempDirectory temp = new();
    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync()
    {
        server = await ScriptedHttpServer.StartAsync();
        server.Script("/genres", ScriptedResponse.Json("""{"results":[]}"""));
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Two_clients_on_one_lake_share_the_count_and_none_sends_once_it_is_spent()
    {
        // Given two separately built clients (as two processes) on one lake, with a quota of 3 a month
        using var first = Client(quota: 3, QuotaPeriod.Month);
        using var second = Client(quota: 3, QuotaPeriod.Month);

        // When the first sends two requests and the second one, then the second tries a fourth
        await first.PingAsync();
        await first.PingAsync();
        await second.PingAsync();
        var error = await Should.ThrowAsync<QuotaExhaustedException>(() => second.PingAsync());

        // Then the fourth never reached the server, the message says when it resets and that the command continues,
        // and the lake says 3 used of 3, resetting on the first of next month
        server.Requests.Count.ShouldBe(3);
        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("2026-12-01 00:00 UTC");
        error.Message.ShouldContain("continues where it stopped");
        var status = await first.Quota.ReadAsync("rawg", Now, CancellationToken.None);
        status.ShouldBe(new QuotaStatus(3, 3, QuotaPeriod.Month, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        status.Remaining.ShouldBe(0);
        File.Exists(temp.Combine("lake", "_meta", "quota", "rawg", "2026-11.json")).ShouldBeTrue();
    }

    [Fact]
    public async Task Every_attempt_counts_retries_included()
    {
        // Given a server that fails once with a 503, then answers
        server.Script("/stores", ScriptedResponse.Text(503, "busy"), ScriptedResponse.Json("{}"));
        using var client = Client(quota: 10, QuotaPeriod.Day);

        // When one request goes through after a retry
        await client.Api.StoresAsync(1, 40, "key", CancellationToken.None).ReceiveAsync();

        // Then both attempts are counted, in the day's record
        var status = await client.Quota.ReadAsync("rawg", Now, CancellationToken.None);
        status.Used.ShouldBe(2);
        status.ResetsAt.ShouldBe(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        File.Exists(temp.Combine("lake", "_meta", "quota", "rawg", "2026-11-22.json")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_source_without_a_quota_is_not_counted()
    {
        // Given SpaceX, which has no quota (RAWG always has one: the free plan's, unless configured)
        server.Script("/v5/launches/latest", ScriptedResponse.Json("{}"));
        using var host = new PipelineHostBuilder(temp.Path).Source("SpaceX", server.BaseUrl).Time(new FixedTimeProvider(Now)).Build();

        // When a request is sent
        await host.Get<ISpaceXApi>().LatestLaunchAsync(CancellationToken.None).ReceiveAsync();

        // Then nothing was written to the lake and the status has no limit
        Directory.Exists(temp.Combine("lake", "_meta", "quota")).ShouldBeFalse();
        var status = await host.Get<RequestQuota>().ReadAsync("spacex", Now, CancellationToken.None);
        status.Limit.ShouldBeNull();
        status.Remaining.ShouldBeNull();
    }

    private QuotaClient Client(int quota, QuotaPeriod period) => new(new PipelineHostBuilder(temp.Path)
        .Source("Rawg", server.BaseUrl)
        .Set("Lakehouse:Sources:Rawg:QuotaRequests", quota.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Set("Lakehouse:Sources:Rawg:QuotaPeriod", period.ToString())
        .Time(new FixedTimeProvider(Now))
        .Build());

    private sealed class QuotaClient(PipelineHost host) : IDisposable
    {
        public IRawgApi Api { get; } = host.Get<IRawgApi>();

        public RequestQuota Quota { get; } = host.Get<RequestQuota>();

        public Task<SourceResponse> PingAsync() => Api.GenresAsync(1, 40, "key", CancellationToken.None).ReceiveAsync();

        public void Dispose() => host.Dispose();
    }
}
