namespace Lakehouse.Demo;

/// <summary>
/// The small fixed resources of the generated sample — 4 rockets, 6 launch pads, 7 landing pads — with the real
/// ids, names and places, so generated data joins the same way the live dump does. Counts that depend on launches
/// (attempts, successes, launch lists) are filled in by the generator.
/// </summary>
internal static class SpaceXFleet
{
    public const int Falcon1 = 0;
    public const int Falcon9 = 1;
    public const int FalconHeavy = 2;

    public const int Slc40 = 1;
    public const int Kwajalein = 3;
    public const int Slc4E = 4;
    public const int Lc39A = 5;

    public const int Lz1 = 0;
    public const int Lz2 = 1;
    public const int Lz4 = 2;
    public const int Ocisly = 3;
    public const int Jrti1 = 4;
    public const int Jrti = 5;
    public const int Asog = 6;

    public enum Zone
    {
        Pacific,
        Eastern,
        Central,
        MarshallIslands,
    }

    public static IReadOnlyList<RocketFacts> Rockets { get; } =
    [
        new RocketFacts
        {
            Id = "5e9d0d95eda69955f709d1eb", Name = "Falcon 1", Active = false, Stages = 2, Boosters = 0,
            CostPerLaunch = 6_700_000, SuccessRatePct = 40, FirstFlight = "2006-03-24",
            HeightMeters = 22.25, DiameterMeters = 1.68, MassKg = 30146,
            FirstStageThrustSeaLevelKn = 420, FirstStageThrustVacuumKn = 480, FirstStageReusable = false, FirstStageEngines = 1,
            FirstStageFuelTons = 44.3, FirstStageBurnSec = 169,
            SecondStageThrustKn = 31, SecondStageEngines = 1, SecondStageFuelTons = 3.38, SecondStageBurnSec = 378,
            IspSeaLevel = 267, IspVacuum = 304, EngineType = "merlin", EngineVersion = "1C", EngineLayout = "single",
            Propellant2 = "RP-1 kerosene", LandingLegs = 0,
            PayloadWeights = [("leo", "Low Earth Orbit", 450)],
            Wikipedia = "https://en.wikipedia.org/wiki/Falcon_1",
            Description = "Falcon 1 was SpaceX's first, expendable launcher, flown from Omelek Island between 2006 and 2009; "
                + "in 2008 it became the first privately developed liquid-fuel rocket to reach orbit.",
            FlickrImages = ["https://imgur.com/DaCfMsj.jpg", "https://imgur.com/azYafd8.jpg"],
        },
        new RocketFacts
        {
            Id = "5e9d0d95eda69973a809d1ec", Name = "Falcon 9", Active = true, Stages = 2, Boosters = 0,
            CostPerLaunch = 50_000_000, SuccessRatePct = 98, FirstFlight = "2010-06-04",
            HeightMeters = 70, DiameterMeters = 3.7, MassKg = 549054,
            FirstStageThrustSeaLevelKn = 7607, FirstStageThrustVacuumKn = 8227, FirstStageReusable = true, FirstStageEngines = 9,
            FirstStageFuelTons = 385, FirstStageBurnSec = 162,
            SecondStageThrustKn = 934, SecondStageEngines = 1, SecondStageFuelTons = 90, SecondStageBurnSec = 397,
            IspSeaLevel = 288, IspVacuum = 312, EngineType = "merlin", EngineVersion = "1D+", EngineLayout = "octaweb",
            Propellant2 = "RP-1 kerosene", LandingLegs = 4,
            PayloadWeights = [("leo", "Low Earth Orbit", 22800), ("gto", "Geosynchronous Transfer Orbit", 8300), ("mars", "Mars Orbit", 4020)],
            Wikipedia = "https://en.wikipedia.org/wiki/Falcon_9",
            Description = "Falcon 9 is a two-stage, partly reusable rocket that carries satellites and the Dragon spacecraft to orbit; "
                + "its first stage lands on a drone ship or back at the launch site.",
            FlickrImages =
            [
                "https://farm1.staticflickr.com/929/28787338307_3453a11a77_b.jpg",
                "https://farm4.staticflickr.com/3955/32915197674_eee74d81bb_b.jpg",
                "https://farm1.staticflickr.com/293/32312415025_6841e30bf1_b.jpg",
            ],
        },
        new RocketFacts
        {
            Id = "5e9d0d95eda69974db09d1ed", Name = "Falcon Heavy", Active = true, Stages = 2, Boosters = 2,
            CostPerLaunch = 90_000_000, SuccessRatePct = 100, FirstFlight = "2018-02-06",
            HeightMeters = 70, DiameterMeters = 12.2, MassKg = 1420788,
            FirstStageThrustSeaLevelKn = 22819, FirstStageThrustVacuumKn = 24681, FirstStageReusable = true, FirstStageEngines = 27,
            FirstStageFuelTons = 1155, FirstStageBurnSec = 162,
            SecondStageThrustKn = 934, SecondStageEngines = 1, SecondStageFuelTons = 90, SecondStageBurnSec = 397,
            IspSeaLevel = 288, IspVacuum = 312, EngineType = "merlin", EngineVersion = "1D+", EngineLayout = "octaweb",
            Propellant2 = "RP-1 kerosene", LandingLegs = 12,
            PayloadWeights =
            [
                ("leo", "Low Earth Orbit", 63800), ("gto", "Geosynchronous Transfer Orbit", 26700),
                ("mars", "Mars Orbit", 16800), ("pluto", "Pluto Orbit", 3500),
            ],
            Wikipedia = "https://en.wikipedia.org/wiki/Falcon_Heavy",
            Description = "Falcon Heavy straps two Falcon 9 first stages beside a strengthened centre core: 27 engines and more "
                + "than twice the payload of the next closest operational vehicle.",
            FlickrImages = ["https://farm5.staticflickr.com/4599/38583829295_581f34dd84_b.jpg", "https://farm5.staticflickr.com/4645/38583830575_3f0f7215e6_b.jpg"],
        },
        new RocketFacts
        {
            Id = "5e9d0d96eda699382d09d1ee", Name = "Starship", Active = false, Stages = 2, Boosters = 0,
            CostPerLaunch = 7_000_000, SuccessRatePct = 0, FirstFlight = "2021-12-01",
            HeightMeters = 118, DiameterMeters = 9, MassKg = 1335000,
            FirstStageThrustSeaLevelKn = 128000, FirstStageThrustVacuumKn = 138000, FirstStageReusable = true, FirstStageEngines = 37,
            FirstStageFuelTons = 3300,
            SecondStageThrustKn = 1957, SecondStageEngines = 6, SecondStageFuelTons = 1200,
            IspSeaLevel = 330, IspVacuum = 380, EngineType = "raptor", EngineVersion = string.Empty,
            Propellant2 = "liquid methane", LandingLegs = 6,
            PayloadWeights = [("leo", "Low Earth Orbit", 150000), ("mars", "Mars Orbit", 100000), ("moon", "Moon Orbit", 100000)],
            Wikipedia = "https://en.wikipedia.org/wiki/SpaceX_Starship",
            Description = "Starship and its Super Heavy booster form a fully reusable two-stage system meant for Earth orbit, "
                + "the Moon and Mars.",
            FlickrImages = ["https://i.imgur.com/sSgcuE1.jpg", "https://i.imgur.com/4TR9YZm.jpg"],
        },
    ];

