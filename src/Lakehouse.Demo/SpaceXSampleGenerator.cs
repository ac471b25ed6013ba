using System.Globalization;

namespace Lakehouse.Demo;

/// <summary>
/// A deterministic SpaceX dump: the same seed and scale give a byte-identical catalog. Scale 1 is shaped like the
/// real dump (≈205 launches of ≈2.5 KB, ≈225 payloads, 4 rockets, 6 launch pads, 7 landing pads, and the cores,
/// crew and capsules the launches reference); scale 1000 is ≈200k launches and ≈0.5 GB of launch JSON.
/// </summary>
/// <remarks>
/// Construction plans the structure only (who flies what, when, with which booster) in small per-element records;
/// the JSON is written when <see cref="Elements"/> is enumerated, each element from its own random stream, so a
/// benchmark can stream a large dump to disk without holding it.
/// </remarks>
internal sealed partial class SpaceXSampleGenerator
{
    private const int LaunchStream = 1;
    private const int PayloadStream = 2;
    private const int CrewStream = 4;
    private const int CapsuleStream = 5;

    private const int MaxBoosterFlights = 15;
    private const int MaxCapsuleFlights = 5;
    private const string Dragon1Id = "5e9d058759b1ff74a7ad5f8f";
    private const string Dragon2Id = "5e9d058859b1ffd8e2ad5f90";

