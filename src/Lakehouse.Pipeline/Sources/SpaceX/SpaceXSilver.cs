using Lakehouse.Silver.Declarations;

namespace Lakehouse.Sources.SpaceX;

/// <summary>
/// The SpaceX silver tables, declared once: from these the transform's scripts, checks, quarantine reasons, drift
/// reports and the tables' schema are written (<see cref="SilverSqlWriter"/>). Every document has a string id; of
/// each id the last one seen wins. References (rocket, launchpad, cores[].core, ...) may be populated documents,
/// whose id is taken.
/// </summary>
internal static class SpaceXSilver
{
    public static IReadOnlyList<SilverDataset> Datasets { get; } =
    [
        Launches(),
        Document(
            "rockets",
            "SpaceX rockets (GET /v4/rockets, POST /v4/rockets/query): one row per rocket, its size in metric units",
            "rocket_id",
            [
                new("name", SilverType.String),
                new("type", SilverType.String),
                new("active", SilverType.Boolean),
                new("stages", SilverType.Integer),
                new("boosters", SilverType.Integer),
                new("cost_per_launch", SilverType.BigInt),
                new("success_rate_pct", SilverType.Integer),
                new("first_flight", SilverType.Date),
                new("country", SilverType.String),
                new("company", SilverType.String),
                new("height_m", SilverType.Double, "height.meters"),
                new("diameter_m", SilverType.Double, "diameter.meters"),
                new("mass_kg", SilverType.Double, "mass.kg"),
                new("description", SilverType.String),
            ],
            "wikipedia", "first_stage", "second_stage", "engines", "landing_legs", "payload_weights", "flickr_images",
            "height.feet", "diameter.feet", "mass.lb"),
        Document(
            "launchpads",
            "SpaceX launchpads (GET /v4/launchpads, POST /v4/launchpads/query): one row per launchpad",
            "launchpad_id",
            [
                new("name", SilverType.String),
                new("full_name", SilverType.String),
                new("status", SilverType.String),
                new("locality", SilverType.String),
                new("region", SilverType.String),
                new("timezone", SilverType.String),
                new("latitude", SilverType.Double),
                new("longitude", SilverType.Double),
                new("launch_attempts", SilverType.Integer),
                new("launch_successes", SilverType.Integer),
            ],
            "rockets", "launches", "details", "images"),
        Document(
            "landpads",
            "SpaceX landing pads and drone ships (GET /v4/landpads, POST /v4/landpads/query): one row per landpad",
            "landpad_id",
            [
                new("name", SilverType.String),
                new("full_name", SilverType.String),
                new("status", SilverType.String),
                new("type", SilverType.String),
                new("locality", SilverType.String),
                new("region", SilverType.String),
                new("latitude", SilverType.Double),
                new("longitude", SilverType.Double),
                new("landing_attempts", SilverType.Integer),
                new("landing_successes", SilverType.Integer),
            ],
            "wikipedia", "details", "launches", "images"),
        Document(
            "payloads",
            "SpaceX payloads (GET /v4/payloads, POST /v4/payloads/query): one row per payload, with its orbit",
            "payload_id",
            [
                new("name", SilverType.String),
                new("type", SilverType.String),
                new("reused", SilverType.Boolean),
                new("launch_id", SilverType.Id, "launch"),
                new("customers", SilverType.ListOf(SilverType.String)),
                new("nationalities", SilverType.ListOf(SilverType.String)),
                new("manufacturers", SilverType.ListOf(SilverType.String)),
                new("norad_ids", SilverType.ListOf(SilverType.Integer)),
                new("mass_kg", SilverType.Double),
                new("orbit", SilverType.String),
                new("reference_system", SilverType.String),
                new("regime", SilverType.String),
                new("periapsis_km", SilverType.Double),
                new("apoapsis_km", SilverType.Double),
                new("inclination_deg", SilverType.Double),
                new("period_min", SilverType.Double),
            ],
            "mass_lbs", "longitude", "semi_major_axis_km", "eccentricity", "lifespan_years", "epoch", "mean_motion", "raan",
            "arg_of_pericenter", "mean_anomaly", "dragon"),
        Document(
            "cores",
            "SpaceX first-stage cores (GET /v4/cores, POST /v4/cores/query): one row per core",
            "core_id",
            [
                new("serial", SilverType.String),
                new("block", SilverType.Integer),
                new("status", SilverType.String),
                new("reuse_count", SilverType.Integer),
                new("rtls_attempts", SilverType.Integer),
                new("rtls_landings", SilverType.Integer),
                new("asds_attempts", SilverType.Integer),
                new("asds_landings", SilverType.Integer),
                new("last_update", SilverType.String),
            ],
            "launches"),
        Document(
            "crew",
            "SpaceX crew members (GET /v4/crew, POST /v4/crew/query): one row per person",
            "crew_id",
            [
                new("name", SilverType.String),
                new("status", SilverType.String),
                new("agency", SilverType.String),
                new("wikipedia", SilverType.String),
            ],
            "image", "launches"),
        Document(
            "capsules",
            "SpaceX Dragon capsules (GET /v4/capsules, POST /v4/capsules/query): one row per capsule",
            "capsule_id",
            [
                new("serial", SilverType.String),
                new("status", SilverType.String),
                new("type", SilverType.String),
                new("reuse_count", SilverType.Integer),
                new("water_landings", SilverType.Integer),
                new("land_landings", SilverType.Integer),
                new("last_update", SilverType.String),
            ],
            "dragon", "launches"),
    ];

