using System.Globalization;

namespace Lakehouse.Configuration;

/// <summary>
/// Reads a dotenv-style file (<c>KEY=value</c> lines, <c>#</c> comments, optional <c>export</c>, single or double
/// quotes). It lets a user keep secrets such as <c>NASA_API_KEY</c> out of the shell history and out of git.
/// </summary>
internal static class EnvironmentFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lineNumber = 0;
        foreach (var rawLine in File.ReadLines(path))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ConfigurationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{path}, line {lineNumber}: expected KEY=value. Fix or remove the line."));
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[key] = value;
        }

        return values;
    }
}
