using System.Collections.Frozen;
using System.Text;

namespace Lakehouse.Demo;

/// <summary>
/// What the local SpaceX server serves: for each resource an ordered list of JSON elements kept as raw UTF-8, so
/// recorded fixtures (loaded by the tests) are replayed as recorded. Launches are stored in the v5 shape. Immutable: <see cref="With(string, IEnumerable{ReadOnlyMemory{byte}})"/>
/// returns a changed copy, which a test swaps into a running server between runs.
/// </summary>
internal sealed class SpaceXCatalog
{
    public const string Launches = "launches";
    public const string Rockets = "rockets";
    public const string Launchpads = "launchpads";
    public const string Landpads = "landpads";
    public const string Payloads = "payloads";
    public const string Cores = "cores";
    public const string Crew = "crew";
    public const string Capsules = "capsules";

    private readonly FrozenDictionary<string, Resource> resources;

    private SpaceXCatalog(FrozenDictionary<string, Resource> resources) => this.resources = resources;

    /// <summary>The resources, in the order a full snapshot fetches them.</summary>
    public static IReadOnlyList<string> ResourceNames { get; } = [Launches, Rockets, Launchpads, Landpads, Payloads, Cores, Crew, Capsules];

    public static SpaceXCatalog Empty { get; } = new(ResourceNames.ToFrozenDictionary(name => name, _ => new Resource([])));

    public IReadOnlyList<ReadOnlyMemory<byte>> this[string resource] => Get(resource).Elements;

    public static bool IsResource(string name) => ResourceNames.Contains(name, StringComparer.Ordinal);

    /// <summary>A copy with <paramref name="resource"/> replaced; each element must be one well-formed JSON value.</summary>
    public SpaceXCatalog With(string resource, IEnumerable<ReadOnlyMemory<byte>> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        Get(resource);
        var list = elements.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (!RawJson.IsSingleValue(list[i].Span))
            {
                throw new ArgumentException($"Element {i} of {resource} is not one well-formed JSON value.", nameof(elements));
            }
        }

        var copy = resources.ToDictionary();
        copy[resource] = new Resource(list);
        return new SpaceXCatalog(copy.ToFrozenDictionary());
    }

    /// <inheritdoc cref="With(string, IEnumerable{ReadOnlyMemory{byte}})"/>
    public SpaceXCatalog With(string resource, IEnumerable<string> elements) =>
        With(resource, elements.Select(text => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(text)));

    /// <summary>The first element whose <c>id</c> is <paramref name="id"/>.</summary>
    public bool TryFind(string resource, string id, out ReadOnlyMemory<byte> element)
    {
        var found = Get(resource);
        if (found.ById.Value.TryGetValue(id, out var index))
        {
            element = found.Elements[index];
            return true;
        }

        element = default;
        return false;
    }

    private Resource Get(string resource) =>
        resources.TryGetValue(resource, out var found)
            ? found
            : throw new ArgumentException($"Unknown SpaceX resource '{resource}'; known: {string.Join(", ", ResourceNames)}.", nameof(resource));

    private sealed class Resource(IReadOnlyList<ReadOnlyMemory<byte>> elements)
    {
        public IReadOnlyList<ReadOnlyMemory<byte>> Elements { get; } = elements;

        // Built on first lookup only: a catalog that is only paged through never pays for it.
        public Lazy<Dictionary<string, int>> ById { get; } = new(() =>
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < elements.Count; i++)
            {
                if (RawJson.GetString(elements[i].Span, "id") is { } id)
                {
                    ids.TryAdd(id, i);
                }
            }

            return ids;
        });
    }
}
