using System.Globalization;

namespace Lakehouse.Demo;

// Writing: turns the planned structure into the facts each element is written from. Every element draws from its
// own random stream (seed, resource, index), so elements come out the same whether or not the others are written.
internal sealed partial class SpaceXSampleGenerator
{
    private LaunchFacts LaunchAt(int index)
    {
        var launch = launches[index];
        var random = SampleRandom.For(seed, LaunchStream, index);
        var pad = SpaceXFleet.Launchpads[launch.Pad];
        var rocket = SpaceXFleet.Rockets[launch.Rocket];
        var slug = SampleText.Slug(launch.Name);
        var era = launch.Era;

        LinkFacts links;
        if (launch.Upcoming)
        {
            links = LinkFacts.None with
            {
                RedditCampaign = random.Chance(0.5) ? SampleText.Reddit(random, slug, "launch_campaign_thread") : null,
                PatchSmall = random.Chance(0.3) ? SampleText.ImgboxPatch(random) : null,
            };
        }
        else
        {
            var hasPatch = era > 0.03 && random.Chance(0.9);
            var flickr = era < Era.FlickrAlbums || random.Chance(0.2) ? 0 : random.Between(2, 16);
            var webcast = random.Chance(0.95) ? SampleText.YoutubeId(random) : null;
            links = new LinkFacts
            {
                PatchSmall = hasPatch ? SampleText.ImgboxPatch(random) : null,
                PatchLarge = hasPatch ? SampleText.ImgboxPatch(random) : null,
                RedditCampaign = era > Era.RedditThreads && random.Chance(0.8) ? SampleText.Reddit(random, slug, "launch_campaign_thread") : null,
                RedditLaunch = era > Era.RedditThreads && random.Chance(0.9) ? SampleText.Reddit(random, slug, "official_launch_discussion_updates_thread") : null,
                RedditMedia = era > Era.RedditThreads && random.Chance(0.7) ? SampleText.Reddit(random, slug, "media_thread_photographer_contest") : null,
                RedditRecovery = era > Era.RedditThreads && random.Chance(0.6) ? SampleText.Reddit(random, "fleet", "updates_discussion_thread") : null,
                FlickrOriginal = Enumerable.Range(0, flickr).Select(_ => SampleText.Flickr(random)).ToArray(),
                Presskit = random.Chance(0.5) ? $"https://www.spacex.com/media/{slug}_press_kit.pdf" : null,
                Webcast = webcast is null ? null : $"https://youtu.be/{webcast}",
                YoutubeId = webcast,
                Article = random.Chance(0.85) ? SampleText.Article(random, launch.Date, slug) : null,
                Wikipedia = random.Chance(0.7) ? $"https://en.wikipedia.org/wiki/{launch.Name.Replace(' ', '_')}" : null,
            };
        }

        var dragon = launch.Mission is Mission.Cargo or Mission.Crewed;
        FairingsFacts? fairings = dragon ? null
            : launch.Upcoming ? new FairingsFacts(null, null, null)
            : era < Era.FairingRecovery ? new FairingsFacts(false, false, false)
            : FairingsAfterRecoveryBegan(random);

        var firstCoreFlight = launch.Cores[0].Flight ?? 1;
        var windowRoll = random.Next(20);
        return new LaunchFacts
        {
            Id = LaunchId(index),
            FlightNumber = launch.FlightNumber,
            Name = launch.Name,
            DateUtc = launch.Date,
            LocalOffset = SpaceXFleet.OffsetAt(pad.Zone, launch.Date),
            DatePrecision = launch.Precision,
            Upcoming = launch.Upcoming,
            Success = launch.Success,
            Rocket = rocket.Id,
            Launchpad = pad.Id,
            Fairings = fairings,
            Links = links,
            StaticFireUtc = !launch.Upcoming && era > Era.OceanLandings && random.Chance(0.55)
                ? launch.Date - TimeSpan.FromHours(random.Between(40, 220))
                : null,
            Window = windowRoll < 8 ? null : windowRoll < 15 ? 0 : random.Pick(LaunchWindows),
            Failures = launch.Success == false
                ? [new FailureFacts(random.Between(20, 420), random.Chance(0.8) ? random.Between(1, 300) : null, random.Pick(SampleText.FailureReasons))]
                : [],
            Details = random.Chance(launch.Upcoming ? 0.5 : 0.85)
                ? SampleText.Details(random, launch.Name, launch.Mission.ToString().ToLowerInvariant(), rocket.Name, pad.FullName, OrbitOf(launch), firstCoreFlight, launch.Upcoming)
                : null,
            Crew = launch.Crew.Select((member, seat) => ((string?)CrewId(member), (string?)LaunchCrewShape.RoleForSeat(seat))).ToArray(),
            Capsules = launch.Capsule >= 0 ? [CapsuleId(launch.Capsule)] : [],
            Payloads = Enumerable.Range(launch.FirstPayload, launch.PayloadCount).Select(PayloadId).ToArray(),
            Cores = launch.Cores.Select(core => new CoreUseFacts(
                core.Booster >= 0 ? CoreId(core.Booster) : null,
                core.Flight,
                core.Gridfins,
                core.Legs,
                core.Reused,
                core.LandingAttempt,
                core.LandingSuccess,
                core.LandingType,
                core.Landpad >= 0 ? SpaceXFleet.Landpads[core.Landpad].Id : null)).ToArray(),
            LaunchLibraryId = launch.Upcoming || era > Era.LaunchLibrary ? SampleText.Uuid(random) : null,
        };
    }

