using Lakehouse.Configuration;
using Lakehouse.Lake;
using Lakehouse.Sources;

namespace Lakehouse.Runs;

/// <summary>
/// Which sources and datasets a command asked for, checked once for every command that names them (<c>run</c>,
/// <c>backfill</c>): an unknown name is a usage error naming the nearest known one.
/// </summary>
internal static class SourceSelection
{
    /// <summary>
    /// The chosen datasets of each chosen source, in registration order. No source named means every source; no dataset
    /// named means every dataset of the chosen sources. A named dataset must belong to a chosen source.
    /// </summary>
    /// <exception cref="UnknownDatasetException">A source or dataset that is not registered (or not of the chosen sources).</exception>
    public static List<(ISource Source, IReadOnlyList<SourceDataset> Datasets)> Resolve(
        IReadOnlyList<ISource> sources, IReadOnlySet<string> sourceNames, IReadOnlySet<DatasetName> datasetNames)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sourceNames);
        ArgumentNullException.ThrowIfNull(datasetNames);
        var known = sources.Select(s => s.Name).ToList();
        if (sourceNames.FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal)) is { } unknownSource)
        {
            throw new UnknownDatasetException($"Unknown source '{unknownSource}'{Suggest(unknownSource, known)}. Known sources: {string.Join(", ", known)}.");
        }

        var chosen = sources.Where(s => sourceNames.Count == 0 || sourceNames.Contains(s.Name)).ToList();
        var candidates = chosen.SelectMany(s => s.Datasets).Select(d => d.Name).ToList();
        if (datasetNames.FirstOrDefault(d => !candidates.Contains(d)) is { } unknownDataset)
        {
            var of = sourceNames.Count == 0 ? "Known datasets" : $"Datasets of {string.Join(", ", chosen.Select(s => s.Name))}";
            var names = candidates.Select(c => c.ToString()).ToList();
            throw new UnknownDatasetException(
                $"Unknown dataset '{unknownDataset}'{Suggest(unknownDataset.ToString(), names)}. {of}: {string.Join(", ", names)}.");
        }

        return [.. chosen
            .Select(s => (s, (IReadOnlyList<SourceDataset>)[.. s.Datasets.Where(d => datasetNames.Count == 0 || datasetNames.Contains(d.Name))]))
            .Where(s => s.Item2.Count > 0)];
    }

    private static string Suggest(string name, IReadOnlyList<string> known) =>
        ConfigurationSchema.Nearest(name, known) is { } nearest ? $" (did you mean '{nearest}'?)" : "";
}
