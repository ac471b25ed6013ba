using System.Text;

namespace Lakehouse.Silver.Declarations;

/// <summary>How the fast path reads one member, and who judges it.</summary>
internal enum SilverValueKind
{
    /// <summary>A JSON string (or null), read as VARCHAR: the check in .NET decides.</summary>
    String,

    /// <summary>A JSON integer within 32 bits (or null), read as INTEGER.</summary>
    Integer,

    /// <summary>A JSON integer within 64 bits (or null), read as BIGINT.</summary>
    BigInt,

    /// <summary>A finite JSON number (or null), read as DOUBLE.</summary>
    Double,

    /// <summary>true or false (or null), read as BOOLEAN.</summary>
    Boolean,

    /// <summary>Anything: read as its JSON text, converted and judged in SQL by the type's own templates.</summary>
    Sql,
}

/// <summary>
/// The members one table reads from its scope (an element, or an entry of one of its arrays) as a tree: what the
/// fast path's typed <c>read_json</c> asks DuckDB for (<see cref="StructType"/>), and what <see cref="SilverBodyCheck"/>
/// judges before DuckDB reads a body that way.
/// </summary>
internal sealed class SilverShape
{
    private readonly List<Member> members = [];

    private SilverShape(string driftPrefix, IEnumerable<string> known)
    {
        DriftPrefix = driftPrefix;
        Known = [.. known.Distinct()];
    }

    /// <summary>Where drift names this object's unknown members: <c>""</c>, <c>links.</c>, <c>cores[].</c>.</summary>
    public string DriftPrefix { get; }

    /// <summary>The member names this object may carry without drift.</summary>
    public IReadOnlyList<string> Known { get; }

    /// <summary><see cref="Known"/> as UTF-8, for comparing with a reader's property names.</summary>
    public IReadOnlyList<byte[]> KnownUtf8 => knownUtf8 ??= [.. Known.Select(Utf8)];

    private IReadOnlyList<byte[]>? knownUtf8;

    public IReadOnlyList<Member> Members => members;

    /// <summary>Paths within the scope whose value must not be null (alternatives: any one of them), with the object they are in.</summary>
    public IReadOnlyList<Requirement> Requirements { get; private init; } = [];

    /// <summary>
    /// Whether the fast path can read the scope typed: false when a column reads an array's JSON text that is also a
    /// table of entries; then every body goes the careful way.
    /// </summary>
    public bool Typed { get; private set; } = true;

    /// <summary>How many paths of the scope <see cref="Member.Index"/> numbers (for the requirements).</summary>
    public int PathCount { get; private set; }

    /// <summary>The scope of <paramref name="table"/>: its members and, for an element, its arrays of entries.</summary>
    public static SilverShape Of(SilverTable table, IReadOnlyList<SilverEntries> entries, string driftPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(table);
        var read = table.Columns.Where(c => c.Kind == SilverColumnKind.Member).ToList();
        var paths = read.SelectMany(c => c.Paths).Concat(entries.Select(e => e.Array)).Distinct().ToList();
        var known = paths.Concat(table.Ignored).Distinct().ToList();
        var root = new SilverShape(driftPrefix, known.Select(First));
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var arrays = entries.Select(e => e.Array).ToHashSet(StringComparer.Ordinal);
        var readTwice = false;
        foreach (var (path, kind) in PathKinds(table))
        {
            if (arrays.Contains(path))
            {
                // A column of the array's own JSON text (DONKI's largest kpIndex of allKpIndex) needs the careful path.
                readTwice = true;
                continue;
            }

            root.Add(path, path, new Leaf(kind), known, indices);
        }

        foreach (var array in entries)
        {
            var entry = array.Scalar is { } scalar
                ? (Node)new ScalarEntries(Kind(scalar.Type), scalar.Required)
                : new ObjectEntries(Of(array.Table, [], $"{driftPrefix}{array.Array}[]."));
            root.Add(array.Array, array.Array, entry, known, indices);
        }

        var requirements = new List<Requirement>();
        foreach (var o in table.RequiredObjects)
        {
            requirements.Add(new Requirement(null, [indices[o]]));
        }

        foreach (var column in read.Where(c => c.Required))
        {
            var parent = Parent(column.Paths[0]);
            requirements.Add(new Requirement(parent is null ? null : indices[parent], [.. column.Paths.Select(p => indices[p])]));
        }

        root.PathCount = indices.Count;
        var shape = root.WithRequirements(requirements);
        shape.Typed = !readTwice;
        return shape;
    }

    /// <summary>The DuckDB type the fast path reads this object as: a STRUCT of the members read, typed.</summary>
    public string StructType() =>
        "STRUCT(" + string.Join(", ", members.Select(m => $"{Quote(m.Name)} {m.Node.SqlType}")) + ")";

