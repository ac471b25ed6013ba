namespace Lakehouse.Gold;

/// <summary>
/// One gold table: the SELECT in its model file (import CTEs, logic, <c>select * from final</c>), the data tests
/// declared beside it, and the other models its SQL reads.
/// </summary>
/// <param name="Name">The table's name: the file's name without <c>.sql</c>.</param>
/// <param name="Folder">Whose model it is: the source's name (<c>spacex</c>), or <c>common</c> for the core's; for messages.</param>
/// <param name="Sql">The model's SELECT, without a trailing semicolon.</param>
/// <param name="Tests">The data tests declared in the file.</param>
/// <param name="DependsOn">The models the SQL reads, which are built before it.</param>
internal sealed record GoldModel(string Name, string Folder, string Sql, IReadOnlyList<DataTest> Tests, IReadOnlyList<string> DependsOn)
{
    /// <summary>How the model is merged when silver only gained files; null when it is always rebuilt.</summary>
    public IncrementalSpec? Incremental { get; init; }

    /// <summary>The silver tables the SQL reads (<c>silver.rawg_games</c> → <c>rawg_games</c>).</summary>
    public IReadOnlyList<string> SilverTables { get; init; } = [];

    /// <summary>Whether the SQL reads the build's own inputs (<c>input.runs</c>), which change on every build.</summary>
    public bool ReadsBuildInputs { get; init; }
}