    public static IReadOnlyList<PadSpec> Launchpads { get; } =
    [
        new("5e9e4501f5090910d4566f83", "VAFB SLC 3W", "Vandenberg Space Force Base Space Launch Complex 3W", "retired",
            "Vandenberg Space Force Base", "California", "America/Los_Angeles", 34.6440904, -120.5931438, Zone.Pacific, [Falcon1],
            "SpaceX's first west coast pad, built for Falcon 1; it saw a static fire but never a launch.", "https://i.imgur.com/7uXe1Kv.png"),
        new("5e9e4501f509094ba4566f84", "CCSFS SLC 40", "Cape Canaveral Space Force Station Space Launch Complex 40", "active",
            "Cape Canaveral", "Florida", "America/New_York", 28.5618571, -80.577366, Zone.Eastern, [Falcon9],
            "SpaceX's busiest pad, leased from the Air Force in 2007 and rebuilt after the Amos-6 anomaly in 2016.", "https://i.imgur.com/9oEMXwa.png"),
        new("5e9e4502f5090927f8566f85", "STLS", "SpaceX South Texas Launch Site", "under construction",
            "Boca Chica Village", "Texas", "America/Chicago", 25.9972641, -97.1560845, Zone.Central, [],
            "The Starship test and launch site at Boca Chica, near Brownsville.", "https://i.imgur.com/ZzTTC5p.png"),
        new("5e9e4502f5090995de566f86", "Kwajalein Atoll", "Kwajalein Atoll Omelek Island", "retired",
            "Omelek Island", "Marshall Islands", "Pacific/Kwajalein", 9.0477206, 167.7431292, Zone.MarshallIslands, [Falcon1],
            "Omelek Island in the Reagan Test Site hosted every Falcon 1 launch.", "https://i.imgur.com/GGPgsVs.png"),
        new("5e9e4502f509092b78566f87", "VAFB SLC 4E", "Vandenberg Space Force Base Space Launch Complex 4E", "active",
            "Vandenberg Space Force Base", "California", "America/Los_Angeles", 34.632093, -120.610829, Zone.Pacific, [Falcon9],
            "SpaceX's west coast pad for polar and sun-synchronous orbits, with Landing Zone 4 next door.", "https://i.imgur.com/asp5L08.png"),
        new("5e9e4502f509094188566f88", "KSC LC 39A", "Kennedy Space Center Historic Launch Complex 39A", "active",
            "Cape Canaveral", "Florida", "America/New_York", 28.6080585, -80.6039558, Zone.Eastern, [Falcon9, FalconHeavy],
            "The Apollo and Shuttle pad, leased by SpaceX in 2014 for Falcon Heavy and crewed Dragon launches.", "https://i.imgur.com/1jwU0Pk.png"),
    ];

