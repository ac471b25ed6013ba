using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lakehouse.Sources;

namespace Lakehouse.Demo;

/// <summary>The DONKI event kinds the pipeline reads.</summary>
internal enum DonkiKind
{
    /// <summary>Coronal mass ejections (<c>/DONKI/CME</c>).</summary>
    Cme,

    /// <summary>Solar flares (<c>/DONKI/FLR</c>).</summary>
    Flr,

    /// <summary>Geomagnetic storms (<c>/DONKI/GST</c>).</summary>
    Gst,
}

/// <summary>
/// Deterministic NASA-shaped response bodies for any date window: NeoWs feeds, APOD ranges and DONKI event arrays,
/// shaped like the recorded fixtures (numbers NeoWs sends as strings, epoch milliseconds, optional APOD fields,
/// DONKI's <c>null</c> linkedEvents). Everything is a function of (seed, day): a day has the same objects whichever
/// window asks for it, so overlapping windows agree, and a body is written straight to UTF-8 without a document model.
/// </summary>
/// <param name="seed">The same seed gives the same bodies.</param>
/// <param name="minObjectsPerDay">Fewest close approaches per day (the fixtures have 8 to 19).</param>
/// <param name="maxObjectsPerDay">Most close approaches per day.</param>
internal sealed class NasaSampleGenerator(int seed, int minObjectsPerDay = 15, int maxObjectsPerDay = 25)
{
    /// <summary>Asteroids the close approaches are drawn from, so one asteroid comes back on several days.</summary>
    public const int AsteroidPool = 40_000;

    private const int FeedStream = 101;
    private const int AsteroidStream = 102;
    private const int ApodStream = 103;
    private const int DonkiStream = 104;

    private static readonly string[] OrbitingBodies = ["Mars", "Venus", "Merc", "Juptr"];
    private static readonly string[] ApodSubjects =
    [
        "The Ring Nebula", "A Solar Prominence", "The Andromeda Galaxy", "Comet Tails over the Alps", "The Pillars of Creation",
        "A Lunar Occultation", "Aurora over Iceland", "The Orion Nebula", "Saturn's Rings Edge-On", "A Total Solar Eclipse",
    ];

    private static readonly string[] Photographers = ["Kent Biggs", "Dan Bartlett", "Petr Horálek", "Jeff Dai", "Yuri Beletsky"];
    private static readonly string[] Instruments = ["SOHO: LASCO/C2", "SOHO: LASCO/C3", "STEREO A: SECCHI/COR2", "GOES-P: EXIS 1.0-8.0", "SDO: AIA 131"];
    private static readonly string[] CmeTypes = ["S", "S", "S", "C", "C", "O", "R"];

    /// <summary>Literal <c>&amp;</c> in URLs and literal accents, as the APIs send them (the default encoder escapes both).</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions JsonTextOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Per key, since the key is part of the bytes; filled lazily, and a race only computes the same bytes twice.
    private readonly ConcurrentDictionary<string, Asteroid?[]> asteroidCache = new(StringComparer.Ordinal);

    public int Seed { get; } = seed;

    /// <summary>
    /// A NeoWs feed body for <paramref name="start"/>..<paramref name="end"/> (both inclusive), with
    /// <paramref name="apiKey"/> echoed into every <c>links</c> URL as the real API does.
    /// </summary>
    public byte[] Feed(DateOnly start, DateOnly end, string apiKey)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        WriteFeed(buffer, start, end, apiKey);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The close approaches the feed lists on <paramref name="day"/>.</summary>
    public int ObjectsOn(DateOnly day) => SampleRandom.For(Seed, FeedStream, day.DayNumber).Between(minObjectsPerDay, maxObjectsPerDay);

