using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Configuration;

/// <summary>An options class bound from a configuration section: what makes a key under that section known.</summary>
/// <param name="Path">The section, e.g. <c>Lakehouse:Storage</c>.</param>
/// <param name="Options">The class its keys bind to (its settable properties, nested classes included).</param>
internal sealed record BoundSection(string Path, Type Options);

/// <summary>
/// The keys Lakehouse reads, learnt from the options classes bound to sections (<see cref="BoundSection"/>), so that
/// a key nobody reads (a typo, a file without the <c>Lakehouse</c> root) is an error naming the nearest known key
/// rather than a silent run with the defaults.
/// </summary>
internal sealed class ConfigurationSchema
{
    /// <summary>The root every setting lives under.</summary>
    public const string Root = "Lakehouse";

    /// <summary>Known paths, in their declared spelling, keyed case-insensitively (configuration keys ignore case).</summary>
    private readonly Dictionary<string, string> known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Paths whose children are free (a dictionary such as <c>Scheduling:Jobs</c>, a list).</summary>
    private readonly HashSet<string> open = new(StringComparer.OrdinalIgnoreCase);

    public ConfigurationSchema(IEnumerable<BoundSection> sections)
    {
        foreach (var section in sections)
        {
            AddPrefixes(section.Path);
            AddType(section.Path, section.Options, depth: 0);
        }
    }

    /// <summary>Every known key and section, for suggestions.</summary>
    public IEnumerable<string> Keys => known.Values;

    /// <summary>
    /// The problems with the keys of one layer, each naming the key as the user wrote it, the layer, and the nearest
    /// known key. Keys under an unknown key are not reported again.
    /// </summary>
    /// <param name="keys">The layer's keys (every path, parents included), with <c>:</c> separators.</param>
    /// <param name="layer">Where they come from, e.g. <c>config/lakehouse.json</c> or <c>the environment</c>.</param>
    /// <param name="display">How the layer spells a key (the environment uses <c>__</c>).</param>
    /// <param name="rootRequired">True for files: every top-level key must be <c>Lakehouse</c>.</param>
    public IReadOnlyList<string> Check(IEnumerable<string> keys, string layer, Func<string, string> display, bool rootRequired)
    {
        var problems = new List<string>();
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var all = keys.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var key in all)
        {
            var first = key.Split(':')[0];
            if (!first.Equals(Root, StringComparison.OrdinalIgnoreCase))
            {
                // The environment holds everybody's variables; only files belong to Lakehouse alone.
                if (rootRequired && !first.StartsWith('$') && key.Equals(first, StringComparison.Ordinal))
                {
                    problems.Add(MissingRoot(layer, first));
                }

                continue;
            }

            if (UnknownPrefix(key) is not { } unknown)
            {
                continue;
            }

            // A file is reported at its first unknown section (once, not for every key below it); an environment
            // variable by its whole name, which is what the user can grep for.
            var shown = rootRequired ? unknown : key;
            if ((!rootRequired && all.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))) || !reported.Add(shown))
            {
                continue;
            }

            var nearest = Nearest(unknown) is { } near ? near + shown[unknown.Length..] : null;
            problems.Add($"Unknown setting '{display(shown)}' in {layer}" +
                         (nearest is null ? "." : $"; did you mean '{display(nearest)}'?") +
                         " Fix or remove it.");
        }

        return problems;
    }

    /// <summary>The shortest prefix of <paramref name="key"/> that is not known, or null when the key is.</summary>
    private string? UnknownPrefix(string key)
    {
        var parts = key.Split(':');
        for (var i = 1; i <= parts.Length; i++)
        {
            var prefix = string.Join(':', parts[..i]);
            if (!IsKnown(prefix))
            {
                return prefix;
            }
        }

        return null;
    }

    /// <summary>The known key closest to <paramref name="key"/> by edit distance (ignoring case).</summary>
    public string? Nearest(string key) => Nearest(key, known.Values);

    /// <summary>The candidate closest to <paramref name="value"/> by edit distance (ignoring case), or null when there is none.</summary>
    public static string? Nearest(string value, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: Quickenshtein.Levenshtein.GetDistance(value.ToUpperInvariant(), c.ToUpperInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .FirstOrDefault();

    private string MissingRoot(string layer, string first)
    {
        var nested = $"{Root}:{first}";
        var hint = known.TryGetValue(nested, out var spelled)
            ? $" '{first}' is a section of '{Root}': nest it as {{ \"{Root}\": {{ \"{spelled.Split(':')[1]}\": ... }} }}."
            : $" Put the settings under a top-level \"{Root}\" object, e.g. {{ \"{Root}\": {{ \"Storage\": {{ \"Root\": \"lake\" }} }} }}.";
        return $"{layer}: the top-level key '{first}' is not '{Root}', so nothing in it would be read.{hint}";
    }

    private bool IsKnown(string key)
    {
        if (known.ContainsKey(key))
        {
            return true;
        }

        for (var colon = key.LastIndexOf(':'); colon > 0; colon = key.LastIndexOf(':', colon - 1))
        {
            if (open.Contains(key[..colon]))
            {
                return true;
            }
        }

        return false;
    }

    private void AddPrefixes(string path)
    {
        var parts = path.Split(':');
        for (var i = 1; i <= parts.Length; i++)
        {
            var prefix = string.Join(':', parts[..i]);
            known.TryAdd(prefix, prefix);
        }
    }

    private void AddType(string path, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = $"{path}:{property.Name}";
            known.TryAdd(key, key);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(propertyType))
            {
                continue;
            }

            if (typeof(IEnumerable).IsAssignableFrom(propertyType) || depth > 4)
            {
                open.Add(key);
            }
            else
            {
                AddType(key, propertyType, depth + 1);
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(DateOnly) || type == typeof(TimeOnly);
}

/// <summary>Binding options one way: every options class is bound, known to the schema, and validated at start.</summary>
internal static class LakehouseOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, makes its keys known to the strict check
    /// (<see cref="ConfigurationSchema"/>) and validates it when the command starts.
    /// </summary>
    public static OptionsBuilder<TOptions> AddLakehouseOptions<TOptions>(this IServiceCollection services, IConfigurationSection section, string? name = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddBoundSection<TOptions>(section.Path);
        return services.AddOptions<TOptions>(name ?? Options.DefaultName).Bind(section).ValidateOnStart();
    }

    /// <summary>Makes the keys of <typeparamref name="TOptions"/> under <paramref name="path"/> known, for options bound elsewhere.</summary>
    public static IServiceCollection AddBoundSection<TOptions>(this IServiceCollection services, string path) =>
        services.AddSingleton(new BoundSection(path, typeof(TOptions)));
}
