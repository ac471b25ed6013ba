namespace Lakehouse.Silver.Declarations;

/// <summary>
/// A silver table: its columns in order (the lineage columns <c>_run_id</c>, <c>_bronze_key</c> and
/// <c>_landed_at</c> follow them), its key — one row per key, the last one seen, in key order — and the members the
/// source sends but silver does not keep (so that drift reports only members nobody has looked at).
/// </summary>
/// <param name="Name">E.g. <c>spacex_crew</c>.</param>
/// <param name="Columns">In the table's order.</param>
/// <param name="Key">The columns that identify a row.</param>
internal sealed record SilverTable(string Name, IReadOnlyList<SilverColumn> Columns, params string[] Key)
{
    /// <summary>What a row is, for the silver schema's comment.</summary>
    public string? Comment { get; init; }

    /// <summary>
    /// Member paths the element (or array entry) may carry that silver does not keep, e.g. <c>image</c> or
    /// <c>links.flickr</c>. With the columns' paths they are the known members; any other is drift.
    /// </summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>
    /// Of the rows of one key, the one with the highest value of this column wins (a missing value counts as -1), then
    /// the last one seen; by default only the last one seen. DONKI bumps <c>versionId</c> when it revises an event.
    /// </summary>
    public string? NewestBy { get; init; }

    /// <summary>
    /// Objects on the members' paths that must be there (a RAWG platform entry's <c>platform</c>): a missing or null
    /// one quarantines the element (<c>missing platforms[1].platform</c>). Any other object may be missing, and its
    /// <see cref="SilverColumn.Required"/> members are required only when it is there.
    /// </summary>
    public IReadOnlyList<string> RequiredObjects { get; init; } = [];

    /// <summary>
    /// Whether <paramref name="column"/> is NOT NULL in this table: as the column says (<see cref="SilverColumn.NotNull"/>),
    /// except a required member inside an object that may be missing (a game's <c>esrb_rating.id</c>).
    /// </summary>
    public bool IsNotNull(SilverColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (!column.NotNull || column.Kind != SilverColumnKind.Member)
        {
            return column.NotNull;
        }

        var path = column.Paths[0];
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            if (!RequiredObjects.Contains(path[..dot]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// A silver table with one row per entry of an array in the element (a launch's <c>cores</c>). Its key is the parent
/// columns and the ordinal unless given: then, of each key, the last entry seen among all valid elements wins (an
/// asteroid's approach by epoch, whichever listing it came in).
/// </summary>
/// <param name="Array">The array's member path in the element, e.g. <c>cores</c>.</param>
/// <param name="Table">The table; its columns may take the parent's (<see cref="SilverColumn.Parent"/>) and the entry's position.</param>
internal sealed record SilverEntries(string Array, SilverTable Table)
{
    /// <summary>
    /// The entries are scalars (ids), not objects: the table's one member column is the entry itself (its path is not
    /// read), and its <see cref="SilverColumn.Required"/> says whether a null entry is wrong.
    /// </summary>
    public bool Scalars { get; init; }

    /// <summary>The column a scalar entry becomes, when <see cref="Scalars"/>.</summary>
    public SilverColumn? Scalar => Scalars ? Table.Columns.Single(c => c.Kind == SilverColumnKind.Member) : null;

    /// <summary>
    /// For arrays whose entries are objects or, in an older form, a string: the column a string entry becomes (its
    /// other columns NULL). SpaceX v4 lists crew ids where v5 lists <c>{crew, role}</c>.
    /// </summary>
    public string? StringEntryColumn { get; init; }

    /// <summary>
    /// The table's own key identifies an entry within its element (RAWG's ratings by their id within a game
    /// observation): as without a key, the rows are the entries of each parent key's winning element; the key orders
    /// them, and of an entry repeated in one element the last one wins.
    /// </summary>
    public bool KeyWithinElement { get; init; }
}

/// <summary>
/// One dataset's silver, declared once: which elements of a bronze body it reads, the table with one row per element,
/// and the tables of its arrays' entries. The transform's script, its checks and quarantine reasons, its drift report
/// and the tables' schema (the Parquet contract) are all written from this (<see cref="SilverSqlWriter"/>). A wrong
/// type anywhere in an element, its arrays included, quarantines the whole element: an element is in every table or
/// in none.
/// </summary>
/// <param name="Name">The dataset's name in its source, e.g. <c>launches</c>.</param>
/// <param name="Table">One row per element.</param>
internal sealed record SilverDataset(string Name, SilverTable Table)
{
    /// <summary>What the dataset reads, for the script's header: the endpoint and what a row is.</summary>
    public string? Comment { get; init; }

    /// <summary>The envelope member holding the elements (see <c>common.sql</c>): <c>docs</c>, <c>results</c>, <c>near_earth_objects.*</c>, <c>$</c>.</summary>
    public string Elements { get; init; } = "docs";

    /// <summary>A zero-length body is an empty response, not a malformed one (DONKI).</summary>
    public bool EmptyBodyHasNoElements { get; init; }

    /// <summary>
    /// The script, hand-written, where logic needs more than the declaration says (see <c>common.sql</c> for what a
    /// script is given and must provide); null to write it from the declaration. The tables are declared either way.
    /// </summary>
    public string? Sql { get; init; }

    /// <summary>The tables of the element's arrays.</summary>
    public IReadOnlyList<SilverEntries> Entries { get; init; } = [];

    /// <summary>Every table the dataset produces, the element's first.</summary>
    public IEnumerable<SilverTable> Tables => [Table, .. Entries.Select(e => e.Table)];
}