    private SilverShape WithRequirements(List<Requirement> requirements)
    {
        var shape = new SilverShape(DriftPrefix, Known) { Requirements = requirements, PathCount = PathCount };
        shape.members.AddRange(members);
        return shape;
    }

    private void Add(string fullPath, string rest, Node leaf, List<string> known, Dictionary<string, int> indices)
    {
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? rest : rest[..dot];
        var existing = members.Find(m => m.Name == name);
        if (dot < 0)
        {
            if (existing is not null)
            {
                throw new ArgumentException($"The member {fullPath} is read twice.", nameof(fullPath));
            }

            members.Add(new Member(name, Utf8(name), leaf, indices[fullPath] = indices.Count));
            return;
        }

        var objectPath = fullPath[..(fullPath.Length - rest.Length + dot)];
        if (existing is null)
        {
            var child = new SilverShape(
                $"{DriftPrefix}{objectPath[(objectPath.LastIndexOf('.') + 1)..]}.",
                known.Where(k => k.StartsWith(objectPath + ".", StringComparison.Ordinal)).Select(k => First(k[(objectPath.Length + 1)..])));
            existing = new Member(name, Utf8(name), new ObjectNode(child), indices[objectPath] = indices.Count);
            members.Add(existing);
        }

        if (existing.Node is not ObjectNode o)
        {
            throw new ArgumentException($"The member {objectPath} is read both as a value and as an object.", nameof(fullPath));
        }

        o.Shape.Add(fullPath, rest[(dot + 1)..], leaf, known, indices);
    }

    /// <summary>
    /// How the fast path reads each member path of <paramref name="table"/>: as its columns' kind, or as JSON text
    /// when columns of different kinds read it (DONKI's allKpIndex is a count and a maximum).
    /// </summary>
    internal static IReadOnlyDictionary<string, SilverValueKind> PathKinds(SilverTable table)
    {
        var kinds = new Dictionary<string, SilverValueKind>(StringComparer.Ordinal);
        foreach (var column in table.Columns.Where(c => c.Kind == SilverColumnKind.Member))
        {
            foreach (var path in column.Paths)
            {
                var kind = Kind(column.Type);
                kinds[path] = kinds.TryGetValue(path, out var other) && other != kind ? SilverValueKind.Sql : kind;
            }
        }

        return kinds;
    }

    internal static SilverValueKind Kind(SilverType type) =>
        ReferenceEquals(type, SilverType.String) ? SilverValueKind.String
        : ReferenceEquals(type, SilverType.Integer) ? SilverValueKind.Integer
        : ReferenceEquals(type, SilverType.BigInt) ? SilverValueKind.BigInt
        : ReferenceEquals(type, SilverType.Double) ? SilverValueKind.Double
        : ReferenceEquals(type, SilverType.Boolean) ? SilverValueKind.Boolean
        : SilverValueKind.Sql;

    private static string SqlTypeOf(SilverValueKind kind) => kind switch
    {
        SilverValueKind.String => "VARCHAR",
        SilverValueKind.Integer => "INTEGER",
        SilverValueKind.BigInt => "BIGINT",
        SilverValueKind.Double => "DOUBLE",
        SilverValueKind.Boolean => "BOOLEAN",
        _ => "JSON",
    };

    private static string First(string path) => path.Split('.')[0];

    private static string? Parent(string path) => path.LastIndexOf('.') is var dot and > 0 ? path[..dot] : null;

    private static byte[] Utf8(string name) => Encoding.UTF8.GetBytes(name);

    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A member the scope reads: a value, an object of members, or an array of entries.</summary>
    internal sealed record Member(string Name, byte[] Utf8Name, Node Node, int Index);

    /// <summary>Any one of <paramref name="Paths"/> (indices) must be there and not null, when the object <paramref name="Within"/> is (or always).</summary>
    internal sealed record Requirement(int? Within, int[] Paths);

    internal abstract record Node
    {
        public abstract string SqlType { get; }
    }

    internal sealed record Leaf(SilverValueKind Kind) : Node
    {
        public override string SqlType => SqlTypeOf(Kind);
    }

    internal sealed record ObjectNode(SilverShape Shape) : Node
    {
        public override string SqlType => Shape.StructType();
    }

    internal sealed record ScalarEntries(SilverValueKind Kind, bool Required) : Node
    {
        public override string SqlType => SqlTypeOf(Kind) + "[]";
    }

    internal sealed record ObjectEntries(SilverShape Shape) : Node
    {
        public override string SqlType => Shape.StructType() + "[]";
    }
}