    private static readonly DateTimeOffset FirstLaunch = new(2006, 3, 24, 22, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastPastLaunch = new(2022, 10, 5, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstUpcoming = new(2022, 10, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastUpcoming = new(2022, 12, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestOrbitEpoch = new(2022, 11, 30, 0, 0, 0, TimeSpan.Zero);

    // The real dump's upcoming launches: mostly month or day placeholders, some with a set hour.
    private static readonly string[] UpcomingPrecisions = ["hour", "day", "month", "month"];
    private static readonly int[] LaunchWindows = [7200, 5400, 9000, 14400, 2520];

    private readonly int seed;
    private readonly int idSalt;
    private readonly List<PlannedLaunch> launches = [];
    private readonly List<BoosterUnit> boosters = [];
    private readonly List<Astronaut> astronauts = [];
    private readonly List<CapsuleUnit> capsules = [];
    private readonly List<int> payloadLaunch = [];
    private int dragon1Serials;
    private int dragon2Serials;

    public SpaceXSampleGenerator(int seed, double scale)
    {
        if (!(scale > 0) || double.IsInfinity(scale) || scale > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be above 0 (1 is the size of the real dump).");
        }

        this.seed = seed;
        Scale = scale;
        idSalt = (int)(SampleRandom.Mix((ulong)(uint)seed) & 0xFFFFFF);
        Plan();
    }

    public double Scale { get; }

    public static SpaceXCatalog Generate(int seed, double scale) => new SpaceXSampleGenerator(seed, scale).ToCatalog();

    public int Count(string resource) => resource switch
    {
        SpaceXCatalog.Launches => launches.Count,
        SpaceXCatalog.Rockets => SpaceXFleet.Rockets.Count,
        SpaceXCatalog.Launchpads => SpaceXFleet.Launchpads.Count,
        SpaceXCatalog.Landpads => SpaceXFleet.Landpads.Count,
        SpaceXCatalog.Payloads => payloadLaunch.Count,
        SpaceXCatalog.Cores => boosters.Count,
        SpaceXCatalog.Crew => astronauts.Count,
        SpaceXCatalog.Capsules => capsules.Count,
        _ => throw new ArgumentException($"Unknown SpaceX resource '{resource}'.", nameof(resource)),
    };

    /// <summary>The elements of one resource in the order the API lists them, written as they are enumerated.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Elements(string resource) => resource switch
    {
        SpaceXCatalog.Launches => WriteAll(launches.Count, (writer, i) => writer.Launch(LaunchAt(i))),
        SpaceXCatalog.Rockets => WriteAll(SpaceXFleet.Rockets.Count, (writer, i) => writer.Rocket(SpaceXFleet.Rockets[i])),
        SpaceXCatalog.Launchpads => Launchpads(),
        SpaceXCatalog.Landpads => Landpads(),
        SpaceXCatalog.Payloads => WriteAll(payloadLaunch.Count, (writer, i) => writer.Payload(PayloadAt(i))),
        SpaceXCatalog.Cores => WriteAll(boosters.Count, (writer, i) => writer.Core(CoreAt(i))),
        SpaceXCatalog.Crew => WriteAll(astronauts.Count, (writer, i) => writer.Crew(AstronautAt(i))),
        SpaceXCatalog.Capsules => WriteAll(capsules.Count, (writer, i) => writer.Capsule(CapsuleAt(i))),
        _ => throw new ArgumentException($"Unknown SpaceX resource '{resource}'.", nameof(resource)),
    };

    /// <summary>Writes a resource as the JSON array <c>GET /v4/{resource}</c> answers, element by element.</summary>
    public void WriteArray(string resource, Stream destination)
    {
        destination.WriteByte((byte)'[');
        var first = true;
        foreach (var element in Elements(resource))
        {
            if (!first)
            {
                destination.WriteByte((byte)',');
            }

            destination.Write(element.Span);
            first = false;
        }

        destination.WriteByte((byte)']');
    }

    public SpaceXCatalog ToCatalog()
    {
        var catalog = SpaceXCatalog.Empty;
        foreach (var resource in SpaceXCatalog.ResourceNames)
        {
            catalog = catalog.With(resource, Elements(resource).ToList());
        }

        return catalog;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> WriteAll(int count, Func<SpaceXElementWriter, int, byte[]> write)
    {
        using var writer = new SpaceXElementWriter();
        for (var i = 0; i < count; i++)
        {
            yield return write(writer, i);
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset instant, string precision) => precision switch
    {
        "month" => new DateTimeOffset(instant.Year, instant.Month, 1, 0, 0, 0, TimeSpan.Zero),
        "day" => new DateTimeOffset(instant.Year, instant.Month, instant.Day, 0, 0, 0, TimeSpan.Zero),
        _ => new DateTimeOffset(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero),
    };

    /// <summary>
    /// Where launch <paramref name="i"/> falls between the first launch (0) and the last past one (1). Falcon 1 flew
    /// 2006-2008 (the first 15% of the span); Falcon 9 from 2010 (25%) with a cadence that keeps growing: in the real
    /// record its n-th of N launches sits close to (n/N)^(3/8) of the remaining span.
    /// </summary>
    private static double TimelinePosition(int i, int falcon1, int past, double jitter)
    {
        if (i < falcon1)
        {
            return 0.15 * (i + (i == 0 ? 0 : jitter)) / falcon1;
        }

        var share = (i - falcon1 + jitter) / Math.Max(1, past - falcon1);

        // Math.Sqrt is exact on every platform, unlike Math.Pow, so the sample stays byte-identical everywhere.
        return 0.25 + (0.75 * Math.Sqrt(Math.Sqrt(Math.Sqrt(share * share * share))));
    }

    // A month placeholder is the first instant of a month that is still ahead, as in the real stale records.
    private static DateTimeOffset UpcomingDate(DateTimeOffset instant, string precision)
    {
        var date = Truncate(instant, precision);
        return date < FirstUpcoming ? date.AddMonths(1) : date;
    }

    private static Mission PickMission(SampleRandom random, double era)
    {
        var x = random.NextDouble();
        if (era < Era.ReusedBoosters)
        {
            return x < 0.40 ? Mission.Commercial : x < 0.70 ? Mission.Cargo : Mission.Government;
        }

        if (era < Era.Starlink)
        {
            return x < 0.55 ? Mission.Commercial
                : x < 0.73 ? Mission.Cargo
                : x < 0.95 ? Mission.Government
                : Mission.Rideshare;
        }

        return x < 0.52 ? Mission.Starlink
            : x < 0.67 ? Mission.Commercial
            : x < 0.74 ? Mission.Cargo
            : x < 0.80 ? (era > Era.CrewDragon ? Mission.Crewed : Mission.Cargo)
            : x < 0.92 ? Mission.Government
            : Mission.Rideshare;
    }

    private string IdFor(int tag, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{0x5eb87c00u + (uint)index:x8}{tag:x2}{idSalt:x6}{index:x8}");

    private string LaunchId(int index) => IdFor(0x01, index);

    private string PayloadId(int index) => IdFor(0x02, index);

    private string CoreId(int index) => IdFor(0x03, index);

    private string CrewId(int index) => IdFor(0x04, index);

    private string CapsuleId(int index) => IdFor(0x05, index);

    private void Plan()
    {
        var random = SampleRandom.For(seed, 0, 0);
        var upcoming = (int)Math.Round(18 * Scale);
        var total = Math.Max(upcoming + 1, (int)Math.Round(205 * Scale));
        var past = total - upcoming;
        var falcon1 = Math.Clamp((int)Math.Round(5 * Scale), 1, Math.Max(1, past / 10));
        var falcon1Failures = (int)Math.Round(falcon1 * 0.6);

        // The real dump has exactly one past launch with success null among 187; keep that rate, and at least one.
        var nullSuccessPeriod = Math.Min(past, 187);
        var nullSuccessPhase = nullSuccessPeriod * 4 / 5;

        // Guarantee the rarer shapes at every scale: one Falcon Heavy and one crewed flight among the past launches.
        var falcon9Era = past - falcon1;
        var forcedHeavy = falcon1 + (falcon9Era * 5 / 8);
        var forcedCrewed = falcon1 + (falcon9Era * 9 / 10);

        var kindCounters = new int[Enum.GetValues<Mission>().Length];
        var boosterPool = new List<int>();
        var astronautPool = new List<int>();
        var capsulePools = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var span = LastPastLaunch - FirstLaunch;

        for (var i = 0; i < past; i++)
        {
            var era = (double)i / past;

            var isFalcon1 = i < falcon1;
            var date = Truncate(FirstLaunch + (span * TimelinePosition(i, falcon1, past, random.NextDouble())), "hour");
            var mission = isFalcon1 ? Mission.Demo
                : i == forcedCrewed ? Mission.Crewed
                : i == forcedHeavy ? Mission.Commercial
                : PickMission(random, era);
            var heavy = !isFalcon1 && (i == forcedHeavy
                || (era > Era.FalconHeavy && mission is Mission.Commercial or Mission.Government && random.Chance(0.08)));
            var rocket = isFalcon1 ? SpaceXFleet.Falcon1 : heavy ? SpaceXFleet.FalconHeavy : SpaceXFleet.Falcon9;
            var pad = PickPad(random, mission, rocket, era);
            bool? success = isFalcon1 ? i >= falcon1Failures
                : i % nullSuccessPeriod == nullSuccessPhase ? null
                : !random.Chance(era < 0.6 ? 0.02 : 0.005);

            var launch = new PlannedLaunch
            {
                Index = i,
                FlightNumber = i + 1,
                Name = MissionName(mission, kindCounters[(int)mission]),
                KindNumber = kindCounters[(int)mission]++,
                Date = date,
                Precision = "hour",
                Upcoming = false,
                Success = success,
                Rocket = rocket,
                Pad = pad,
                Mission = mission,
                Era = era,
            };
            launches.Add(launch);
            launch.Cores = PlanPastCores(random, launch, boosterPool);
            PlanPayloads(random, launch);

            if (mission is Mission.Cargo or Mission.Crewed)
            {
                launch.Capsule = PlanCapsule(random, launch, capsulePools);
            }

            if (mission == Mission.Crewed)
            {
                launch.Crew = PlanCrew(random, launch, astronautPool);
            }
        }

        var upcomingSpan = LastUpcoming - FirstUpcoming;
        for (var j = 0; j < upcoming; j++)
        {
            var mission = PickMission(random, 1.0);
            if (mission == Mission.Crewed)
            {
                mission = Mission.Cargo; // crew is announced late; the stale upcoming records carry none
            }

            var heavy = j % 18 == 7 || (mission is Mission.Commercial or Mission.Government && random.Chance(0.08));
            var rocket = heavy ? SpaceXFleet.FalconHeavy : SpaceXFleet.Falcon9;
            var precision = UpcomingPrecisions[j % UpcomingPrecisions.Length];
            var launch = new PlannedLaunch
            {
                Index = past + j,
                FlightNumber = past + 1 + (j * 3 / 4), // placeholder numbers repeat, as in the real dump
                Name = MissionName(mission, kindCounters[(int)mission]),
                KindNumber = kindCounters[(int)mission]++,
                Date = UpcomingDate(FirstUpcoming + (upcomingSpan * ((j + random.NextDouble()) / upcoming)), precision),
                Precision = precision,
                Upcoming = true,
                Success = null,
                Rocket = rocket,
                Pad = PickPad(random, mission, rocket, 1.0),
                Mission = mission,
                Era = 1.0,
            };
            launches.Add(launch);
            launch.Cores = PlanUpcomingCores(random, launch, boosterPool, guaranteeNullCore: j == 0);
            PlanPayloads(random, launch);
        }
    }

    private static int PickPad(SampleRandom random, Mission mission, int rocket, double era)
    {
        if (rocket == SpaceXFleet.Falcon1)
        {
            return SpaceXFleet.Kwajalein;
        }

        if (rocket == SpaceXFleet.FalconHeavy || mission == Mission.Crewed)
        {
            return SpaceXFleet.Lc39A;
        }

        if ((mission is Mission.Government or Mission.Rideshare && era > Era.BoosterLandings && random.Chance(0.45))
            || (mission == Mission.Starlink && random.Chance(0.1)))
        {
            return SpaceXFleet.Slc4E;
        }

        return era > Era.ReusedBoosters && random.Chance(0.3) ? SpaceXFleet.Lc39A : SpaceXFleet.Slc40;
    }

    private static string MissionName(Mission mission, int k) => mission switch
    {
        Mission.Demo => k < SampleText.Falcon1Missions.Count
            ? SampleText.Falcon1Missions[k]
            : string.Create(CultureInfo.InvariantCulture, $"{SampleText.Falcon1Missions[k % SampleText.Falcon1Missions.Count]} {(k / SampleText.Falcon1Missions.Count) + 1}"),
        Mission.Starlink => string.Create(CultureInfo.InvariantCulture, $"Starlink {1 + (k / 30)}-{1 + (k % 30)} (v{(k < 40 ? "1.0" : "1.5")})"),
        Mission.Cargo => string.Create(CultureInfo.InvariantCulture, $"CRS-{k + 1}"),
        Mission.Crewed => k % 4 == 3
            ? string.Create(CultureInfo.InvariantCulture, $"Ax-{(k / 4) + 1}")
            : string.Create(CultureInfo.InvariantCulture, $"Crew-{k - (k / 4) + 1}"),
        Mission.Rideshare => string.Create(CultureInfo.InvariantCulture, $"Transporter-{k + 1}"),
        Mission.Government => string.Create(CultureInfo.InvariantCulture,
            $"{SampleText.GovernmentMissions[k % SampleText.GovernmentMissions.Count].Prefix}{(k / SampleText.GovernmentMissions.Count) + 1:00}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{SampleText.CommercialOperators[k % SampleText.CommercialOperators.Count]} {(k / SampleText.CommercialOperators.Count) + 1}"),
    };

    private PlannedCore[] PlanPastCores(SampleRandom random, PlannedLaunch launch, List<int> pool)
    {
        var era = launch.Era;
        var cores = new PlannedCore[launch.Rocket == SpaceXFleet.FalconHeavy ? 3 : 1];
        for (var slot = 0; slot < cores.Length; slot++)
        {
            if (launch.Rocket == SpaceXFleet.Falcon1)
            {
                var first = NewBooster(string.Create(CultureInfo.InvariantCulture, $"Merlin{boosters.Count + 1}{(boosters.Count < 2 ? 'A' : 'C')}"), null);
                first.Fly(launch, attempt: false, landed: null, type: null, landpadName: null);
                cores[slot] = new PlannedCore(first.Index, 1, false, false, false, false, null, null, -1);
                continue;
            }

            var side = slot > 0;
            var reuse = era > Era.ReusedBoosters && pool.Count > 0
                && random.Chance(0.3 + (0.65 * (era - Era.ReusedBoosters) / (1 - Era.ReusedBoosters)));
            BoosterUnit booster;
            if (reuse)
            {
                // Half the time the oldest booster on hand flies, so fleet leaders build up many flights as in reality.
                booster = boosters[random.Chance(0.5) ? pool.Min() : pool[random.Next(pool.Count)]];
                pool.Remove(booster.Index);
            }
            else
            {
                int? block = era < Era.BoosterLandings ? null : era < Era.ReusedBoosters ? 1 + random.Next(2) : era < Era.FalconHeavy ? 3 : era < Era.Block5 ? 4 : 5;
                booster = NewBooster(string.Create(CultureInfo.InvariantCulture, $"B{1001 + boosters.Count}"), block);
            }

            var attempt = era >= Era.OceanLandings
                && (era < Era.BoosterLandings ? random.Chance(0.5) : side || random.Chance(launch.Mission == Mission.Starlink ? 0.98 : 0.9));
            string? type = null;
            var landpad = -1;
            if (attempt)
            {
                type = era < Era.BoosterLandings ? "Ocean"
                    : side || (launch.Mission is Mission.Cargo or Mission.Crewed or Mission.Rideshare && random.Chance(0.45))
                        || (launch.Pad == SpaceXFleet.Slc4E && random.Chance(0.5)) ? "RTLS"
                    : "ASDS";
                landpad = type switch
                {
                    "Ocean" => -1,
                    "RTLS" => launch.Pad == SpaceXFleet.Slc4E ? SpaceXFleet.Lz4 : slot == 2 || random.Chance(0.2) ? SpaceXFleet.Lz2 : SpaceXFleet.Lz1,
                    _ => launch.Pad == SpaceXFleet.Slc4E ? SpaceXFleet.Ocisly
                        : era < Era.FirstDroneShipRetired ? SpaceXFleet.Jrti1
                        : era < Era.OcislyWest ? SpaceXFleet.Ocisly
                        : random.Chance(0.5) ? SpaceXFleet.Jrti : SpaceXFleet.Asog,
                };
            }

            bool? landed = attempt ? launch.Success != false && random.Chance(era < Era.ReusedBoosters ? 0.6 : 0.96) : null;
            var flight = booster.Flights + 1;
            booster.Fly(launch, attempt, landed, type, landpad >= 0 ? SpaceXFleet.Landpads[landpad].Name : null);
            if (landed == true && type != "Ocean" && flight < MaxBoosterFlights)
            {
                pool.Add(booster.Index);
            }

            cores[slot] = new PlannedCore(booster.Index, flight, attempt, attempt, flight > 1, attempt, landed, type, landpad);
        }

        return cores;
    }

    private int PlanCapsule(SampleRandom random, PlannedLaunch launch, Dictionary<string, List<int>> pools)
    {
        var era = launch.Era;
        var type = launch.Mission == Mission.Crewed ? "Dragon 2.0" : era < Era.Dragon11 ? "Dragon 1.0" : era < Era.CargoDragon2 ? "Dragon 1.1" : "Dragon 2.0";
        var poolKey = launch.Mission == Mission.Crewed ? "crew" : type == "Dragon 2.0" ? "cargo2" : "cargo1";
        if (!pools.TryGetValue(poolKey, out var pool))
        {
            pools[poolKey] = pool = [];
        }

        int capsule;
        if (pool.Count > 0 && era > Era.ReflownDragon && random.Chance(0.5))
        {
            capsule = pool[random.Next(pool.Count)];
            pool.Remove(capsule);
        }
        else
        {
            capsule = capsules.Count;
            var serial = type == "Dragon 2.0"
                ? string.Create(CultureInfo.InvariantCulture, $"C2{++dragon2Serials:00}")
                : string.Create(CultureInfo.InvariantCulture, $"C1{++dragon1Serials:00}");
            capsules.Add(new CapsuleUnit(capsule, serial, type));
        }

        var unit = capsules[capsule];
        unit.Launches.Add(launch.Index);
        if (launch.Success == false)
        {
            unit.Destroyed = true;
        }
        else
        {
            unit.Splashdowns++;
            if (unit.Launches.Count < MaxCapsuleFlights)
            {
                pool.Add(capsule);
            }
        }

        return capsule;
    }

    private int[] PlanCrew(SampleRandom random, PlannedLaunch launch, List<int> pool)
    {
        var seats = astronauts.Count == 0 ? 2 : 4; // the first crewed flight, like Demo-2, carries two
        var crew = new int[seats];
        for (var seat = 0; seat < seats; seat++)
        {
            if (pool.Count > 0 && random.Chance(0.25))
            {
                crew[seat] = pool[random.Next(pool.Count)];
                pool.Remove(crew[seat]);
            }
            else
            {
                crew[seat] = astronauts.Count;
                astronauts.Add(new Astronaut(astronauts.Count, launch.Name.StartsWith("Ax-", StringComparison.Ordinal)));
            }
        }

        // Back in the pool only after the launch is crewed, so nobody takes two seats on one flight.
        foreach (var member in crew)
        {
            astronauts[member].Launches.Add(launch.Index);
            if (astronauts[member].Launches.Count < 3)
            {
                pool.Add(member);
            }
        }

        return crew;
    }

    private PlannedCore[] PlanUpcomingCores(SampleRandom random, PlannedLaunch launch, List<int> pool, bool guaranteeNullCore)
    {
        var cores = new PlannedCore[launch.Rocket == SpaceXFleet.FalconHeavy ? 3 : 1];
        for (var slot = 0; slot < cores.Length; slot++)
        {
            var variant = guaranteeNullCore ? 0 : random.Next(4);
            if (variant == 3 && pool.Count > 0)
            {
                var booster = boosters[pool[random.Next(pool.Count)]];
                pool.Remove(booster.Index);
                var flight = booster.Flights + 1;
                booster.Launches.Add(launch.Index);
                var landpad = launch.Pad == SpaceXFleet.Slc4E ? SpaceXFleet.Ocisly : SpaceXFleet.Asog;
                cores[slot] = new PlannedCore(booster.Index, flight, true, true, true, true, null, "ASDS", landpad);
            }
            else if (variant == 2)
            {
                cores[slot] = new PlannedCore(-1, null, null, null, null, null, null, null, -1);
            }
            else
            {
                cores[slot] = new PlannedCore(-1, null, true, true, false, null, null, null, -1);
            }
        }

        return cores;
    }

    private BoosterUnit NewBooster(string serial, int? block)
    {
        var booster = new BoosterUnit(boosters.Count, serial, block);
        boosters.Add(booster);
        return booster;
    }

    private void PlanPayloads(SampleRandom random, PlannedLaunch launch)
    {
        var count = launch.Mission switch
        {
            Mission.Commercial => random.Chance(0.2) ? 2 : 1,
            Mission.Rideshare => 3,
            _ => 1,
        };
        if (launch.Upcoming && random.Chance(0.25))
        {
            count = 0; // manifests of far-off launches are often still empty
        }

        launch.FirstPayload = payloadLaunch.Count;
        launch.PayloadCount = count;
        for (var p = 0; p < count; p++)
        {
            payloadLaunch.Add(launch.Index);
        }
    }

    /// <summary>
    /// When things began, as a share of the past launches (the real record's n/N, so a scaled sample keeps the story):
    /// e.g. the first booster landing, Falcon Heavy, Starlink and Crew Dragon.
    /// </summary>
    private static class Era
    {
        public const double Dragon11 = 0.045;        // CRS-1, 2012
        public const double OceanLandings = 0.06;    // soft ocean touchdowns, 2013-2014
        public const double BoosterLandings = 0.1;   // drone ship and landing zone attempts, 2015
        public const double FirstDroneShipRetired = 0.14;
        public const double FlickrAlbums = 0.1;
        public const double RedditThreads = 0.12;
        public const double ReusedBoosters = 0.2;    // SES-10, the first reflown booster, 2017
        public const double ReflownDragon = 0.2;     // CRS-11, 2017
        public const double FalconHeavy = 0.29;      // Falcon Heavy test flight, 2018
        public const double Block5 = 0.32;           // Bangabandhu, 2018
        public const double FairingRecovery = 0.4;
        public const double Starlink = 0.42;         // Starlink v0.9, 2019
        public const double CrewDragon = 0.5;        // Demo-2, 2020
        public const double OcislyWest = 0.55;
        public const double CargoDragon2 = 0.58;     // CRS-21, 2020
        public const double LaunchLibrary = 0.6;
    }

    private enum Mission
    {
        Demo,
        Starlink,
        Cargo,
        Crewed,
        Commercial,
        Rideshare,
        Government,
    }

    private sealed class PlannedLaunch
    {
        public required int Index { get; init; }
        public required int FlightNumber { get; init; }
        public required string Name { get; init; }
        public required int KindNumber { get; init; }
        public required DateTimeOffset Date { get; init; }
        public required string Precision { get; init; }
        public required bool Upcoming { get; init; }
        public required bool? Success { get; init; }
        public required int Rocket { get; init; }
        public required int Pad { get; init; }
        public required Mission Mission { get; init; }
        public required double Era { get; init; }
        public PlannedCore[] Cores { get; set; } = [];
        public int FirstPayload { get; set; }
        public int PayloadCount { get; set; }
        public int[] Crew { get; set; } = [];
        public int Capsule { get; set; } = -1;
    }

    private sealed record PlannedCore(
        int Booster,
        int? Flight,
        bool? Gridfins,
        bool? Legs,
        bool? Reused,
        bool? LandingAttempt,
        bool? LandingSuccess,
        string? LandingType,
        int Landpad);

    private sealed class BoosterUnit(int index, string serial, int? block)
    {
        public int Index { get; } = index;
        public string Serial { get; } = serial;
        public int? Block { get; } = block;
        public List<int> Launches { get; } = [];
        public int Flights { get; private set; }
        public int RtlsAttempts { get; private set; }
        public int RtlsLandings { get; private set; }
        public int AsdsAttempts { get; private set; }
        public int AsdsLandings { get; private set; }
        public string Status { get; private set; } = "unknown";
        public string? LastUpdate { get; private set; }

        public void Fly(PlannedLaunch launch, bool attempt, bool? landed, string? type, string? landpadName)
        {
            Launches.Add(launch.Index);
            Flights++;
            if (attempt && type == "RTLS")
            {
                RtlsAttempts++;
                RtlsLandings += landed == true ? 1 : 0;
            }
            else if (attempt && type == "ASDS")
            {
                AsdsAttempts++;
                AsdsLandings += landed == true ? 1 : 0;
            }

            (Status, LastUpdate) = (launch.Success, attempt, landed, type) switch
            {
                (false, _, _, _) => ("lost", $"Destroyed in the {launch.Name} failure."),
                (_, false, _, _) => ("expended", $"Expended on {launch.Name}."),
                (_, true, true, "Ocean") => ("lost", $"Controlled ocean landing after {launch.Name}; not recovered."),
                (_, true, true, _) when Flights >= MaxBoosterFlights => ("retired", $"Landed on {landpadName} after {launch.Name} and retired after {Flights} flights."),
                (_, true, true, _) => ("active", $"Landed on {landpadName} after {launch.Name}."),
                _ => ("lost", $"Landing attempt failed after {launch.Name}."),
            };
        }
    }

    private sealed class Astronaut(int index, bool isPrivate)
    {
        public int Index { get; } = index;
        public bool Private { get; } = isPrivate;
        public List<int> Launches { get; } = [];
    }

    private sealed class CapsuleUnit(int index, string serial, string type)
    {
        public int Index { get; } = index;
        public string Serial { get; } = serial;
        public string Type { get; } = type;
        public List<int> Launches { get; } = [];
        public int Splashdowns { get; set; }
        public bool Destroyed { get; set; }
    }
}
