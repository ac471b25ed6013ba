using System.Runtime.CompilerServices;
using System.Text.Json;
using Lakehouse.Bronze;
using Lakehouse.Lake;
using Lakehouse.Silver.Declarations;
using Lakehouse.Sources;
using Lakehouse.Sources.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Lakehouse.Tests.Sources.Comets;

/// <summary>
/// A fourth source written in the test project alone, as the README's "Add a source" walks through it: this folder
/// holds its Refit interface, its plan, its registration, its silver declaration (<see cref="Silver"/>) and one gold model
/// (<c>Gold/</c>). The API is small and made up: <c>GET /sightings?page=N</c> answers
/// <c>{"results": [{"id", "comet", "seen_on", "magnitude"}], "next": N+1 or null}</c>.
/// </summary>
internal sealed class CometsSource(ICometsApi api) : ISource
{
    public const string SourceName = "comets";

    /// <summary>
    /// The silver tables, declared once: from this the transform's script, its checks and quarantine reasons, its drift
    /// report and the Parquet contract are written.
    /// </summary>
    public static IReadOnlyList<SilverDataset> Silver { get; } =
    [
        new("sightings", new SilverTable(
            "comets_sightings",
            [
                new("sighting_id", SilverType.Integer, "id") { Required = true },
                new("comet", SilverType.String) { Required = true },
                new("seen_on", SilverType.Date) { Required = true },
                new("magnitude", SilverType.Double),
            ],
            "sighting_id"))
        {
            Comment = "Comet sightings (GET /sightings, a results envelope): one row per sighting, the last landing of each id wins",
            Elements = "results",
        },
    ];

    /// <summary>The silver declared above, and the gold model beside this class (<c>Gold/fact_comet_sighting.sql</c>).</summary>
    public static SourceSql Sql { get; } = SourceSql.Beside<CometsSource>(SourceName).WithSilver(Silver);

    /// <summary>Guards against a server whose <c>next</c> never ends.</summary>
    private const int MaxPages = 100;

    public string Name => SourceName;

    public TimeSpan FullRefreshInterval => TimeSpan.Zero;

    public string? Unavailable => null;

    public IReadOnlyList<SourceDataset> Datasets { get; } = [new(new DatasetName(SourceName, "sightings"), "fact_comet_sighting")];

    public Task<SourceProbe> ProbeAsync(SourceState state, CancellationToken ct) => Task.FromResult(SourceProbe.NotSupported);

    public IReadOnlyList<Partition> PlanIncremental(SourceDataset dataset, string? cursor, DateOnly today, bool fullRefresh) => [Partition.Whole];

    public async IAsyncEnumerable<SourceExchange> FetchAsync(SourceDataset dataset, Partition partition, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var response = await api.SightingsAsync(page, ct).ReceiveAsync();
            yield return new SourceExchange(response);
            if (!HasNext(response.Body))
            {
                yield break;
            }
        }
    }

    private static bool HasNext(byte[] body)
    {
        try
        {
            using var page = JsonDocument.Parse(body);
            return page.RootElement.ValueKind == JsonValueKind.Object
                && page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.Number;
        }
        catch (JsonException)
        {
            return false; // landed as it came; the transform quarantines it
        }
    }
}

/// <summary>The comets API's one route, answered as raw bytes for bronze.</summary>
internal interface ICometsApi
{
    [Get("/sightings")]
    Task<HttpResponseMessage> SightingsAsync(int page, CancellationToken cancellationToken);
}

internal static class CometsServiceCollectionExtensions
{
    /// <summary>The comets source's single registration call: its polite Refit client under <c>Lakehouse:Sources:Comets</c>, its SQL and itself.</summary>
    public static IServiceCollection AddComets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSourceApi<ICometsApi>(CometsSource.SourceName, configuration.GetSection("Lakehouse:Sources:Comets"));
        return services.AddSource(CometsSource.Sql, sp => new CometsSource(sp.GetRequiredService<ICometsApi>()));
    }
}
