using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// A parsed <c>/query</c> body, <c>{"query": {...}, "options": {...}}</c>, as <c>ISpaceXApi</c> sends it: <c>query</c>
/// with field equality, <c>$gte</c> and <c>$or</c>; <c>options</c> <c>page</c>, <c>limit</c> and <c>sort</c> (an object
/// of fields and directions). Anything else is refused with a message, as the real API answers a bad query: 400, plain
/// text, so a client that starts sending more fails loudly here instead of being answered wrongly.
/// </summary>
internal sealed class SpaceXQuery
{
    private static readonly string[] KnownOptions = ["page", "limit", "sort"];

    private readonly Condition filter;
    private readonly IReadOnlyList<(string Path, bool Descending)> sort;

    private SpaceXQuery(Condition filter, IReadOnlyList<(string Path, bool Descending)> sort, long page, long limit)
    {
        this.filter = filter;
        this.sort = sort;
        Page = page;
        Limit = limit;
    }

    private delegate bool Condition(ReadOnlySpan<byte> document);

    public long Page { get; }

    public long Limit { get; }

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

        long page = 1;
        long limit = SpaceXQueryPage.DefaultLimit;
        var sort = new List<(string, bool)>();
        if (options.ValueKind == JsonValueKind.Object)
        {
            foreach (var option in options.EnumerateObject())
            {
                if (!KnownOptions.Contains(option.Name, StringComparer.Ordinal))
                {
                    throw new QueryException($"options.{option.Name} is not implemented by the local SpaceX server (the client sends only {string.Join(", ", KnownOptions)}).");
                }
            }

            if (options.TryGetProperty("page", out var pageElement))
            {
                page = pageElement.ValueKind == JsonValueKind.Number && pageElement.TryGetInt64(out var parsed) && parsed >= 1
                    ? parsed
                    : throw new QueryException($"Invalid page: {pageElement.GetRawText()}");
            }

            if (options.TryGetProperty("limit", out var limitElement))
            {
                limit = limitElement.ValueKind == JsonValueKind.Number && limitElement.TryGetInt64(out var parsed) && parsed >= 1
                    ? parsed
                    : throw new QueryException($"Invalid limit: {limitElement.GetRawText()}");
            }

            if (options.TryGetProperty("sort", out var sortElement))
            {
                ParseSort(sortElement, sort);
            }
        }

        return new SpaceXQuery(filter, sort, page, limit);
    }

    private static void ParseSort(JsonElement sortElement, List<(string, bool)> sort)
    {
        if (sortElement.ValueKind != JsonValueKind.Object)
        {
            throw new QueryException($"Invalid sort() argument. Must be an object, got {sortElement.GetRawText()}");
        }

        foreach (var property in sortElement.EnumerateObject())
        {
            var value = property.Value;
            bool? descending = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt32(out var n) && n is 1 or -1 => n == -1,
                JsonValueKind.String => value.GetString() switch
                {
                    "asc" => false,
                    "desc" => true,
                    _ => null,
                },
                _ => null,
            };
            sort.Add((FieldPath(property.Name), descending
                ?? throw new QueryException($"Invalid sort value: {{ {property.Name}: {value.GetRawText()} }}")));
        }
    }

    private static Condition ParseFilter(JsonElement query)
    {
        var conditions = new List<Condition>();
        foreach (var property in query.EnumerateObject())
        {
            if (property.Name.StartsWith('$'))
            {
                conditions.Add(property.Name == "$or"
                    ? Any(SubFilters(property))
                    : throw new QueryException($"unknown top level operator: {property.Name}"));
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
                conditions.Add(Equal(path, JsonValueKey.Of(value)));
            }
        }

        return All(conditions);
    }

    private static Condition ParseOperator(string path, JsonProperty op)
    {
        if (op.Name != "$gte")
        {
            throw new QueryException($"unknown operator: {op.Name}");
        }

        if (op.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            throw new QueryException($"{op.Name} needs a plain value, got {op.Value.GetRawText()}");
        }

        // Comparison operators only match values of the same type bracket ({$gte: 5} never matches a string).
        var operand = JsonValueKey.Of(op.Value);
        return document => Value(document, path) is var candidate && candidate.Rank == operand.Rank && !candidate.IsMissing && candidate.CompareTo(operand) >= 0;
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

    // Equality to null also matches a missing field, as in MongoDB.
    private static Condition Equal(string path, JsonValueKey accepted) => document => Value(document, path) == accepted;

    private static JsonValueKey Value(ReadOnlySpan<byte> document, string path) => SafeKey(document, path);

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

    private sealed class QueryException(string message) : Exception(message);
}