    public static IReadOnlyList<LandpadSpec> Landpads { get; } =
    [
        new("5e9e3032383ecb267a34e7c7", "LZ-1", "Landing Zone 1", "active", "RTLS", "Cape Canaveral", "Florida", 28.485833, -80.544444,
            "https://en.wikipedia.org/wiki/Landing_Zones_1_and_2", "SpaceX's first east coast landing pad, on the old Launch Complex 13.", "https://i.imgur.com/KHBk6jO.png"),
        new("5e9e3032383ecb90a834e7c8", "LZ-2", "Landing Zone 2", "active", "RTLS", "Cape Canaveral", "Florida", 28.485833, -80.544444,
            "https://en.wikipedia.org/wiki/Landing_Zones_1_and_2", "The second pad at LC-13, added for Falcon Heavy side boosters.", "https://i.imgur.com/YE8PMYX.png"),
        new("5e9e3032383ecb554034e7c9", "LZ-4", "Landing Zone 4", "active", "RTLS", "Vandenberg Air Force Base", "California", 34.632989, -120.615167,
            "https://en.wikipedia.org/wiki/Vandenberg_AFB_Space_Launch_Complex_4#LZ-4_landing_history", "The west coast landing pad beside SLC-4E.", "https://i.imgur.com/647XbH6.png"),
        new("5e9e3032383ecb6bb234e7ca", "OCISLY", "Of Course I Still Love You", "active", "ASDS", "Port of Los Angeles", "California", 33.7291858, -118.262015,
            "https://en.wikipedia.org/wiki/Autonomous_spaceport_drone_ship", "A drone ship that served the east coast until 2021 and the west coast since.", "https://i.imgur.com/rbpkg01.png"),
        new("5e9e3032383ecb761634e7cb", "JRTI-1", "Just Read The Instructions V1", "retired", "ASDS", "Port Canaveral", "Florida", 28.4104, -80.6188,
            "https://en.wikipedia.org/wiki/Autonomous_spaceport_drone_ship", "The first drone ship of that name, retired in 2015.", "https://i.imgur.com/gZUJ04V.png"),
        new("5e9e3033383ecbb9e534e7cc", "JRTI", "Just Read The Instructions", "active", "ASDS", "Port Canaveral", "Florida", 28.4104, -80.6188,
            "https://en.wikipedia.org/wiki/Autonomous_spaceport_drone_ship", "A drone ship moved from the west coast to Florida in 2019.", "https://i.imgur.com/46y4O15.png"),
        new("5e9e3033383ecb075134e7cd", "ASOG", "A Shortfall of Gravitas", "active", "ASDS", "Port Canaveral", "Florida", 28.4104, -80.6188,
            "https://en.wikipedia.org/wiki/Autonomous_spaceport_drone_ship", "The newest drone ship, in service since 2021.", "https://i.imgur.com/PkrS8vQ.png"),
    ];

    /// <summary>
    /// The UTC offset at a pad at an instant: US daylight saving rules computed here rather than read from the
    /// machine's time zone database, so a sample is byte-identical on every machine.
    /// </summary>
    public static TimeSpan OffsetAt(Zone zone, DateTimeOffset utc)
    {
        var standard = zone switch
        {
            Zone.Pacific => TimeSpan.FromHours(-8),
            Zone.Eastern => TimeSpan.FromHours(-5),
            Zone.Central => TimeSpan.FromHours(-6),
            _ => TimeSpan.FromHours(12),
        };
        if (zone == Zone.MarshallIslands)
        {
            return standard;
        }

        var year = utc.Year;
        DateTime start, end;
        if (year >= 2007)
        {
            start = NthSunday(year, 3, 2);
            end = NthSunday(year, 11, 1);
        }
        else
        {
            start = NthSunday(year, 4, 1);
            end = LastSunday(year, 10);
        }

        // Both switches happen at 02:00 local time.
        var startUtc = new DateTimeOffset(start.AddHours(2) - standard, TimeSpan.Zero);
        var endUtc = new DateTimeOffset(end.AddHours(2) - standard - TimeSpan.FromHours(1), TimeSpan.Zero);
        return utc >= startUtc && utc < endUtc ? standard + TimeSpan.FromHours(1) : standard;
    }

    private static DateTime NthSunday(int year, int month, int n)
    {
        var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var firstSunday = first.AddDays(((int)DayOfWeek.Sunday - (int)first.DayOfWeek + 7) % 7);
        return firstSunday.AddDays(7 * (n - 1));
    }

    private static DateTime LastSunday(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Unspecified);
        return last.AddDays(-(int)last.DayOfWeek);
    }

    internal sealed record PadSpec(
        string Id,
        string Name,
        string FullName,
        string Status,
        string Locality,
        string Region,
        string Timezone,
        double Latitude,
        double Longitude,
        Zone Zone,
        IReadOnlyList<int> Rockets,
        string Details,
        string Image);

    internal sealed record LandpadSpec(
        string Id,
        string Name,
        string FullName,
        string Status,
        string Type,
        string Locality,
        string Region,
        double Latitude,
        double Longitude,
        string Wikipedia,
        string Details,
        string Image);
}