    /// <summary>
    /// The feed bodies of every Monday-to-Sunday week that overlaps <paramref name="from"/>..<paramref name="to"/>,
    /// one per week partition as the NASA source would land them, generated lazily (10 years is ~520 bodies).
    /// </summary>
    public IEnumerable<(Partition Partition, byte[] Body)> FeedWeeks(DateOnly from, DateOnly to, string apiKey)
    {
        foreach (var week in Partition.Covering(PartitionScheme.Week, from, to))
        {
            yield return (week, Feed(week.Start!.Value, week.End!.Value, apiKey));
        }
    }

    /// <summary>
    /// Writes <see cref="FeedWeeks"/> as <c>{directory}/{partition}.json</c> files.
    /// </summary>
    /// <returns>The files written, and their total size in bytes.</returns>
    public (int Files, long Bytes) WriteFeedWeeks(string directory, DateOnly from, DateOnly to, string apiKey)
    {
        Directory.CreateDirectory(directory);
        var buffer = new ArrayBufferWriter<byte>(1024 * 1024);
        var files = 0;
        var bytes = 0L;
        foreach (var week in Partition.Covering(PartitionScheme.Week, from, to))
        {
            buffer.ResetWrittenCount();
            WriteFeed(buffer, week.Start!.Value, week.End!.Value, apiKey);
            using var file = new FileStream(Path.Combine(directory, week.Name + ".json"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            file.Write(buffer.WrittenSpan);
            files++;
            bytes += buffer.WrittenCount;
        }

        return (files, bytes);
    }

    /// <summary>An APOD range answer: an array, one entry per day that has one (a few days have none), ascending.</summary>
    public byte[] Apod(DateOnly start, DateOnly end)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartArray();
            for (var day = start; day <= end; day = day.AddDays(1))
            {
                WriteApod(json, day);
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A DONKI answer: the events of <paramref name="kind"/> that start in the window, a top-level array.</summary>
    public byte[] Donki(DonkiKind kind, DateOnly start, DateOnly end)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartArray();
            for (var day = start; day <= end; day = day.AddDays(1))
            {
                foreach (var time in EventTimes(kind, day))
                {
                    WriteEvent(json, kind, day, time);
                }
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteFeed(IBufferWriter<byte> buffer, DateOnly start, DateOnly end, string apiKey)
    {
        var days = end.DayNumber - start.DayNumber + 1;
        var total = 0;
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            total += ObjectsOn(day);
        }

        var key = JsonText(apiKey);
        var output = new FeedWriter(buffer);
        output.Append("{\"links\":{\"next\":\"");
        output.Append(FeedUrl(end, end.AddDays(6), key));
        output.Append("\",\"previous\":\"");
        output.Append(FeedUrl(start.AddDays(-6), start, key));
        output.Append("\",\"self\":\"");
        output.Append(FeedUrl(start, end, key));
        output.Append("\"},\"element_count\":");
        output.Append(total);
        output.Append(",\"near_earth_objects\":{");

        // The API lists the dates in no particular order (apis.md §2.2): a rotation keyed by the window keeps it honest.
        var rotation = (int)((uint)((start.DayNumber * 7) + Seed) % (uint)days);
        for (var i = 0; i < days; i++)
        {
            var day = start.AddDays((i + rotation) % days);
            if (i > 0)
            {
                output.Append(",");
            }

            output.Append("\"");
            output.AppendDate(day);
            output.Append("\":");
            WriteFeedDay(ref output, day, key);
        }

        output.Append("}}");
    }

    /// <summary>The array of close approaches the feed lists under <paramref name="day"/>, as UTF-8 JSON.</summary>
    internal byte[] FeedDay(DateOnly day, string apiKey)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var output = new FeedWriter(buffer);
        WriteFeedDay(ref output, day, JsonText(apiKey));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Written as bytes, not through <see cref="Utf8JsonWriter"/>: ten years of feed is about half a million objects, and
    /// an asteroid's fixed part (links, names, diameters) is cached as bytes per key, so only the approach is new.
    /// </summary>
    private void WriteFeedDay(ref FeedWriter output, DateOnly day, string key)
    {
        var asteroids = asteroidCache.GetOrAdd(key, _ => new Asteroid?[AsteroidPool]);
        var random = SampleRandom.For(Seed, FeedStream, day.DayNumber);
        var count = random.Between(minObjectsPerDay, maxObjectsPerDay);
        var midnight = new DateTime(day, TimeOnly.MinValue, DateTimeKind.Utc);
        output.Append("[");
        for (var n = 0; n < count; n++)
        {
            var index = random.Next(AsteroidPool);
            var asteroid = asteroids[index] ??= DescribeAsteroid(index, key);
            var minute = random.Next(24 * 60);
            var at = midnight.AddMinutes(minute);
            var kps = 1.5 + (38 * Math.Pow(random.NextDouble(), 1.6));
            var au = 0.0003 + (0.4997 * Math.Pow(random.NextDouble(), 1.3));
            var km = au * 149_597_870.7;
            var body = random.Chance(0.98) ? "Earth" : OrbitingBodies[random.Next(OrbitingBodies.Length)];

            if (n > 0)
            {
                output.Append(",");
            }

            output.Append(asteroid.Head);
            output.Append("{\"close_approach_date\":\"");
            output.AppendDate(day);
            output.Append("\",\"close_approach_date_full\":\"");
            output.AppendApproachTime(at);
            output.Append("\",\"epoch_date_close_approach\":");
            output.Append((long)(at - DateTime.UnixEpoch).TotalMilliseconds);
            output.Append(",\"relative_velocity\":{\"kilometers_per_second\":\"");
            output.Append(kps, "F10");
            output.Append("\",\"kilometers_per_hour\":\"");
            output.Append(kps * 3600, "F8");
            output.Append("\",\"miles_per_hour\":\"");
            output.Append(kps * 3600 / 1.609344, "F10");
            output.Append("\"},\"miss_distance\":{\"astronomical\":\"");
            output.Append(au, "F10");
            output.Append("\",\"lunar\":\"");
            output.Append(au * 389.1727, "F10");
            output.Append("\",\"kilometers\":\"");
            output.Append(km, "F9");
            output.Append("\",\"miles\":\"");
            output.Append(km / 1.609344, "F10");
            output.Append("\"},\"orbiting_body\":\"");
            output.Append(body);
            output.Append("\"}");
            output.Append(asteroid.Tail);
        }

        output.Append("]");
    }

    /// <summary>An asteroid's members before and after its close approach, the same on every day it comes by.</summary>
    private Asteroid DescribeAsteroid(int index, string key)
    {
        var traits = SampleRandom.For(Seed, AsteroidStream, index);
        var id = (index % 3) switch
        {
            0 => 2_000_000 + (index * 13 % 999_983),
            1 => 3_000_000 + (index * 29 % 999_979),
            _ => 54_000_000 + (index * 7 % 999_961),
        };
        var year = 1990 + traits.Next(36);
        var designation = string.Create(CultureInfo.InvariantCulture, $"({year} {(char)('A' + traits.Next(24))}{(char)('A' + traits.Next(25))}{traits.Between(1, 400)})");
        var name = id < 3_000_000 ? string.Create(CultureInfo.InvariantCulture, $"{id - 2_000_000} {designation}") : designation;
        var magnitude = Math.Round(traits.Between(16.0, 30.0), 2);

        // H → diameter for albedo 0.25..0.05 (the JPL rule the API applies): D(km) = 1329 / sqrt(p) * 10^(-H/5).
        var minKm = 1329 / Math.Sqrt(0.25) * Math.Pow(10, -magnitude / 5);
        var maxKm = minKm * 2.2360679775;

        // About 7% hazardous, as in the recorded weeks (3 to 8 of 80 to 113): mostly large ones.
        var hazardous = (magnitude < 22 && traits.Chance(0.15)) || traits.Chance(0.005);
        var sentry = traits.Chance(0.015);

        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"links\":{{\"self\":\"http://api.nasa.gov/neo/rest/v1/neo/{id}?api_key={key}\"}},\"id\":\"{id}\",\"neo_reference_id\":\"{id}\",\"name\":\"{name}\",\"nasa_jpl_url\":\"https://ssd.jpl.nasa.gov/tools/sbdb_lookup.html#/?sstr={id}\",\"absolute_magnitude_h\":{magnitude:R},\"estimated_diameter\":{{{Range("kilometers", minKm, maxKm)},{Range("meters", minKm * 1000, maxKm * 1000)},{Range("miles", minKm / 1.609344, maxKm / 1.609344)},{Range("feet", minKm * 3280.839895, maxKm * 3280.839895)}}},\"is_potentially_hazardous_asteroid\":{(hazardous ? "true" : "false")},\"close_approach_data\":[");
        var tail = sentry
            ? string.Create(CultureInfo.InvariantCulture, $"],\"is_sentry_object\":true,\"sentry_data\":\"http://api.nasa.gov/neo/rest/v1/neo/sentry/{id}?api_key={key}\"}}")
            : "],\"is_sentry_object\":false}";
        return new Asteroid(Encoding.UTF8.GetBytes(head), Encoding.UTF8.GetBytes(tail));
    }

    private static string Range(string unit, double min, double max) => string.Create(
        CultureInfo.InvariantCulture,
        $"\"{unit}\":{{\"estimated_diameter_min\":{Math.Round(min, 10):R},\"estimated_diameter_max\":{Math.Round(max, 10):R}}}");

    /// <summary>The key as it stands inside a JSON string (keys are letters and digits; anything else is escaped).</summary>
    private static string JsonText(string value)
    {
        var quoted = JsonSerializer.Serialize(value, JsonTextOptions);
        return quoted[1..^1];
    }

    private static string FeedUrl(DateOnly start, DateOnly end, string key) => string.Create(
        CultureInfo.InvariantCulture,
        $"http://api.nasa.gov/neo/rest/v1/feed?start_date={start:yyyy-MM-dd}&end_date={end:yyyy-MM-dd}&detailed=false&api_key={key}");

    /// <summary>The day's APOD entry, if it has one.</summary>
    internal void WriteApodDay(Utf8JsonWriter json, DateOnly day) => WriteApod(json, day);

    /// <summary>The events of <paramref name="kind"/> that start on <paramref name="day"/>, each as an array element.</summary>
    internal void WriteDonkiDay(Utf8JsonWriter json, DonkiKind kind, DateOnly day)
    {
        foreach (var time in EventTimes(kind, day))
        {
            WriteEvent(json, kind, day, time);
        }
    }

    /// <summary>A writer configured as the generator's own.</summary>
    internal static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);

    private void WriteApod(Utf8JsonWriter json, DateOnly day)
    {
        var random = SampleRandom.For(Seed, ApodStream, day.DayNumber);
        if (random.Chance(0.01))
        {
            // A day without an entry: the range simply skips it.
            return;
        }

        var video = random.Chance(0.12);
        var subject = ApodSubjects[random.Next(ApodSubjects.Length)];
        var slug = $"{day:yyMM}/{subject.Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)}";
        var youtube = SampleText.YoutubeId(random);

        // Keys alphabetically, as the service (Flask) sends them; hdurl and copyright only sometimes.
        json.WriteStartObject();
        if (random.Chance(0.4))
        {
            json.WriteString("copyright", Photographers[random.Next(Photographers.Length)]);
        }

        json.WriteString("date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteString("explanation", $"Sample explanation of {subject} for {day:MMMM d, yyyy}. The picture of the day shows what the title says, in more words than a title can hold.");
        if (!video && random.Chance(0.93))
        {
            json.WriteString("hdurl", $"https://apod.nasa.gov/apod/image/{slug}_2K.jpg");
        }

        json.WriteString("media_type", video ? "video" : "image");
        json.WriteString("service_version", "v1");
        if (video)
        {
            json.WriteString("thumbnail_url", $"https://img.youtube.com/vi/{youtube}/0.jpg");
        }

        json.WriteString("title", subject);
        json.WriteString("url", video ? $"https://www.youtube.com/embed/{youtube}?rel=0" : $"https://apod.nasa.gov/apod/image/{slug}_1K.jpg");
        json.WriteEndObject();
    }

    /// <summary>The start minutes of <paramref name="kind"/>'s events on <paramref name="day"/>, ascending.</summary>
    private List<int> EventTimes(DonkiKind kind, DateOnly day)
    {
        var random = SampleRandom.For(Seed, DonkiStream + (int)kind, day.DayNumber);
        var count = kind switch
        {
            DonkiKind.Cme => random.Between(0, 6),
            DonkiKind.Flr => random.Between(0, 7),
            _ => random.Chance(0.08) ? 1 : 0,
        };
        var times = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            times.Add(random.Next(24 * 60));
        }

        times.Sort();
        return times;
    }

    private static string EventId(DonkiKind kind, DateOnly day, int minute, int ordinal) => string.Create(
        CultureInfo.InvariantCulture,
        $"{day:yyyy-MM-dd}T{minute / 60:00}:{minute % 60:00}:00-{kind.ToString().ToUpperInvariant()}-{ordinal:000}");

    private static string EventTime(DateOnly day, int minute) => string.Create(
        CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}T{minute / 60:00}:{minute % 60:00}Z");

    /// <summary>The ids of the events of <paramref name="kind"/> on <paramref name="day"/>, for other events to link to.</summary>
    private List<string> EventIds(DonkiKind kind, DateOnly day)
    {
        var times = EventTimes(kind, day);
        return [.. times.Select((t, i) => EventId(kind, day, t, Ordinal(times, i)))];
    }

    /// <summary>DONKI numbers events that start in the same minute 001, 002, ...</summary>
    private static int Ordinal(List<int> times, int index)
    {
        var ordinal = 1;
        for (var j = index - 1; j >= 0 && times[j] == times[index]; j--)
        {
            ordinal++;
        }

        return ordinal;
    }

    private void WriteEvent(Utf8JsonWriter json, DonkiKind kind, DateOnly day, int minute)
    {
        var times = EventTimes(kind, day);
        var index = times.IndexOf(minute);
        var id = EventId(kind, day, minute, Ordinal(times, index));
        var random = SampleRandom.For(Seed, DonkiStream + 10 + (int)kind, (day.DayNumber * 64L) + index);
        var submitted = EventTime(minute + 300 > 24 * 60 - 1 ? day.AddDays(1) : day, (minute + 300) % (24 * 60));
        var version = random.Chance(0.75) ? 1 : random.Between(2, 4);
        var serial = 30_000 + (day.DayNumber % 10_000 * 10) + index;

        // Links: a CME to a flare of the same day, a flare to a CME of the same day, a storm to CMEs two days before.
        var linked = kind switch
        {
            DonkiKind.Cme => EventIds(DonkiKind.Flr, day).Where(_ => random.Chance(0.3)).Take(1).ToList(),
            DonkiKind.Flr => EventIds(DonkiKind.Cme, day).Where(_ => random.Chance(0.25)).Take(1).ToList(),
            _ => EventIds(DonkiKind.Cme, day.AddDays(-2)).Take(2).ToList(),
        };

        json.WriteStartObject();
        switch (kind)
        {
            case DonkiKind.Cme:
                json.WriteString("activityID", id);
                json.WriteString("catalog", "M2M_CATALOG");
                json.WriteString("startTime", EventTime(day, minute));
                WriteInstruments(json, random, 0, 3);
                json.WriteString("sourceLocation", random.Chance(0.5) ? "" : Location(random));
                WriteActiveRegion(json, random);
                json.WriteString("note", random.Chance(0.2) ? "" : "Sample CME seen in coronagraph imagery.");
                json.WriteString("submissionTime", submitted);
                json.WriteNumber("versionId", version);
                json.WriteString("link", $"https://kauai.ccmc.gsfc.nasa.gov/DONKI/view/CME/{serial}/-1");
                WriteAnalyses(json, random, day, minute, serial);
                WriteLinks(json, linked);
                break;
            case DonkiKind.Flr:
                json.WriteString("flrID", id);
                WriteInstruments(json, random, 3, 1);
                json.WriteString("beginTime", EventTime(day, minute));
                json.WriteString("peakTime", EventTime(day, Math.Min(minute + random.Between(3, 30), (24 * 60) - 1)));
                json.WriteString("endTime", EventTime(day, Math.Min(minute + random.Between(31, 90), (24 * 60) - 1)));
                json.WriteString("classType", string.Create(CultureInfo.InvariantCulture, $"{"BCCCMMX"[random.Next(7)]}{random.Between(10, 99) / 10.0:0.0}"));
                json.WriteString("sourceLocation", Location(random));
                WriteActiveRegion(json, random);
                json.WriteString("note", "");
                json.WriteString("submissionTime", submitted);
                json.WriteNumber("versionId", version);
                json.WriteString("link", $"https://kauai.ccmc.gsfc.nasa.gov/DONKI/view/FLR/{serial}/-1");
                WriteLinks(json, linked);
                break;
            default:
                json.WriteString("gstID", id);
                json.WriteString("startTime", EventTime(day, minute));
                json.WriteStartArray("allKpIndex");
                var observed = new DateTime(day, TimeOnly.MinValue, DateTimeKind.Utc).AddHours(((minute / 180) + 1) * 3);
                var readings = random.Between(1, 4);
                for (var k = 0; k < readings; k++)
                {
                    // NOAA's Kp comes in thirds (5.33, 5.67, 6.0, ...), every three hours.
                    json.WriteStartObject();
                    json.WriteString("observedTime", observed.AddHours(3 * k).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture));
                    json.WriteNumber("kpIndex", Math.Round(random.Between(15, 27) / 3.0, 2));
                    json.WriteString("source", "NOAA");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("link", $"https://kauai.ccmc.gsfc.nasa.gov/DONKI/view/GST/{serial}/-1");
                WriteLinks(json, linked);
                json.WriteString("submissionTime", submitted);
                json.WriteNumber("versionId", version);
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteInstruments(Utf8JsonWriter json, SampleRandom random, int first, int most)
    {
        json.WriteStartArray("instruments");
        var count = random.Between(1, most);
        for (var i = 0; i < count; i++)
        {
            json.WriteStartObject();
            json.WriteString("displayName", Instruments[Math.Min(first + i, Instruments.Length - 1)]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteActiveRegion(Utf8JsonWriter json, SampleRandom random)
    {
        if (random.Chance(0.6))
        {
            json.WriteNumber("activeRegionNum", random.Between(13_500, 13_900));
        }
        else
        {
            json.WriteNull("activeRegionNum");
        }
    }

    private static string Location(SampleRandom random) => string.Create(
        CultureInfo.InvariantCulture, $"{(random.Chance(0.5) ? 'N' : 'S')}{random.Between(0, 40):00}{(random.Chance(0.5) ? 'E' : 'W')}{random.Between(0, 90):00}");

    /// <summary>DONKI sends <c>null</c>, not an empty array, when nothing is linked.</summary>
    private static void WriteLinks(Utf8JsonWriter json, List<string> linked)
    {
        if (linked.Count == 0)
        {
            json.WriteNull("linkedEvents");
            return;
        }

        json.WriteStartArray("linkedEvents");
        foreach (var id in linked)
        {
            json.WriteStartObject();
            json.WriteString("activityID", id);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteAnalyses(Utf8JsonWriter json, SampleRandom random, DateOnly day, int minute, int serial)
    {
        if (random.Chance(0.03))
        {
            json.WriteNull("cmeAnalyses");
            return;
        }

        var count = random.Between(1, 3);
        var mostAccurate = random.Next(count);
        json.WriteStartArray("cmeAnalyses");
        for (var i = 0; i < count; i++)
        {
            json.WriteStartObject();
            json.WriteBoolean("isMostAccurate", i == mostAccurate);
            json.WriteString("time21_5", EventTime(minute + 240 + (i * 10) >= 24 * 60 ? day.AddDays(1) : day, (minute + 240 + (i * 10)) % (24 * 60)));
            json.WriteNumber("latitude", random.Between(-60, 60));
            if (random.Chance(0.9))
            {
                json.WriteNumber("longitude", random.Between(-90, 90));
            }
            else
            {
                json.WriteNull("longitude");
            }

            json.WriteNumber("halfAngle", random.Between(5, 60));
            json.WriteNumber("speed", random.Between(150, 2500));
            json.WriteString("type", CmeTypes[random.Next(CmeTypes.Length)]);
            json.WriteString("featureCode", "LE");
            json.WriteString("imageType", "running difference");
            json.WriteString("measurementTechnique", "SWPC_CAT");
            json.WriteString("note", "");
            json.WriteNumber("levelOfData", random.Between(0, 2));
            json.WriteNull("tilt");
            json.WriteNull("minorHalfWidth");
            json.WriteNumber("speedMeasuredAtHeight", Math.Round(random.Between(10.0, 21.5), 1));
            json.WriteString("submissionTime", EventTime(day, Math.Min(minute + 360, (24 * 60) - 1)));
            json.WriteString("link", $"https://kauai.ccmc.gsfc.nasa.gov/DONKI/view/CMEAnalysis/{serial + 1 + i}/-1");
            json.WriteNull("enlilList");
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private sealed record Asteroid(byte[] Head, byte[] Tail);

    /// <summary>Appends UTF-8 to a buffer writer: literals, numbers and dates formatted in place, no strings.</summary>
    private ref struct FeedWriter(IBufferWriter<byte> buffer)
    {
        private static readonly byte[][] Months = [.. CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames.Take(12).Select(Encoding.ASCII.GetBytes)];

        public readonly void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.GetSpan(bytes.Length));
            buffer.Advance(bytes.Length);
        }

        public readonly void Append(string ascii)
        {
            var span = buffer.GetSpan(ascii.Length * 3);
            var written = Encoding.UTF8.GetBytes(ascii, span);
            buffer.Advance(written);
        }

        public readonly void Append(long value)
        {
            var span = buffer.GetSpan(24);
            Utf8Formatter.TryFormat(value, span, out var written);
            buffer.Advance(written);
        }

        public readonly void Append(double value, string format)
        {
            var span = buffer.GetSpan(64);
            value.TryFormat(span, out var written, format, CultureInfo.InvariantCulture);
            buffer.Advance(written);
        }

        /// <summary>yyyy-MM-dd.</summary>
        public readonly void AppendDate(DateOnly day)
        {
            var span = buffer.GetSpan(10);
            day.TryFormat(span, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            buffer.Advance(written);
        }

        /// <summary>NeoWs' <c>yyyy-MMM-dd HH:mm</c> with the English month abbreviation.</summary>
        public readonly void AppendApproachTime(DateTime at)
        {
            var span = buffer.GetSpan(17);
            Utf8Formatter.TryFormat(at.Year, span, out _, new StandardFormat('D', 4));
            span[4] = (byte)'-';
            Months[at.Month - 1].CopyTo(span[5..]);
            span[8] = (byte)'-';
            Utf8Formatter.TryFormat(at.Day, span[9..], out _, new StandardFormat('D', 2));
            span[11] = (byte)' ';
            Utf8Formatter.TryFormat(at.Hour, span[12..], out _, new StandardFormat('D', 2));
            span[14] = (byte)':';
            Utf8Formatter.TryFormat(at.Minute, span[15..], out _, new StandardFormat('D', 2));
            buffer.Advance(17);
        }
    }
}
