namespace Lakehouse.Gold;

/// <summary>
/// The gold build could not run: the gold file could not be read, silver could not be read, a model's SQL failed
/// (<see cref="Model"/> names it), or a table could not be exported. Nothing was published; the previous gold is intact.
/// </summary>
internal sealed class GoldBuildException(string message, string? model = null, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.Model;

    /// <summary>The model whose SQL failed, when one did.</summary>
    public string? Model { get; } = model;

    /// <summary>A lock held by another process, which a later attempt may find released.</summary>
    public override bool IsTransient => InnerException is DuckDB.NET.Data.DuckDBException duck && Lakehouse.DuckDb.DuckDbConnections.IsTransient(duck);
}