    private static FairingsFacts FairingsAfterRecoveryBegan(SampleRandom random)
    {
        var attempt = random.Chance(0.8);
        return new FairingsFacts(random.Chance(0.6), attempt, attempt && random.Chance(0.8));
    }

    private static string OrbitOf(PlannedLaunch launch) => launch.Mission switch
    {
        Mission.Starlink => "VLEO",
        Mission.Cargo or Mission.Crewed => "ISS",
        Mission.Commercial => "GTO",
        Mission.Rideshare => "SSO",
        Mission.Government => SampleText.GovernmentMissions[launch.KindNumber % SampleText.GovernmentMissions.Count].Orbit,
        _ => "LEO",
    };

    private PayloadFacts PayloadAt(int index)
    {
        var launch = launches[payloadLaunch[index]];
        var seat = index - launch.FirstPayload;
        var random = SampleRandom.For(seed, PayloadStream, index);
        var orbit = OrbitOf(launch);
        var inOrbit = !launch.Upcoming && launch.Success != false;
        var capsule = launch.Capsule >= 0 ? capsules[launch.Capsule] : null;
        var government = SampleText.GovernmentMissions[launch.KindNumber % SampleText.GovernmentMissions.Count];
        var classified = launch.Mission == Mission.Government && government.Customer == "NRO";

        var name = launch.PayloadCount == 1 ? launch.Name
            : launch.Mission == Mission.Rideshare
                ? string.Create(CultureInfo.InvariantCulture, $"{random.Pick(SampleText.SmallSatellites)} {index}")
                : string.Create(CultureInfo.InvariantCulture, $"{launch.Name}{(char)('A' + seat)}");
        var (customer, nationality, maker) = launch.Mission switch
        {
            Mission.Starlink => ("SpaceX", "United States", "SpaceX"),
            Mission.Cargo => ("NASA (CRS)", "United States", "SpaceX"),
            Mission.Crewed => (launch.Name.StartsWith("Ax-", StringComparison.Ordinal) ? "Axiom Space" : "NASA (CCP)", "United States", "SpaceX"),
            Mission.Commercial => (
                SampleText.CommercialOperators[launch.KindNumber % SampleText.CommercialOperators.Count],
                SampleText.OperatorCountries[launch.KindNumber % SampleText.OperatorCountries.Count],
                random.Pick(SampleText.SatelliteMakers)),
            Mission.Rideshare => (random.Pick(SampleText.SmallSatellites), random.Pick(SampleText.OperatorCountries), random.Pick(SampleText.SatelliteMakers)),
            Mission.Government => (government.Customer, government.Customer is "CONAE" ? "Argentina" : government.Customer is "Bundeswehr" ? "Germany" : "United States", random.Pick(SampleText.SatelliteMakers)),
            _ => ("DARPA", "United States", "SSTL"),
        };

        double? mass = launch.Mission switch
        {
            Mission.Starlink => launch.Name.EndsWith("(v1.0)", StringComparison.Ordinal) ? 15600 : 16250,
            Mission.Cargo => random.Between(1500, 3300),
            Mission.Crewed => 12055,
            Mission.Commercial => random.Between(3000, 7000),
            Mission.Rideshare => random.Between(5, 300),
            Mission.Government => classified ? null : random.Between(2000, 5000),
            _ => random.Between(20, 180),
        };

        OrbitFacts? elements = null;
        if (inOrbit && !classified)
        {
            var (regime, periapsis, apoapsis, inclination, lifespan) = orbit switch
            {
                "VLEO" => ("very-low-earth", random.Between(210.0, 330.0), random.Between(330.0, 560.0), launch.Pad == SpaceXFleet.Slc4E ? 97.6 : 53.05, (double?)5),
                "ISS" => ("low-earth", random.Between(405.0, 415.0), random.Between(415.0, 425.0), 51.64, null),
                "GTO" or "GEO" => ("geostationary", random.Between(35770.0, 35785.0), random.Between(35786.0, 35800.0), random.Between(0.01, 0.1), 15),
                "SSO" => ("sun-synchronous", random.Between(500.0, 540.0), random.Between(540.0, 560.0), 97.5, 5),
                "MEO" => ("semi-synchronous", random.Between(20150.0, 20180.0), random.Between(20180.0, 20200.0), 55.0, 15),
                "PO" => ("polar", random.Between(815.0, 825.0), random.Between(825.0, 835.0), 98.7, 7),
                _ => ("low-earth", random.Between(330.0, 500.0), random.Between(500.0, 680.0), random.Between(9.0, 53.0), null),
            };
            var epoch = launch.Date + TimeSpan.FromDays(random.Between(5, 900)) + TimeSpan.FromSeconds(random.Next(86400));
            elements = new OrbitFacts(
                "geocentric",
                regime,
                regime == "geostationary" ? Math.Round(random.Between(-180.0, 180.0), 1) : null,
                periapsis,
                apoapsis,
                inclination + random.Between(-0.01, 0.01),
                lifespan,
                epoch > LatestOrbitEpoch ? LatestOrbitEpoch - TimeSpan.FromSeconds(random.Next(86400)) : epoch,
                random.Between(0.0, 360.0),
                random.Between(0.0, 360.0),
                random.Between(0.0, 360.0));
        }

        DragonFacts? dragon = null;
        if (capsule is not null)
        {
            var crewed = launch.Mission == Mission.Crewed;
            dragon = inOrbit
                ? new DragonFacts(
                    CapsuleId(capsule.Index),
                    crewed ? null : random.Between(1000, 2500),
                    crewed ? random.Between(5_000_000, 15_000_000) : random.Between(2_500_000, 3_500_000),
                    crewed ? null : $"https://www.nasa.gov/sites/default/files/atoms/files/{SampleText.Slug(launch.Name)}_mission_overview.pdf",
                    true,
                    false)
                : new DragonFacts(CapsuleId(capsule.Index), null, null, null, null, null);
        }

        var norad = inOrbit
            ? Enumerable.Range(0, launch.Mission == Mission.Starlink ? random.Between(46, 60) : 1)
                .Select(n => 31000 + (launch.Index * 23 % 22000) + (seat * 60) + n).ToArray()
            : [];
        return new PayloadFacts
        {
            Id = PayloadId(index),
            Name = name,
            Type = capsule is null ? "Satellite" : launch.Mission == Mission.Crewed ? "Crew Dragon" : capsule.Type,
            Reused = capsule is not null && capsule.Launches.IndexOf(launch.Index) > 0,
            Launch = LaunchId(launch.Index),
            Customers = [customer],
            NoradIds = norad,
            Nationalities = [nationality],
            Manufacturers = [maker],
            MassKg = mass,
            Orbit = orbit,
            Elements = elements,
            Dragon = dragon ?? new DragonFacts(null, null, null, null, null, null),
        };
    }

