using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lakehouse.Bronze;
using Lakehouse.Runs;
using Lakehouse.Sources;
using Lakehouse.Sources.SpaceX;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Sources.SpaceX;

/// <summary>
/// Raw is raw: what the SpaceX client fetched lands in bronze as the exact bytes the local server sent, with the
/// manifest facts; and "unchanged" is judged against what is really stored.
/// </summary>
public sealed class SpaceXBronzeTests : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// A page no serialiser writes: spaces around colons, a tab, an escaped space, a raw "é", an exponent, CRLF,
    /// and a trailing blank line.
    /// </summary>
    private const string OddPage = "{ \"docs\" : [ {\"id\" :\"5e9d0d95eda64db8af3bd7a9\" ,\n\t\"name\":\"Falcon\\u0020 1\",  \"mass\": 3.0E+4, \"note\": \"caf\u00e9\"} ] ,"
        + " \"hasNextPage\" : false }\r\n\n";

    private readonly TempDirectory temp = new();
    private ScriptedHttpServer server = null!;

    public async Task InitializeAsync() => server = await ScriptedHttpServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_page_lands_byte_for_byte_with_its_manifest_and_a_stored_copy_that_no_longer_matches_is_landed_again()
    {
        // Given the rockets query answering an oddly spaced page with a trailing newline
        var sent = Encoding.UTF8.GetBytes(OddPage);
        server.Script("/v4/rockets/query", new ScriptedResponse(200, sent, "application/json; charset=utf-8"));
        using var host = new PipelineHostBuilder(temp.Path).Source("SpaceX", server.BaseUrl).Build();
        var source = host.Source<SpaceXSource>();
        var lander = host.Get<BronzeLander>();
        var rockets = source.Datasets.Single(d => d.Name.Name == "rockets");
        var options = new LandingOptions(AdvanceCursor: true, TimeProvider.System.GetUtcNow());

        // When the rockets are landed
        var result = await lander.LandAsync(rockets.Name, Partition.Whole, RunId.New(TimeProvider.System), source.FetchAsync(rockets, Partition.Whole, CancellationToken.None), options, CancellationToken.None);

        // Then bronze holds exactly the bytes sent, and the manifest says what they are
        var key = result.Landed.ShouldHaveSingleItem();
        (await File.ReadAllBytesAsync(temp.Combine("lake", key))).ShouldBe(sent);
        var manifestPath = Directory.GetFiles(temp.Combine("lake", "_meta", "manifests", "spacex", "rockets", "all")).Single();
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(manifestPath));
        var entry = manifest.RootElement;
        entry.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(sent)));
        entry.GetProperty("size").GetInt64().ShouldBe(sent.Length);
        entry.GetProperty("status").GetInt32().ShouldBe(200);
        entry.GetProperty("request").GetString().ShouldBe("POST /v4/rockets/query");
        entry.GetProperty("requestIdentity").GetString().ShouldBe($"POST /v4/rockets/query sha256:{Convert.ToHexStringLower(SHA256.HashData(server.Requests.Single().Body))}");
        entry.GetProperty("contentType").GetString().ShouldBe("application/json; charset=utf-8");
        entry.GetProperty("attempts").GetInt32().ShouldBe(1);
        entry.GetProperty("secretsReplaced").GetBoolean().ShouldBeFalse();

        // And the same answer again is not landed again
        var again = await lander.LandAsync(rockets.Name, Partition.Whole, RunId.New(TimeProvider.System), source.FetchAsync(rockets, Partition.Whole, CancellationToken.None), options, CancellationToken.None);
        again.Unchanged.ShouldBe(1);
        again.Landed.ShouldBeEmpty();

        // But once the stored copy is altered (same size, one byte flipped), the same answer is landed anew
        var stored = await File.ReadAllBytesAsync(temp.Combine("lake", key));
        stored[10] ^= 0x20;
        await File.WriteAllBytesAsync(temp.Combine("lake", key), stored);
        var healed = await lander.LandAsync(rockets.Name, Partition.Whole, RunId.New(TimeProvider.System), source.FetchAsync(rockets, Partition.Whole, CancellationToken.None), options, CancellationToken.None);
        healed.Unchanged.ShouldBe(0);
        (await File.ReadAllBytesAsync(temp.Combine("lake", healed.Landed.ShouldHaveSingleItem()))).ShouldBe(sent);
    }
}
