namespace Lakehouse.Silver;

/// <summary>
/// A file a transform wrote does not keep its table's contract, so the dataset's silver is not published: no commit
/// marker is written, nothing of it appears under <c>silver/</c>, its bronze stays pending, and the next run tries
/// again. Its message is the one line the run summary shows.
/// </summary>
internal sealed class SilverContractException : LakehouseException
{
    public SilverContractException(string dataset, string table, string fileKey, IReadOnlyList<string> mismatches)
        : base(Describe(dataset, table, mismatches))
    {
        Dataset = dataset;
        Table = table;
        FileKey = fileKey;
        Mismatches = mismatches;
    }

    public override LakehouseStage Stage => LakehouseStage.Transform;

    /// <summary>The silver table whose contract was broken, e.g. <c>spacex_launches</c>.</summary>
    public string Table { get; }

    /// <summary>Where the file would have been published.</summary>
    public string FileKey { get; }

    /// <summary>Every way the file breaks the contract, one line each.</summary>
    public IReadOnlyList<string> Mismatches { get; }

    private static string Describe(string dataset, string table, IReadOnlyList<string> mismatches)
    {
        var more = mismatches.Count > 1 ? $" (and {mismatches.Count - 1} more: {string.Join("; ", mismatches.Skip(1))})" : "";
        return $"silver table {table} does not match its contract: {mismatches[0]}{more}. {dataset} was not published; its bronze is kept " +
            "and the next run tries again. Fix the silver script, or the table's declaration in its source's schema.sql.";
    }
}
