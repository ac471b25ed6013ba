using Lakehouse.Silver.Declarations;

namespace Lakehouse.Sources.Nasa;

/// <summary>
/// NASA's silver, declared once (NeoWs feed, APOD, DONKI CME/FLR/GST): from this the schema, the scripts, their checks
/// and quarantine reasons, and drift are written. NASA's own conversions are the macros of <c>Silver/macros.sql</c>:
/// NeoWs sends velocities and distances as decimal strings (DOUBLE here), epoch milliseconds and DONKI's
/// minute-precision times become TIMESTAMP (UTC).
/// </summary>
/// <remarks>
/// A table is filled by one dataset only: silver file keys are per source, table, partition and run, so two datasets
/// landing the same month in one run would overwrite each other's file of a shared table. That is why each DONKI kind
/// has its own linked-events table; gold unions them.
/// </remarks>
internal static class NasaSilver
{
    /// <summary>A decimal string (or a JSON number), finite: <c>"19.5837740579"</c>.</summary>
    private static readonly SilverType Number = new("DOUBLE", "nasa_finite_number({0})", "a number");

    /// <summary>NeoWs' <c>'2024-Mar-16 12:05'</c>.</summary>
    private static readonly SilverType DateFull = new("TIMESTAMP", "nasa_date_full({0})", "a timestamp");

    /// <summary>DONKI's <c>'2024-05-01T00:48Z'</c>, or full ISO-8601.</summary>
    private static readonly SilverType DonkiTime = new("TIMESTAMP", "donki_time({0})", "a timestamp");

    /// <summary>A string whose empty value is DONKI's "unknown": NULL, but not a wrong type.</summary>
    private static readonly SilverType DonkiText = new("VARCHAR", "donki_text({0})", "a string") { Test = "silver_string({0})" };

    /// <summary>APOD's credit, trimmed, its line breaks made spaces; a blank one is NULL, but not a wrong type.</summary>
    private static readonly SilverType Credit = new("VARCHAR", "apod_credit({0})", "a string") { Test = "silver_string({0})" };

    /// <summary>The number of entries of an array, 0 when it is null.</summary>
    private static readonly SilverType Count = new("INTEGER", "donki_count({0})", "an array") { Test = "silver_entries({0})" };

    /// <summary>The largest <c>kpIndex</c> of an array of <c>{kpIndex}</c>, null when it has none.</summary>
    private static readonly SilverType KpIndexMax = new("DOUBLE", "donki_kp_index_max({0})", "an array of objects") { Test = "silver_objects({0})" };

    /// <summary><c>instruments: [{displayName}]</c>, kept as the list of names.</summary>
    private static readonly SilverType Instruments = SilverType.ListOf(SilverType.String, "displayName");

