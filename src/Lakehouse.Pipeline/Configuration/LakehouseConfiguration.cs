using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Lakehouse.Configuration;

/// <summary>
/// The layered configuration, lowest first: the committed defaults (<c>config/lakehouse.json</c>), the environment
/// file (<c>.env</c>), environment variables (<c>Lakehouse__Storage__Kind</c>), and last <c>--config FILE</c>.
/// Secrets are read from the environment (and the environment file) only.
/// </summary>
internal sealed class LakehouseConfiguration
{
    /// <summary>Names that mark a secret. A JSON file that holds one is refused: it would end up in git.</summary>
    private static readonly string[] SecretLikeNames =
    [
        "ApiKey", "AccessKey", "AccessKeyId", "SecretKey", "SecretAccessKey", "Password", "Secret", "Token",
        "_API_KEY", LakehouseSecrets.S3AccessKeyVariable, LakehouseSecrets.S3SecretKeyVariable,
    ];

    /// <summary>The layers a user writes (files, <c>Lakehouse__</c> variables), by index in <see cref="Root"/>'s providers.</summary>
    private readonly List<(int Provider, string Layer, bool IsEnvironment)> userLayers;

    private LakehouseConfiguration(IConfigurationRoot root, LakehouseSecrets secrets, List<(int Provider, string Layer, bool IsEnvironment)> userLayers)
    {
        Root = root;
        Secrets = secrets;
        this.userLayers = userLayers;
    }

    public IConfigurationRoot Root { get; }

    public LakehouseSecrets Secrets { get; }

    /// <summary>Builds the configuration of this process: its current directory, its environment.</summary>
    /// <param name="configFile">The <c>--config</c> file, if given.</param>
    /// <param name="overrides">Settings a command imposes over every layer (<c>demo</c> points the sources at its own server).</param>
    public static LakehouseConfiguration ForProcess(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }

        return Build(Directory.GetCurrentDirectory(), AppContext.BaseDirectory, environment, configFile, overrides);
    }

    /// <param name="workingDirectory">Where <c>config/lakehouse.json</c> and <c>.env</c> are looked for first.</param>
    /// <param name="applicationDirectory">Where the defaults shipped beside the binary are, when the working directory has none.</param>
    /// <param name="environment">Environment variables.</param>
    /// <param name="configFile">The <c>--config</c> file, if given; it must exist.</param>
    /// <param name="overrides">Settings over every layer, or null.</param>
    public static LakehouseConfiguration Build(
        string workingDirectory,
        string applicationDirectory,
        IReadOnlyDictionary<string, string> environment,
        string? configFile,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        var layers = new List<(int Provider, string Layer, bool IsEnvironment)>();

        var defaults = Path.Combine(workingDirectory, "config", "lakehouse.json");
        if (!File.Exists(defaults))
        {
            defaults = Path.Combine(applicationDirectory, "config", "lakehouse.json");
        }

        if (File.Exists(defaults))
        {
            layers.Add((builder.Sources.Count, Path.GetRelativePath(workingDirectory, defaults), false));
            builder.AddJsonFile(defaults, optional: false, reloadOnChange: false);
        }

        // The environment file sits below the real environment, so an exported variable always wins.
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var environmentFile = Path.Combine(workingDirectory, ".env");
        if (File.Exists(environmentFile))
        {
            foreach (var (key, value) in EnvironmentFile.Read(environmentFile))
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in environment)
        {
            merged[key] = value;
        }

        layers.Add((builder.Sources.Count, File.Exists(environmentFile) ? "the environment (or .env)" : "the environment", true));
        builder.AddInMemoryCollection(
            merged.Where(e => e.Key.Contains("__", StringComparison.Ordinal))
                  .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));

        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile, workingDirectory);
            if (!File.Exists(fullPath))
            {
                throw new ConfigurationException($"--config {configFile}: no such file. Give the path of a JSON file shaped like config/lakehouse.json.");
            }

            layers.Add((builder.Sources.Count, $"--config {configFile}", false));
            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            // The JSON reader's own words (with the line and position) are on the inner exception.
            var detail = ex.InnerException is { } inner ? $" {inner.Message}" : "";
            throw new ConfigurationException($"{ex.Message}{detail} Fix the JSON (a trailing comma or a missing quote is the usual cause).", ex);
        }

        RefuseSecretsInFiles(root);
        return new LakehouseConfiguration(root, LakehouseSecrets.FromEnvironment(merged), layers);
    }

    /// <summary>
    /// Every key of a file or a <c>Lakehouse__</c> environment variable that <paramref name="schema"/> does not know,
    /// and every top-level key of a file that is not <c>Lakehouse</c>; empty when all are known. Settings a command
    /// imposes (<c>demo</c>'s) are its own and not checked.
    /// </summary>
    public IReadOnlyList<string> UnknownKeys(ConfigurationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var providers = Root.Providers.ToList();
        var problems = new List<string>();
        foreach (var (index, layer, isEnvironment) in userLayers)
        {
            problems.AddRange(isEnvironment
                ? schema.Check(AllKeys(providers[index], null), layer, key => ConfigurationKey.EnvironmentVariable(key), rootRequired: false)
                : schema.Check(AllKeys(providers[index], null), layer, key => key, rootRequired: true));
        }

        return problems;
    }

    private static void RefuseSecretsInFiles(IConfigurationRoot root)
    {
        foreach (var provider in root.Providers.OfType<JsonConfigurationProvider>())
        {
            foreach (var key in AllKeys(provider, parentPath: null))
            {
                var name = key[(key.LastIndexOf(':') + 1)..];
                if (SecretLikeNames.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                    && provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
                {
                    throw new ConfigurationException(
                        $"{provider.Source.Path} holds a secret at '{key}'. Secrets come only from the environment " +
                        $"(a source's API key variable, " +
                        $"{LakehouseSecrets.S3AccessKeyVariable}, {LakehouseSecrets.S3SecretKeyVariable}) or a git-ignored .env file: remove it from the file.");
                }
            }
        }
    }

    private static IEnumerable<string> AllKeys(IConfigurationProvider provider, string? parentPath)
    {
        foreach (var child in provider.GetChildKeys([], parentPath).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parentPath is null ? child : $"{parentPath}:{child}";
            yield return path;
            foreach (var grandChild in AllKeys(provider, path))
            {
                yield return grandChild;
            }
        }
    }
}
