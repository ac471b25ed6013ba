namespace Lakehouse.Gold;

/// <summary>What a gold build holds: rows per gold table, and how long the build took.</summary>
internal sealed record GoldBuildResult(IReadOnlyDictionary<string, long> RowsPerTable, TimeSpan Elapsed)
{
    /// <summary>How each model was brought up to date: rebuilt, merged from the new silver files, or kept.</summary>
    public IReadOnlyDictionary<string, GoldModelMode> Modes { get; init; } = new Dictionary<string, GoldModelMode>();

    /// <summary>The build's id, under which the lake keeps it (<c>gold/builds/{BuildId}/</c>).</summary>
    public string? BuildId { get; init; }

    /// <summary>Something the user should know although the build succeeded (the lake's gold was healed), or null.</summary>
    public string? Warning { get; init; }
}

/// <summary>How a build brings one model up to date.</summary>
internal enum GoldModelMode
{
    /// <summary>Nothing it reads changed: the table is kept as it is.</summary>
    Kept,

    /// <summary>The table is built again from all of silver.</summary>
    Rebuilt,

    /// <summary>The model ran over the new silver files only and its rows were merged (see <see cref="IncrementalSpec"/>).</summary>
    Merged,
}
