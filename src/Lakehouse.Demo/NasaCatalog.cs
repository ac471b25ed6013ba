using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lakehouse.Demo;

/// <summary>
/// What the local NASA server answers for any window: recorded fixtures where they cover it, generated data
/// elsewhere (or nothing, for a catalog of fixtures only). A window that matches a recorded file exactly is answered
/// with the file's bytes; any other window is put together day by day (a NeoWs day, an APOD entry, the DONKI events
/// that start that day), so a week partition that overlaps a recorded 8-day feed replays the recorded days.
/// The recorded <c>REDACTED</c> keys in <c>links</c> are replaced by the caller's key, as the real API echoes it.
/// </summary>
internal sealed partial class NasaCatalog
{
    private readonly NasaSampleGenerator? generator;
    private readonly List<Recorded> feeds = [];
    private readonly Dictionary<DateOnly, byte[]> feedDays = [];
    private readonly List<Recorded> apodRanges = [];
    private readonly Dictionary<DateOnly, byte[]> apodDays = [];
    private readonly Dictionary<DonkiKind, List<Recorded>> donkiWindows = [];
    private readonly Dictionary<(DonkiKind Kind, DateOnly Day), List<byte[]>> donkiDays = [];
    private readonly HashSet<(DonkiKind Kind, DateOnly Day)> donkiCovered = [];

    private NasaCatalog(NasaSampleGenerator? generator) => this.generator = generator;

    /// <summary>Generated data only.</summary>
    public static NasaCatalog Generated(NasaSampleGenerator generator) => new(generator ?? throw new ArgumentNullException(nameof(generator)));

    /// <summary>
    /// Recorded answers (named as in the <c>nasa</c> fixtures folder, e.g. <c>neo-feed-2024-03-09_2024-03-16</c>,
    /// without <c>.json</c>), and <paramref name="generator"/>'s data for the days they do not cover; null leaves
    /// those days empty. The 2016 feed has the legacy shape: it answers only its own exact window.
    /// </summary>
    public static NasaCatalog FromRecorded(IEnumerable<(string Name, byte[] Body)> recorded, NasaSampleGenerator? generator)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var catalog = new NasaCatalog(generator);
        foreach (var (name, bytes) in recorded)
        {
            var match = WindowName().Match(name);
            if (name.StartsWith("neo-feed-", StringComparison.Ordinal) && match.Success)
            {
                var (start, end) = Dates(match);
                catalog.feeds.Add(new Recorded(start, end, bytes));
                if (start.Year >= 2020)
                {
                    catalog.AddFeedDays(bytes);
                }
            }
            else if (name.StartsWith("apod-", StringComparison.Ordinal))
            {
                if (match.Success)
                {
                    var (start, end) = Dates(match);
                    catalog.apodRanges.Add(new Recorded(start, end, bytes));
                }

                catalog.AddApodDays(bytes);
            }
            else if (name.StartsWith("donki-", StringComparison.Ordinal) && match.Success)
            {
                var kind = Enum.Parse<DonkiKind>(name.Split('-')[1], ignoreCase: true);
                var (start, end) = Dates(match);
                if (!catalog.donkiWindows.TryGetValue(kind, out var windows))
                {
                    catalog.donkiWindows[kind] = windows = [];
                }

                windows.Add(new Recorded(start, end, bytes));
                catalog.AddDonkiDays(kind, start, end, bytes);
            }
        }

