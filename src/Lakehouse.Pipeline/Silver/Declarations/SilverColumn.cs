namespace Lakehouse.Silver.Declarations;

/// <summary>
/// One silver column, declared once: its name and type, and where its value comes from — a JSON member (by its path
/// in the element or array entry, <c>links.patch.small</c>), a SQL expression over the row's other columns, the
/// parent's column (in a table of array entries), or the entry's position in its array.
/// </summary>
internal sealed record SilverColumn
{
    /// <summary>A column read from the member at <paramref name="path"/> (the column's own name when null).</summary>
    public SilverColumn(string name, SilverType type, string? path = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
        Kind = SilverColumnKind.Member;
        Paths = [path ?? name];
    }

    private SilverColumn(string name, SilverType type, SilverColumnKind kind, string? sql)
    {
        Name = name;
        Type = type;
        Kind = kind;
        Sql = sql;
        Paths = [];
    }

    /// <summary>The column's name in silver.</summary>
    public string Name { get; }

    public SilverType Type { get; }

    public SilverColumnKind Kind { get; }

    /// <summary>The JSON member's path, then any alternatives: the first one present gives the value.</summary>
    public IReadOnlyList<string> Paths { get; private init; }

    /// <summary>The expression (<see cref="SilverColumnKind.Computed"/>) or the parent's column (<see cref="SilverColumnKind.Parent"/>).</summary>
    public string? Sql { get; }

    /// <summary>
    /// A missing or null member quarantines the element ("missing id"), and the column is NOT NULL. A member inside
    /// an object is required only when the object is there, and its column is NOT NULL only when the object is
    /// required too (<see cref="SilverTable.RequiredObjects"/>, <see cref="SilverTable.IsNotNull"/>).
    /// </summary>
    public bool Required { get; init; }

    /// <summary>Where the value's meaning is not obvious from its name: a comment in the silver schema.</summary>
    public string? Comment { get; init; }

    /// <summary>The column is NOT NULL (a required member, a position, or what the declaration says of an expression).</summary>
    public bool NotNull => Required || Kind == SilverColumnKind.Ordinal || notNull;

    private bool notNull;

    /// <summary>The member's value, or else the first of <paramref name="others"/> present (NeoWs' legacy ids).</summary>
    public SilverColumn Or(params string[] others) => this with { Paths = [.. Paths, .. others] };

    /// <summary>A column computed from the row's other columns (by their silver names), e.g. <c>epoch_ms(epoch)</c>.</summary>
    public static SilverColumn Computed(string name, SilverType type, string sql, bool notNull = false) =>
        new(name, type, SilverColumnKind.Computed, sql) { notNull = notNull };

    /// <summary>In a table of array entries: the parent row's column <paramref name="parentColumn"/> (its name when null).</summary>
    public static SilverColumn Parent(string name, SilverType type, string? parentColumn = null) =>
        new(name, type, SilverColumnKind.Parent, parentColumn ?? name) { notNull = true };

    /// <summary>In a table of array entries: the entry's 1-based position in its array.</summary>
    public static SilverColumn Ordinal(string name) => new(name, SilverType.Integer, SilverColumnKind.Ordinal, null);
}

internal enum SilverColumnKind
{
    /// <summary>Read from a JSON member.</summary>
    Member,

    /// <summary>A SQL expression over the row's other columns.</summary>
    Computed,

    /// <summary>The parent row's column, in a table of array entries.</summary>
    Parent,

    /// <summary>The entry's position in its array.</summary>
    Ordinal,
}
