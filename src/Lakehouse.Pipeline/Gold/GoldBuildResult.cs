namespace Lakehouse.Gold;

/// <summary>What a published gold build holds: rows per gold table, and how long the build took.</summary>
internal sealed record GoldBuildResult(IReadOnlyDictionary<string, long> RowsPerTable, TimeSpan Elapsed);
