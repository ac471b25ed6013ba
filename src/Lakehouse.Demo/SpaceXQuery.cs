using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// A parsed <c>/query</c> body, <c>{"query": {...}, "options": {...}}</c>. Supports what a loader needs: <c>query</c>
/// with field equality and <c>$eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $nor</c> on top-level or dotted
/// object paths; <c>options</c> <c>page</c>, <c>offset</c>, <c>limit</c>, <c>pagination</c> and <c>sort</c> (object or
/// <c>"-field"</c> string). Anything else that would change the answer (<c>populate</c>, <c>select</c>, <c>$text</c>,
/// paths through arrays) is refused with a message, as the real API answers a bad query: 400, plain text.
/// </summary>
internal sealed class SpaceXQuery
{
    private static readonly string[] RefusedOptions = ["populate", "select", "projection", "customLabels", "collation"];

    private readonly Condition filter;
    private readonly IReadOnlyList<(string Path, bool Descending)> sort;

    private SpaceXQuery(Condition filter, IReadOnlyList<(string Path, bool Descending)> sort, long? page, long? offset, long limit, bool pagination)
    {
        this.filter = filter;
        this.sort = sort;
        Page = page;
        Offset = offset;
        Limit = limit;
        Pagination = pagination;
    }

    private delegate bool Condition(ReadOnlySpan<byte> document);

    public long? Page { get; }

    public long? Offset { get; }

    public long Limit { get; }

    public bool Pagination { get; }

    public static bool TryParse(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out SpaceXQuery? query, [NotNullWhen(false)] out string? error)
    {
        query = null;
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            body = "{}"u8.ToArray();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            error = $"Invalid JSON body: {e.Message}";
            return false;
        }