    /// <summary>The datasets, <c>neo_feed</c> first.</summary>
    public static IReadOnlyList<SilverDataset> Datasets { get; } =
    [
        // near_earth_objects is an object keyed by date whose values are arrays of asteroids; the runner flattens it. An
        // asteroid listed under two dates of one response is one asteroid row (the last seen) and one approach row per
        // epoch. Legacy (2016) objects have no id, is_sentry_object or close_approach_date_full: neo_reference_id (the
        // same SPK-ID) stands in for the id, the others are null. An approach without epoch_date_close_approach has no
        // key and quarantines its asteroid.
        new("neo_feed", new SilverTable(
            "nasa_asteroids",
            [
                new SilverColumn("asteroid_id", SilverType.String, "id") { Required = true, Comment = "id, or neo_reference_id in legacy (2016) responses that lack id" }
                    .Or("neo_reference_id"),
                new("neo_reference_id", SilverType.String),
                new("name", SilverType.String),
                new("nasa_jpl_url", SilverType.String),
                new("absolute_magnitude_h", SilverType.Double),
                new("estimated_diameter_min_km", SilverType.Double, "estimated_diameter.kilometers.estimated_diameter_min"),
                new("estimated_diameter_max_km", SilverType.Double, "estimated_diameter.kilometers.estimated_diameter_max"),
                new("is_potentially_hazardous", SilverType.Boolean, "is_potentially_hazardous_asteroid"),
                new("is_sentry_object", SilverType.Boolean) { Comment = "null in legacy responses" },
            ],
            "asteroid_id")
        {
            Comment = "One row per asteroid per feed observation (the last one seen of an id in a chunk).",
            Ignored =
            [
                "links", "designation", "name_limited", "orbital_data", "sentry_data",
                "estimated_diameter.meters", "estimated_diameter.miles", "estimated_diameter.feet",
            ],
        })
        {
            Comment = "NeoWs feed (GET /neo/rest/v1/feed): one row per asteroid, and one per entry of its close_approach_data",
            Elements = "near_earth_objects.*",
            Entries =
            [
                // Keyed across listings: of each (asteroid, epoch) the last approach seen among the valid asteroids.
                new("close_approach_data", new SilverTable(
                    "nasa_close_approaches",
                    [
                        SilverColumn.Parent("asteroid_id", SilverType.String),
                        new("epoch_date_close_approach", SilverType.BigInt) { Required = true, Comment = "Unix epoch milliseconds, as sent" },
                        SilverColumn.Computed("close_approach_at", SilverType.Timestamp, "epoch_ms(epoch_date_close_approach)", notNull: true)
                            with { Comment = "the same instant as a timestamp" },
                        new("close_approach_date", SilverType.Date),
                        new("close_approach_date_full", DateFull) { Comment = "'2024-Mar-16 12:05' parsed; null in legacy responses" },
                        new("relative_velocity_km_s", Number, "relative_velocity.kilometers_per_second"),
                        new("relative_velocity_km_h", Number, "relative_velocity.kilometers_per_hour"),
                        new("relative_velocity_mph", Number, "relative_velocity.miles_per_hour"),
                        new("miss_distance_au", Number, "miss_distance.astronomical"),
                        new("miss_distance_lunar", Number, "miss_distance.lunar"),
                        new("miss_distance_km", Number, "miss_distance.kilometers"),
                        new("miss_distance_miles", Number, "miss_distance.miles"),
                        new("orbiting_body", SilverType.String) { Comment = "'Earth', 'Merc', 'Venus', ... as sent" },
                    ],
                    "asteroid_id", "epoch_date_close_approach")
                {
                    Comment = "One row per close approach (asteroid x epoch), the last one seen in a chunk.",
                }),
            ],
        },

        // hdurl, thumbnail_url and copyright are often absent (videos have no hdurl; copyright only for images that are
        // not public domain). The date is the key: a day without a parsable date is quarantined, and so is an APOD error
        // body ({"code", "msg", "service_version"}), which has none.
        new("apod", new SilverTable(
            "nasa_apod",
            [
                new("apod_date", SilverType.Date, "date") { Required = true },
                new("title", SilverType.String),
                new("explanation", SilverType.String),
                new("media_type", SilverType.String),
                new("url", SilverType.String),
                new("hdurl", SilverType.String),
                new("thumbnail_url", SilverType.String),
                new("copyright", Credit) { Comment = "trimmed, line breaks inside it made spaces" },
                new("service_version", SilverType.String),
            ],
            "apod_date"))
        {
            Comment = "APOD (GET /planetary/apod): one row per day; a range answers with an array of days, a single date with the day itself",
            Elements = "$",
        },

        new("donki_cme", Event("nasa_donki_cme", "activity_id", "activityID",
            [
                new("catalog", SilverType.String),
                new("start_time", DonkiTime, "startTime"),
                new("source_location", DonkiText, "sourceLocation") { Comment = "null when DONKI sends an empty string" },
                new("active_region_num", SilverType.Integer, "activeRegionNum"),
                new("note", SilverType.String),
                new("instruments", Instruments) { Comment = "displayName of each instrument" },
            ]))
        {
            Comment = "DONKI coronal mass ejections (GET /DONKI/CME): one row per CME, one per entry of its cmeAnalyses and one per linked event",
            EmptyBodyHasNoElements = true,
            Entries =
            [
                new("cmeAnalyses", new SilverTable(
                    "nasa_donki_cme_analyses",
                    [
                        SilverColumn.Parent("activity_id", SilverType.String),
                        SilverColumn.Ordinal("analysis_ordinal") with { Comment = "1-based position in cmeAnalyses" },
                        new("is_most_accurate", SilverType.Boolean, "isMostAccurate"),
                        new("time21_5", DonkiTime),
                        new("latitude", SilverType.Double),
                        new("longitude", SilverType.Double),
                        new("half_angle", SilverType.Double, "halfAngle"),
                        new("speed_km_s", SilverType.Double, "speed"),
                        new("type", SilverType.String),
                        new("feature_code", SilverType.String, "featureCode"),
                        new("image_type", SilverType.String, "imageType"),
                        new("measurement_technique", SilverType.String, "measurementTechnique"),
                        new("note", SilverType.String),
                        new("level_of_data", SilverType.Integer, "levelOfData"),
                        new("tilt", SilverType.Double),
                        new("minor_half_width", SilverType.Double, "minorHalfWidth"),
                        new("speed_measured_at_height", SilverType.Double, "speedMeasuredAtHeight"),
                        new("submission_time", DonkiTime, "submissionTime"),
                        new("link", SilverType.String),
                        new("enlil_simulations", Count, "enlilList") { Comment = "entries of enlilList (0 when null)" },
                    ])),
                LinkedEvents("nasa_donki_cme_linked_events", "CME", "activity_id"),
            ],
        },

        // classType is the GOES class, a letter and a magnitude ('M1.8', 'X9.3'): kept as sent and split in two. A class
        // that does not read as letter + number keeps its text and has no letter or magnitude.
        new("donki_flr", Event("nasa_donki_flr", "flr_id", "flrID",
            [
                new("begin_time", DonkiTime, "beginTime"),
                new("peak_time", DonkiTime, "peakTime"),
                new("end_time", DonkiTime, "endTime"),
                new("class_type", SilverType.String, "classType") { Comment = "GOES class as sent, e.g. 'M1.8'" },
                SilverColumn.Computed("class_letter", SilverType.String, "donki_class_letter(class_type)") with { Comment = "'A', 'B', 'C', 'M' or 'X'" },
                SilverColumn.Computed("class_magnitude", SilverType.Double, "donki_class_magnitude(class_type)") with { Comment = "the number after the letter, e.g. 1.8" },
                new("source_location", DonkiText, "sourceLocation"),
                new("active_region_num", SilverType.Integer, "activeRegionNum"),
                new("note", SilverType.String),
                new("instruments", Instruments),
            ]))
        {
            Comment = "DONKI solar flares (GET /DONKI/FLR): one row per flare and one per linked event",
            EmptyBodyHasNoElements = true,
            Entries = [LinkedEvents("nasa_donki_flr_linked_events", "FLR", "flr_id")],
        },

        new("donki_gst", Event("nasa_donki_gst", "gst_id", "gstID",
            [
                new("start_time", DonkiTime, "startTime"),
                new("kp_index_max", KpIndexMax, "allKpIndex") { Comment = "the largest kpIndex of allKpIndex" },
            ]))
        {
            Comment = "DONKI geomagnetic storms (GET /DONKI/GST): one row per storm, one per entry of its allKpIndex and one per linked event",
            EmptyBodyHasNoElements = true,
            Entries =
            [
                new("allKpIndex", new SilverTable(
                    "nasa_donki_gst_kp_index",
                    [
                        SilverColumn.Parent("gst_id", SilverType.String),
                        SilverColumn.Ordinal("kp_ordinal"),
                        new("observed_time", DonkiTime, "observedTime"),
                        new("kp_index", SilverType.Double, "kpIndex"),
                        new("source", SilverType.String),
                    ])),
                LinkedEvents("nasa_donki_gst_linked_events", "GST", "gst_id"),
            ],
        },
    ];