    private CoreFacts CoreAt(int index)
    {
        var booster = boosters[index];
        return new CoreFacts(
            CoreId(index),
            booster.Serial,
            booster.Block,
            booster.Status,
            Math.Max(0, booster.Flights - 1),
            booster.RtlsAttempts,
            booster.RtlsLandings,
            booster.AsdsAttempts,
            booster.AsdsLandings,
            booster.LastUpdate,
            booster.Launches.Select(LaunchId).ToArray());
    }

    private CrewFacts AstronautAt(int index)
    {
        var astronaut = astronauts[index];
        var random = SampleRandom.For(seed, CrewStream, index);
        var name = $"{SampleText.FirstNames[index % SampleText.FirstNames.Count]} {SampleText.LastNames[((index * 7) + (index / SampleText.FirstNames.Count)) % SampleText.LastNames.Count]}";
        var roll = random.NextDouble();
        var agency = astronaut.Private ? "Axiom Space" : roll < 0.7 ? "NASA" : roll < 0.85 ? "ESA" : roll < 0.95 ? "JAXA" : "SpaceX";
        return new CrewFacts(
            CrewId(index),
            name,
            agency,
            SampleText.ImgboxPatch(random).Replace(".png", ".jpg", StringComparison.Ordinal),
            $"https://en.wikipedia.org/wiki/{name.Replace(' ', '_')}",
            random.Chance(0.85) ? "active" : "retired",
            astronaut.Launches.Select(LaunchId).ToArray());
    }

