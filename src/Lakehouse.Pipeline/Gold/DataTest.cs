namespace Lakehouse.Gold;

/// <summary>
/// A check on a gold table, declared in its model file. Each test is a query for the rows that break it: no row
/// means it passes. Like dbt's generic tests, <c>relationships</c> and <c>accepted_values</c> let NULL through;
/// pair them with <c>not_null</c> where a value is required.
/// </summary>
internal abstract record DataTest(string Model, string Declaration)
{
    /// <summary>A SELECT returning the rows that break the test.</summary>
    public abstract string FailingRowsSql();

    /// <summary>
    /// A SELECT returning the rows that break the test and involve one of <paramref name="changedRows"/> (a
    /// subquery over the model's table): after an incremental merge into a table whose other rows passed, only
    /// those can. For relationships this holds while the target keeps its keys, which the caller decides.
    /// </summary>
    public abstract string FailingRowsSql(string changedRows);

    /// <summary>The models the test reads besides its own, which must exist in the catalog.</summary>
    public virtual IEnumerable<string> ReferencedModels => [];
}

/// <summary>No two rows share the values of <see cref="Columns"/> (the table's grain).</summary>
internal sealed record UniqueTest(string Model, string Declaration, IReadOnlyList<string> Columns) : DataTest(Model, Declaration)
{
    public override string FailingRowsSql()
    {
        var columns = string.Join(", ", Columns.Select(SqlText.Identifier));
        return $"SELECT {columns}, count(*) AS occurrences FROM {SqlText.Identifier(Model)} " +
               $"GROUP BY ALL HAVING count(*) > 1 ORDER BY {columns}";
    }

    /// <summary>
    /// Rows whose key is in <paramref name="changedRows"/> all are, so a grain that includes the key is checked on
    /// them alone; any other grain by the groups of the values they hold.
    /// </summary>
    public string FailingRowsSql(string changedRows, string uniqueKey) =>
        Columns.Contains(uniqueKey)
            ? $"SELECT {string.Join(", ", Columns.Select(SqlText.Identifier))}, count(*) AS occurrences FROM {changedRows} AS t GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL"
            : FailingRowsSql(changedRows);

    // A duplicate made by the merge has a changed row among its rows: only the groups of changed values are counted.
    public override string FailingRowsSql(string changedRows)
    {
        var columns = string.Join(", ", Columns.Select(c => "t." + SqlText.Identifier(c)));
        var join = string.Join(" AND ", Columns.Select(c => $"t.{SqlText.Identifier(c)} IS NOT DISTINCT FROM c.{SqlText.Identifier(c)}"));
        return $"SELECT {columns}, count(*) AS occurrences FROM {SqlText.Identifier(Model)} AS t " +
               $"SEMI JOIN (SELECT DISTINCT {string.Join(", ", Columns.Select(SqlText.Identifier))} FROM {changedRows}) AS c ON {join} " +
               $"GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL";
    }
}

/// <summary>None of <see cref="Columns"/> is NULL in any row.</summary>
internal sealed record NotNullTest(string Model, string Declaration, IReadOnlyList<string> Columns) : DataTest(Model, Declaration)
{
    public override string FailingRowsSql() => FailingRowsSql(SqlText.Identifier(Model));

    public override string FailingRowsSql(string changedRows) =>
        $"SELECT * FROM {changedRows} AS t WHERE " +
        string.Join(" OR ", Columns.Select(c => $"{SqlText.Identifier(c)} IS NULL"));
}

/// <summary>Every non-null <see cref="Column"/> value exists as <see cref="TargetColumn"/> in <see cref="TargetModel"/>.</summary>
internal sealed record RelationshipsTest(string Model, string Declaration, string Column, string TargetModel, string TargetColumn)
    : DataTest(Model, Declaration)
{
    public override IEnumerable<string> ReferencedModels => [TargetModel];

    public override string FailingRowsSql() => FailingRowsSql(SqlText.Identifier(Model));

    public override string FailingRowsSql(string changedRows)
    {
        // An anti join says what NOT EXISTS says, but DuckDB runs it as one hash join, where the correlated subquery
        // costs several times more on a big bridge.
        var column = SqlText.Identifier(Column);
        return $"SELECT child.{column}, count(*) AS occurrences FROM {changedRows} AS child " +
               $"ANTI JOIN {SqlText.Identifier(TargetModel)} AS parent ON parent.{SqlText.Identifier(TargetColumn)} = child.{column} " +
               $"WHERE child.{column} IS NOT NULL GROUP BY ALL ORDER BY ALL";
    }
}

/// <summary>Every non-null <see cref="Column"/> value is one of <see cref="Values"/> (SQL literals).</summary>
internal sealed record AcceptedValuesTest(string Model, string Declaration, string Column, IReadOnlyList<string> Values)
    : DataTest(Model, Declaration)
{
    public override string FailingRowsSql() => FailingRowsSql(SqlText.Identifier(Model));

    public override string FailingRowsSql(string changedRows)
    {
        var column = SqlText.Identifier(Column);
        return $"SELECT {column}, count(*) AS occurrences FROM {changedRows} AS t " +
               $"WHERE {column} IS NOT NULL AND {column} NOT IN ({string.Join(", ", Values)}) GROUP BY ALL ORDER BY ALL";
    }
}