    /// <summary>
    /// Launches (GET /v5/launches, POST /v5/launches/query; v4 bodies too): one row per launch, and one per entry of
    /// its cores, payloads, crew and failures arrays. crew entries are v5 objects <c>{crew, role}</c> or v4 id strings.
    /// </summary>
    private static SilverDataset Launches() => new(
        "launches",
        new SilverTable(
            "spacex_launches",
            [
                Id("launch_id"),
                new("flight_number", SilverType.Integer),
                new("name", SilverType.String),
                new("date_utc", SilverType.Timestamp),
                new("date_unix", SilverType.BigInt),
                new("date_local", SilverType.String),
                new("date_precision", SilverType.String),
                new("tbd", SilverType.Boolean),
                new("net", SilverType.Boolean),
                new("window_seconds", SilverType.Integer, "window"),
                new("static_fire_date_utc", SilverType.Timestamp),
                new("rocket_id", SilverType.Id, "rocket"),
                new("launchpad_id", SilverType.Id, "launchpad"),
                new("success", SilverType.Boolean),
                new("upcoming", SilverType.Boolean),
                new("details", SilverType.String),
                new("fairings_reused", SilverType.Boolean, "fairings.reused"),
                new("fairings_recovery_attempt", SilverType.Boolean, "fairings.recovery_attempt"),
                new("fairings_recovered", SilverType.Boolean, "fairings.recovered"),
                new("ship_ids", SilverType.ListOf(SilverType.Id, nullEntryIsWrong: true), "ships"),
                new("capsule_ids", SilverType.ListOf(SilverType.Id, nullEntryIsWrong: true), "capsules"),
                new("auto_update", SilverType.Boolean),
                new("launch_library_id", SilverType.String),
                new("webcast", SilverType.String, "links.webcast"),
                new("wikipedia", SilverType.String, "links.wikipedia"),
                new("article", SilverType.String, "links.article"),
                new("patch_small", SilverType.String, "links.patch.small"),
            ],
            "launch_id")
        {
            Ignored =
            [
                "static_fire_date_unix", "fairings.ships", "links.reddit", "links.flickr", "links.presskit", "links.youtube_id",
                "links.patch.large",
            ],
        })
    {
        Comment = "SpaceX launches (GET /v5/launches, POST /v5/launches/query; v4 bodies too): one row per launch, and one per entry of its cores, payloads, crew and failures",
        Entries =
        [
            new("cores", new SilverTable(
                "spacex_launch_cores",
                [
                    SilverColumn.Parent("launch_id", SilverType.String),
                    SilverColumn.Ordinal("core_ordinal") with { Comment = "1-based position in the launch's cores array" },
                    new("core_id", SilverType.Id, "core") { Comment = "null for unknown cores (19 entries in the 2022 dump)" },
                    new("flight", SilverType.Integer),
                    new("gridfins", SilverType.Boolean),
                    new("legs", SilverType.Boolean),
                    new("reused", SilverType.Boolean),
                    new("landing_attempt", SilverType.Boolean),
                    new("landing_success", SilverType.Boolean),
                    new("landing_type", SilverType.String),
                    new("landpad_id", SilverType.Id, "landpad"),
                ])),
            new("payloads", new SilverTable(
                "spacex_launch_payloads",
                [
                    SilverColumn.Parent("launch_id", SilverType.String),
                    SilverColumn.Ordinal("payload_ordinal"),
                    new("payload_id", SilverType.Id) { Required = true },
                ]))
            {
                Scalars = true,
            },
            new("crew", new SilverTable(
                "spacex_launch_crew",
                [
                    SilverColumn.Parent("launch_id", SilverType.String),
                    SilverColumn.Ordinal("crew_ordinal"),
                    new("crew_id", SilverType.Id, "crew"),
                    new("role", SilverType.String),
                ]))
            {
                StringEntryColumn = "crew_id",
            },
            new("failures", new SilverTable(
                "spacex_launch_failures",
                [
                    SilverColumn.Parent("launch_id", SilverType.String),
                    SilverColumn.Ordinal("failure_ordinal"),
                    new("time_seconds", SilverType.Integer, "time"),
                    new("altitude_km", SilverType.Integer, "altitude"),
                    new("reason", SilverType.String),
                ])),
        ],
    };

    /// <summary>A document endpoint's dataset: one row per document, keyed by its string id (<paramref name="key"/>).</summary>
    private static SilverDataset Document(string name, string comment, string key, SilverColumn[] columns, params string[] ignored) =>
        new(name, new SilverTable($"spacex_{name}", [Id(key), .. columns], key) { Ignored = ignored }) { Comment = comment };

    private static SilverColumn Id(string name) => new(name, SilverType.String, "id") { Required = true };
}