        return catalog;
    }

    /// <summary>The feed body for the window, with <paramref name="apiKey"/> in its <c>links</c>.</summary>
    public byte[] Feed(DateOnly start, DateOnly end, string apiKey)
    {
        if (feeds.Find(f => f.Start == start && f.End == end) is { } recorded)
        {
            return WithKey(recorded.Body, apiKey);
        }

        if (generator is not null && !Days(start, end).Any(feedDays.ContainsKey))
        {
            return generator.Feed(start, end, apiKey);
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var json = NasaSampleGenerator.Writer(buffer))
        {
            var days = Days(start, end).Where(d => feedDays.ContainsKey(d) || generator is not null).ToList();
            json.WriteStartObject();
            json.WriteStartObject("links");
            json.WriteString("next", FeedUrl(end, end.AddDays(6), apiKey));
            json.WriteString("previous", FeedUrl(start.AddDays(-6), start, apiKey));
            json.WriteString("self", FeedUrl(start, end, apiKey));
            json.WriteEndObject();
            json.WriteNumber("element_count", days.Sum(d => feedDays.TryGetValue(d, out var day) ? CountElements(day) : generator!.ObjectsOn(d)));
            json.WriteStartObject("near_earth_objects");
            foreach (var day in days)
            {
                json.WritePropertyName(Text(day));
                if (feedDays.TryGetValue(day, out var recordedDay))
                {
                    json.WriteRawValue(recordedDay, skipInputValidation: true);
                }
                else
                {
                    json.WriteRawValue(generator!.FeedDay(day, apiKey), skipInputValidation: true);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return WithKey(buffer.WrittenSpan.ToArray(), apiKey);
    }

    /// <summary>The APOD range answer (an array, ascending, days without an entry left out).</summary>
    public byte[] Apod(DateOnly start, DateOnly end)
    {
        if (apodRanges.Find(f => f.Start == start && f.End == end) is { } recorded)
        {
            return recorded.Body;
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = NasaSampleGenerator.Writer(buffer))
        {
            json.WriteStartArray();
            foreach (var day in Days(start, end))
            {
                if (apodDays.TryGetValue(day, out var entry))
                {
                    json.WriteRawValue(entry, skipInputValidation: true);
                }
                else
                {
                    generator?.WriteApodDay(json, day);
                }
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The DONKI answer: the events of <paramref name="kind"/> that start in the window.</summary>
    public byte[] Donki(DonkiKind kind, DateOnly start, DateOnly end)
    {
        if (donkiWindows.TryGetValue(kind, out var windows) && windows.Find(f => f.Start == start && f.End == end) is { } recorded)
        {
            return recorded.Body;
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = NasaSampleGenerator.Writer(buffer))
        {
            json.WriteStartArray();
            foreach (var day in Days(start, end))
            {
                if (donkiCovered.Contains((kind, day)))
                {
                    foreach (var element in donkiDays.GetValueOrDefault((kind, day)) ?? [])
                    {
                        json.WriteRawValue(element, skipInputValidation: true);
                    }
                }
                else
                {
                    generator?.WriteDonkiDay(json, kind, day);
                }
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void AddFeedDays(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        foreach (var day in document.RootElement.GetProperty("near_earth_objects").EnumerateObject())
        {
            feedDays[DateOnly.ParseExact(day.Name, "yyyy-MM-dd", CultureInfo.InvariantCulture)] = Encoding.UTF8.GetBytes(day.Value.GetRawText());
        }
    }

    private void AddApodDays(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var entries = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        foreach (var entry in entries)
        {
            apodDays[DateOnly.ParseExact(entry.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)] = Encoding.UTF8.GetBytes(entry.GetRawText());
        }
    }

    private void AddDonkiDays(DonkiKind kind, DateOnly start, DateOnly end, byte[] body)
    {
        foreach (var day in Days(start, end))
        {
            donkiCovered.Add((kind, day));
        }

        using var document = JsonDocument.Parse(body.Length == 0 ? "[]"u8.ToArray() : body);
        var startMember = kind == DonkiKind.Flr ? "beginTime" : "startTime";
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var day = DateOnly.ParseExact(element.GetProperty(startMember).GetString()![..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!donkiDays.TryGetValue((kind, day), out var list))
            {
                donkiDays[(kind, day)] = list = [];
            }

            list.Add(Encoding.UTF8.GetBytes(element.GetRawText()));
        }
    }

    private static int CountElements(byte[] array)
    {
        using var document = JsonDocument.Parse(array);
        return document.RootElement.GetArrayLength();
    }

    private static byte[] WithKey(byte[] body, string apiKey)
    {
        var marker = "api_key=REDACTED"u8;
        if (body.AsSpan().IndexOf(marker) < 0)
        {
            return body;
        }

        var text = Encoding.UTF8.GetString(body);
        return Encoding.UTF8.GetBytes(text.Replace("api_key=REDACTED", "api_key=" + apiKey, StringComparison.Ordinal));
    }

    private static IEnumerable<DateOnly> Days(DateOnly start, DateOnly end)
    {
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    private static (DateOnly Start, DateOnly End) Dates(Match match) => (
        DateOnly.ParseExact(match.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly.ParseExact(match.Groups[2].Success ? match.Groups[2].Value : match.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FeedUrl(DateOnly start, DateOnly end, string apiKey) =>
        $"http://api.nasa.gov/neo/rest/v1/feed?start_date={Text(start)}&end_date={Text(end)}&detailed=false&api_key={apiKey}";

    [GeneratedRegex(@"(\d{4}-\d{2}-\d{2})(?:_(\d{4}-\d{2}-\d{2}))?")]
    private static partial Regex WindowName();

    private sealed record Recorded(DateOnly Start, DateOnly End, byte[] Body);
}