        using (document)
        {
            try
            {
                query = Parse(document.RootElement);
                error = null;
                return true;
            }
            catch (QueryException e)
            {
                error = e.Message;
                return false;
            }
        }
    }

    /// <summary>The matching elements in answer order (sorted when asked; otherwise as stored, MongoDB's natural order).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Select(IReadOnlyList<ReadOnlyMemory<byte>> elements)
    {
        var matching = new List<ReadOnlyMemory<byte>>(elements.Count);
        foreach (var element in elements)
        {
            if (filter(element.Span))
            {
                matching.Add(element);
            }
        }

        if (sort.Count == 0)
        {
            return matching;
        }

        var keys = new JsonValueKey[matching.Count][];
        for (var i = 0; i < matching.Count; i++)
        {
            keys[i] = new JsonValueKey[sort.Count];
            for (var k = 0; k < sort.Count; k++)
            {
                keys[i][k] = SafeKey(matching[i].Span, sort[k].Path);
            }
        }

        var order = Enumerable.Range(0, matching.Count).ToArray();

        // Ties keep stored order (the index breaks them), so equal keys page the same way on every request.
        Array.Sort(order, (a, b) =>
        {
            for (var k = 0; k < sort.Count; k++)
            {
                var compared = keys[a][k].CompareTo(keys[b][k]);
                if (compared != 0)
                {
                    return sort[k].Descending ? -compared : compared;
                }
            }

            return a.CompareTo(b);
        });
        return order.Select(i => matching[i]).ToList();
    }

    private static SpaceXQuery Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new QueryException("invalid JSON, only supports object and array");
        }

        var filter = (Condition)(_ => true);
        if (root.TryGetProperty("query", out var queryElement) && queryElement.ValueKind != JsonValueKind.Null)
        {
            if (queryElement.ValueKind != JsonValueKind.Object)
            {
                throw new QueryException("Parameter \"filter\" to find() must be an object, got " + queryElement.GetRawText());
            }

            filter = ParseFilter(queryElement);
        }

        var options = root.TryGetProperty("options", out var optionsElement) && optionsElement.ValueKind == JsonValueKind.Object
            ? optionsElement
            : default;
        if (root.TryGetProperty("options", out var given) && given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw new QueryException("options must be an object, got " + given.GetRawText());
        }

        long? page = null;
        long? offset = null;
        long limit = SpaceXQueryPage.DefaultLimit;
        var pagination = true;
        var sort = new List<(string, bool)>();
        if (options.ValueKind == JsonValueKind.Object)
        {
            foreach (var refused in RefusedOptions)
            {
                if (options.TryGetProperty(refused, out _))
                {
                    throw new QueryException($"options.{refused} is not supported by the local SpaceX server.");
                }
            }

            if (options.TryGetProperty("offset", out var offsetElement))
            {
                offset = ParseInt(offsetElement) is { } parsed && parsed >= 0
                    ? parsed
                    : throw new QueryException($"Invalid offset: {offsetElement.GetRawText()} (skip must be a non-negative number)");
            }

            if (options.TryGetProperty("page", out var pageElement))
            {
                page = ParseInt(pageElement) ?? throw new QueryException($"Invalid page: {pageElement.GetRawText()}");
            }

            if (options.TryGetProperty("limit", out var limitElement))
            {
                limit = ParseInt(limitElement) is { } parsed && parsed > 0 ? parsed : 0;
            }

            if (options.TryGetProperty("pagination", out var paginationElement))
            {
                pagination = IsTruthy(paginationElement);
            }

            if (options.TryGetProperty("sort", out var sortElement))
            {
                ParseSort(sortElement, sort);
            }
        }

        return new SpaceXQuery(filter, sort, page, offset, limit, pagination);
    }

    private static void ParseSort(JsonElement sortElement, List<(string, bool)> sort)
    {
        switch (sortElement.ValueKind)
        {
            case JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                foreach (var term in sortElement.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var descending = term.StartsWith('-');
                    sort.Add((FieldPath(term.TrimStart('-', '+')), descending));
                }

                return;
            case JsonValueKind.Object:
                foreach (var property in sortElement.EnumerateObject())
                {
                    var value = property.Value;
                    bool? descending = value.ValueKind switch
                    {
                        JsonValueKind.Number when value.TryGetInt32(out var n) && n is 1 or -1 => n == -1,
                        JsonValueKind.String => value.GetString()!.ToLowerInvariant() switch
                        {
                            "asc" or "ascending" or "1" => false,
                            "desc" or "descending" or "-1" => true,
                            _ => null,
                        },
                        _ => null,
                    };
                    sort.Add((FieldPath(property.Name), descending
                        ?? throw new QueryException($"Invalid sort value: {{ {property.Name}: {value.GetRawText()} }}")));
                }

                return;
            default:
                throw new QueryException($"Invalid sort() argument. Must be a string or object, got {sortElement.GetRawText()}");
        }
    }

    private static Condition ParseFilter(JsonElement query)
    {
        var conditions = new List<Condition>();
        foreach (var property in query.EnumerateObject())
        {
            if (property.Name.StartsWith('$'))
            {
                conditions.Add(property.Name switch
                {
                    "$and" => All(SubFilters(property)),
                    "$or" => Any(SubFilters(property)),
                    "$nor" => Not(Any(SubFilters(property))),
                    "$text" => throw new QueryException("$text search is not supported by the local SpaceX server."),
                    _ => throw new QueryException($"unknown top level operator: {property.Name}"),
                });
                continue;
            }

            var path = FieldPath(property.Name);
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any(p => p.Name.StartsWith('$')))
            {
                foreach (var op in value.EnumerateObject())
                {
                    conditions.Add(ParseOperator(path, op));
                }
            }
            else if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                throw new QueryException($"Matching a whole object or array ({property.Name}) is not supported by the local SpaceX server.");
            }
            else
            {
                conditions.Add(Equal(path, [JsonValueKey.Of(value)]));
            }
        }

        return All(conditions);
    }

    private static Condition ParseOperator(string path, JsonProperty op)
    {
        var operand = op.Value;
        JsonValueKey Scalar()
        {
            if (operand.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                throw new QueryException($"{op.Name} needs a plain value, got {operand.GetRawText()}");
            }

            return JsonValueKey.Of(operand);
        }

        JsonValueKey[] List() => operand.ValueKind == JsonValueKind.Array
            ? operand.EnumerateArray().Select(JsonValueKey.Of).ToArray()
            : throw new QueryException($"{op.Name} needs an array");

        return op.Name switch
        {
            "$eq" => Equal(path, [Scalar()]),
            "$ne" => Not(Equal(path, [Scalar()])),
            "$in" => Equal(path, List()),
            "$nin" => Not(Equal(path, List())),
            "$gt" => Compare(path, Scalar(), c => c > 0),
            "$gte" => Compare(path, Scalar(), c => c >= 0),
            "$lt" => Compare(path, Scalar(), c => c < 0),
            "$lte" => Compare(path, Scalar(), c => c <= 0),
            "$exists" => Exists(path, IsTruthy(operand)),
            _ => throw new QueryException($"unknown operator: {op.Name}"),
        };
    }

    private static List<Condition> SubFilters(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
        {
            throw new QueryException($"{property.Name} must be a nonempty array");
        }

        return property.Value.EnumerateArray()
            .Select(sub => sub.ValueKind == JsonValueKind.Object ? ParseFilter(sub) : throw new QueryException($"{property.Name} argument's entries must be objects"))
            .ToList();
    }

    private static Condition All(List<Condition> conditions) => document =>
    {
        foreach (var condition in conditions)
        {
            if (!condition(document))
            {
                return false;
            }
        }

        return true;
    };

    private static Condition Any(List<Condition> conditions) => document =>
    {
        foreach (var condition in conditions)
        {
            if (condition(document))
            {
                return true;
            }
        }

        return false;
    };

    private static Condition Not(Condition condition) => document => !condition(document);

    // MongoDB matches an array field when any element matches; equality to null also matches a missing field.
    private static Condition Equal(string path, JsonValueKey[] accepted) => document =>
        Candidates(document, path).Any(candidate => accepted.Any(value => value == candidate));

    // Comparison operators only match values of the same type bracket ({$gt: 5} never matches a string).
    private static Condition Compare(string path, JsonValueKey operand, Func<int, bool> test) => document =>
        Candidates(document, path).Any(candidate => candidate.Rank == operand.Rank && !candidate.IsMissing && test(candidate.CompareTo(operand)));

    private static Condition Exists(string path, bool exists) => document =>
    {
        try
        {
            return RawJson.TryFind(document, path, out _) == exists;
        }
        catch (JsonException)
        {
            return !exists;
        }
    };

    private static List<JsonValueKey> Candidates(ReadOnlySpan<byte> document, string path)
    {
        Range range;
        try
        {
            if (!RawJson.TryFind(document, path, out range))
            {
                return [JsonValueKey.Missing];
            }
        }
        catch (JsonException)
        {
            return [JsonValueKey.Missing];
        }

        var value = document[range];
        var candidates = new List<JsonValueKey> { JsonValueKey.Read(value) };
        if (candidates[0].Rank == JsonValueKey.ValueRank.Array)
        {
            var reader = new Utf8JsonReader(value);
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                candidates.Add(JsonValueKey.Read(value[start..(int)reader.BytesConsumed]));
            }
        }

        return candidates;
    }

    private static JsonValueKey SafeKey(ReadOnlySpan<byte> document, string path)
    {
        try
        {
            return RawJson.KeyOf(document, path);
        }
        catch (JsonException)
        {
            return JsonValueKey.Missing;
        }
    }

    // The documents carry their ObjectId as "id"; MongoDB (and so the API's queries) call it "_id".
    private static string FieldPath(string name) => name == "_id" ? "id" : name;

    // JavaScript's parseInt: a number truncates; a string reads its leading integer; anything else is NaN (null).
    private static long? ParseInt(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            var number = element.GetDouble();
            return double.IsFinite(number) && Math.Abs(number) < 1e15 ? (long)Math.Truncate(number) : null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = element.GetString()!.TrimStart();
        var length = 0;
        if (length < text.Length && text[length] is '-' or '+')
        {
            length++;
        }

        var digitsStart = length;
        while (length < text.Length && length < 16 && char.IsAsciiDigit(text[length]))
        {
            length++;
        }

        return length > digitsStart ? long.Parse(text.AsSpan(0, length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;
    }

    private static bool IsTruthy(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
        JsonValueKind.Number => element.GetDouble() != 0,
        JsonValueKind.String => element.GetString()!.Length > 0,
        _ => true,
    };

    private sealed class QueryException(string message) : Exception(message);
}