    /// <summary>
    /// A DONKI event: its id, the kind's own columns, then what every kind ends with. DONKI revises an event and bumps
    /// its <c>versionId</c>, and a re-read window lands it again: of each id the highest version wins, then the last seen.
    /// </summary>
    private static SilverTable Event(string table, string id, string idMember, IReadOnlyList<SilverColumn> columns) =>
        new(table,
            [
                new(id, SilverType.String, idMember) { Required = true },
                .. columns,
                new("submission_time", DonkiTime, "submissionTime"),
                new("version_id", SilverType.Integer, "versionId"),
                new("link", SilverType.String),
            ],
            id)
        {
            NewestBy = "version_id",
        };

    /// <summary>
    /// <c>linkedEvents</c>: null when there are none, else <c>[{activityID}]</c>; an entry without an id links nothing
    /// and is wrong. <paramref name="kind"/> tells the kinds apart once gold unions the tables.
    /// </summary>
    private static SilverEntries LinkedEvents(string table, string kind, string eventId) =>
        new("linkedEvents", new SilverTable(
            table,
            [
                SilverColumn.Parent("event_id", SilverType.String, eventId),
                SilverColumn.Computed("event_kind", SilverType.String, $"'{kind}'", notNull: true) with { Comment = $"'{kind}'" },
                SilverColumn.Ordinal("link_ordinal"),
                new("linked_activity_id", SilverType.String, "activityID") { Required = true },
            ]));
}
