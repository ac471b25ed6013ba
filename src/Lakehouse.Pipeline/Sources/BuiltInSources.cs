using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.Rawg;
using Lakehouse.Sources.SpaceX;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Sources;

/// <summary>
/// The sources that ship with lakehouse, named in this one place: the composition root registers them unless told
/// otherwise, and each is one folder (<c>Sources/SpaceX</c>, <c>Sources/Nasa</c>, <c>Sources/Rawg</c>) holding its
/// client, plan, options, registration, silver SQL and gold models.
/// </summary>
internal static class BuiltInSources
{
    private static readonly Lazy<SourceCatalog> LazyCatalog = new(() => new SourceCatalog(Sql));

    /// <summary>The built-in sources' SQL, in the order they are registered.</summary>
    public static IReadOnlyList<SourceSql> Sql => [SpaceXSource.Sql, NasaSource.Sql, RawgSource.Sql];

    /// <summary>The built-in sources' names (<c>spacex</c>, <c>nasa</c>, <c>rawg</c>), for help texts.</summary>
    public static IReadOnlyList<string> Names => [.. Sql.Select(s => s.Source)];

    /// <summary>The catalog the built-in sources make on their own (what <c>lakehouse</c> runs with), read once.</summary>
    public static SourceCatalog Catalog => LazyCatalog.Value;

    /// <summary>Registers SpaceX, NASA and RAWG, each with its settings from <paramref name="configuration"/>.</summary>
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSpaceX(configuration);
        services.AddNasa(configuration);
        services.AddRawg(configuration);
    }
}
