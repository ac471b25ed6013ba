using System.Buffers;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// The one difference between the v4 and v5 launch routes: v5 holds <c>crew</c> as <c>[{"crew": id, "role": text}]</c>,
/// v4 flattens it to the ids. Only the <c>crew</c> value is rewritten; every other byte of the launch stays as stored.
/// </summary>
internal static class LaunchCrewShape
{
    /// <summary>The roles given, by seat, to crew recorded without one (v4 fixtures carry ids only).</summary>
    public static IReadOnlyList<string> Roles { get; } = ["Commander", "Pilot", "Mission Specialist 1", "Mission Specialist 2"];

    public static string RoleForSeat(int seat) => Roles[Math.Min(seat, Roles.Count - 1)];

    /// <summary>The v4 form of a stored (v5) launch: crew objects become their <c>crew</c> ids.</summary>
    public static ReadOnlyMemory<byte> ToV4(ReadOnlyMemory<byte> launch)
    {
        if (!TryFindCrew(launch.Span, out var range))
        {
            return launch;
        }

        var crew = launch.Span[range];
        var reader = new Utf8JsonReader(crew);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return launch;
        }

        var output = new ArrayBufferWriter<byte>(crew.Length);
        var anyObject = false;
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    anyObject = true;
                    reader.Skip();
                    var member = crew[start..(int)reader.BytesConsumed];
                    if (RawJson.TryFind(member, "crew", out var id))
                    {
                        writer.WriteRawValue(member[id], skipInputValidation: true);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }
                else
                {
                    reader.Skip();
                    writer.WriteRawValue(crew[start..(int)reader.BytesConsumed], skipInputValidation: true);
                }
            }

            writer.WriteEndArray();
        }

        return anyObject ? RawJson.Splice(launch.Span, range, output.WrittenSpan) : launch;
    }

    /// <summary>
    /// The v5 form of a launch recorded from a v4 route: each crew id becomes <c>{"crew": id, "role": ...}</c> with
    /// the role of its seat. Launches without crew keep their recorded bytes.
    /// </summary>
    public static ReadOnlyMemory<byte> FromV4(ReadOnlyMemory<byte> launch)
    {
        if (!TryFindCrew(launch.Span, out var range))
        {
            return launch;
        }

        using var ids = JsonDocument.Parse(launch[range]);
        if (ids.RootElement.ValueKind != JsonValueKind.Array || ids.RootElement.GetArrayLength() == 0)
        {
            return launch;
        }

        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            var seat = 0;
            foreach (var id in ids.RootElement.EnumerateArray())
            {
                if (id.ValueKind == JsonValueKind.Object)
                {
                    return launch; // already v5
                }

                writer.WriteStartObject();
                writer.WritePropertyName("crew");
                id.WriteTo(writer);
                writer.WriteString("role", RoleForSeat(seat++));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return RawJson.Splice(launch.Span, range, output.WrittenSpan);
    }

    private static bool TryFindCrew(ReadOnlySpan<byte> launch, out Range range)
    {
        range = default;
        try
        {
            return RawJson.TryFind(launch, "crew", out range);
        }
        catch (JsonException)
        {
            return false; // a deliberately broken element is served as stored
        }
    }
}