    private CapsuleFacts CapsuleAt(int index)
    {
        var capsule = capsules[index];
        var random = SampleRandom.For(seed, CapsuleStream, index);
        var dragon1 = capsule.Type != "Dragon 2.0";
        var lastName = launches[capsule.Launches[^1]].Name;
        var status = capsule.Destroyed ? "destroyed" : dragon1 ? "retired" : random.Chance(0.9) ? "active" : "unknown";
        var lastUpdate = capsule.Destroyed ? $"Destroyed in the {lastName} failure."
            : $"Splashed down after {lastName}{(dragon1 ? "; retired with the Dragon 1 fleet." : "; being refurbished for another flight.")}";
        return new CapsuleFacts(
            CapsuleId(index),
            capsule.Serial,
            status,
            capsule.Type,
            dragon1 ? Dragon1Id : Dragon2Id,
            capsule.Launches.Count - 1,
            capsule.Splashdowns,
            0,
            lastUpdate,
            capsule.Launches.Select(LaunchId).ToArray());
    }

    private IEnumerable<ReadOnlyMemory<byte>> Launchpads()
    {
        var perPad = SpaceXFleet.Launchpads.Select(_ => new List<int>()).ToArray();
        foreach (var launch in launches)
        {
            perPad[launch.Pad].Add(launch.Index);
        }

        using var writer = new SpaceXElementWriter();
        for (var p = 0; p < perPad.Length; p++)
        {
            var spec = SpaceXFleet.Launchpads[p];
            var past = perPad[p].Where(i => !launches[i].Upcoming).ToList();
            yield return writer.Launchpad(new LaunchpadFacts(
                spec.Id,
                spec.Name,
                spec.FullName,
                spec.Status,
                spec.Locality,
                spec.Region,
                spec.Timezone,
                spec.Latitude,
                spec.Longitude,
                past.Count,
                past.Count(i => launches[i].Success == true),
                spec.Rockets.Select(r => SpaceXFleet.Rockets[r].Id).ToArray(),
                perPad[p].Select(LaunchId).ToArray(),
                spec.Details,
                spec.Image));
        }
    }

    private IEnumerable<ReadOnlyMemory<byte>> Landpads()
    {
        var perPad = SpaceXFleet.Landpads.Select(_ => new List<int>()).ToArray();
        var attempts = new int[perPad.Length];
        var successes = new int[perPad.Length];
        foreach (var launch in launches)
        {
            foreach (var core in launch.Cores.Where(core => core.Landpad >= 0))
            {
                if (perPad[core.Landpad].LastOrDefault(-1) != launch.Index)
                {
                    perPad[core.Landpad].Add(launch.Index);
                }

                if (!launch.Upcoming && core.LandingAttempt == true)
                {
                    attempts[core.Landpad]++;
                    successes[core.Landpad] += core.LandingSuccess == true ? 1 : 0;
                }
            }
        }

        using var writer = new SpaceXElementWriter();
        for (var p = 0; p < perPad.Length; p++)
        {
            var spec = SpaceXFleet.Landpads[p];
            yield return writer.Landpad(new LandpadFacts(
                spec.Id,
                spec.Name,
                spec.FullName,
                spec.Status,
                spec.Type,
                spec.Locality,
                spec.Region,
                spec.Latitude,
                spec.Longitude,
                attempts[p],
                successes[p],
                spec.Wikipedia,
                spec.Details,
                perPad[p].Select(LaunchId).ToArray(),
                spec.Image));
        }
    }
}
