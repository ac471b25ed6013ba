using System.Data.Common;
using System.Globalization;

namespace Lakehouse.DuckDb;

/// <summary>
/// A connection string read once, at <see cref="DuckDbConnection.Open"/>: <c>Data Source</c>, <c>Access Mode</c>,
/// and any other key handed to DuckDB as a configuration option (<c>threads</c>, <c>memory_limit</c>, ...).
/// </summary>
internal sealed class DuckDbConnectionOptions
{
    public const string Memory = ":memory:";

    private static readonly string[] DataSourceKeys = ["data source", "datasource"];
    private static readonly string[] AccessModeKeys = ["access mode", "access_mode", "accessmode"];

    // Whatever the caller says: extension autoloading would reach for the network and create ~/.duckdb.
    private static readonly KeyValuePair<string, string>[] ForcedSettings =
    [
        new("autoinstall_known_extensions", "false"),
        new("autoload_known_extensions", "false"),
    ];

    private readonly List<KeyValuePair<string, string>> settings;

    private DuckDbConnectionOptions(string dataSource, bool readOnly, List<KeyValuePair<string, string>> settings)
    {
        DataSource = dataSource;
        ReadOnly = readOnly;
        this.settings = settings;
    }

    /// <summary>An absolute file path, <c>:memory:</c>, or a named in-memory database (<c>:memory:name</c>).</summary>
    public string DataSource { get; }

    public bool ReadOnly { get; }

    /// <summary>An unnamed in-memory database, which no other connection can reach.</summary>
    public bool IsPrivateMemory => DataSource == Memory;

    public static DuckDbConnectionOptions Parse(string? connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString ?? string.Empty };
        var dataSource = Memory;
        var readOnly = false;
        var settings = new List<KeyValuePair<string, string>>();
        foreach (string key in builder.Keys)
        {
            var value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? string.Empty;
            var name = key.Trim().ToLowerInvariant();
            if (DataSourceKeys.Contains(name))
            {
                dataSource = NormaliseDataSource(value);
            }
            else if (AccessModeKeys.Contains(name))
            {
                readOnly = ParseAccessMode(value);
            }
            else
            {
                settings.Add(new(name, value));
            }
        }

        return new DuckDbConnectionOptions(dataSource, readOnly, settings);
    }

    /// <summary>The settings handed to <c>duckdb_set_config</c>, in order; the forced ones come last so they win.</summary>
    public IEnumerable<(string Name, string Value)> DuckDbSettings()
    {
        foreach (var (name, value) in settings)
        {
            yield return (name, value);
        }

        yield return ("access_mode", ReadOnly ? "read_only" : "read_write");
        foreach (var (name, value) in ForcedSettings)
        {
            yield return (name, value);
        }
    }

    private static string NormaliseDataSource(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0 || string.Equals(trimmed, Memory, StringComparison.OrdinalIgnoreCase))
        {
            return Memory;
        }

        // Relative paths are resolved here so that two spellings of one file share one instance.
        return trimmed.StartsWith(Memory, StringComparison.OrdinalIgnoreCase) ? trimmed : Path.GetFullPath(trimmed);
    }

    private static bool ParseAccessMode(string value) =>
        value.Trim().Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "READONLY" => true,
            "READWRITE" or "" => false,
            _ => throw new ArgumentException(
                $"Access Mode must be read_only or read_write, not '{value}'.", nameof(value)),
        };
}
