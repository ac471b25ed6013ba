using System.Globalization;
using Lakehouse.Gold;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Gold;

/// <summary>Silver contents and run records the gold tests share.</summary>
internal static class SpaceXScenario
{
    public const string RunA = "20261122T091500123Z-aaaa";
    public const string RunB = "20261123T091500123Z-bbbb";
    public static readonly DateTime LandedA = new(2026, 11, 22, 9, 15, 0);
    public static readonly DateTime LandedB = new(2026, 11, 23, 9, 15, 0);

    /// <summary>
    /// Four launches with hand-countable children, all in one bronze object of run A, plus their dimensions:
    /// Demo-2 (2 payloads, 12055 + 2500.5 kg; 1 new core landed on a drone ship; 2 crew),
    /// Arabsat-6A (1 payload, 6465 kg; 3 cores, the 2 side boosters reused and landed, the centre core not),
    /// FalconSat (no rocket, an unknown launchpad; a payload without mass and one silver lacks; an unknown core
    /// that did not try to land; a crew member silver lacks; two failure reasons), and Crew-99 (upcoming, no date).
    /// </summary>
    public static Landing LandFourLaunches(SilverLake lake)
    {
        lake.Land(RunA, "bronze/spacex/rockets/all/a.json", LandedA)
            .Rocket("rkt-f9", "Falcon 9")
            .Rocket("rkt-fh", "Falcon Heavy");
        lake.Land(RunA, "bronze/spacex/launchpads/all/a.json", LandedA)
            .Launchpad("pad-40", "CCSFS SLC 40")
            .Launchpad("pad-39a", "KSC LC 39A");
        lake.Land(RunA, "bronze/spacex/landpads/all/a.json", LandedA)
            .Landpad("lz-1", "LZ-1", "RTLS")
            .Landpad("ocisly", "OCISLY", "ASDS");
        lake.Land(RunA, "bronze/spacex/payloads/all/a.json", LandedA)
            .Payload("pl-crew-dragon", "Crew Dragon", 12055)
            .Payload("pl-cargo", "Cargo", 2500.5)
            .Payload("pl-arabsat", "Arabsat 6A", 6465)
            .Payload("pl-falconsat", "FalconSAT-2", null);
        lake.Land(RunA, "bronze/spacex/cores/all/a.json", LandedA)
            .Core("core-b1058", "B1058")
            .Core("core-b1052", "B1052")
            .Core("core-b1053", "B1053")
            .Core("core-b1055", "B1055");
        lake.Land(RunA, "bronze/spacex/crew/all/a.json", LandedA)
            .CrewMember("crew-behnken", "Bob Behnken")
            .CrewMember("crew-hurley", "Doug Hurley");

        return lake.Land(RunA, "bronze/spacex/launches/all/a.json", LandedA)
            .Launch("L-demo2", "Demo-2", new DateTime(2020, 5, 30, 19, 22, 0), rocket: "rkt-f9", launchpad: "pad-39a", success: true)
            .LaunchPayload("L-demo2", 1, "pl-crew-dragon")
            .LaunchPayload("L-demo2", 2, "pl-cargo")
            .LaunchCore("L-demo2", 1, "core-b1058", reused: false, landingAttempt: true, landingSuccess: true, landingType: "ASDS", landpad: "ocisly")
            .LaunchCrew("L-demo2", 1, "crew-behnken", "Joint Operations Commander")
            .LaunchCrew("L-demo2", 2, "crew-hurley", "Spacecraft Commander")
            .Launch("L-arabsat", "Arabsat-6A", new DateTime(2019, 4, 11, 22, 35, 0), rocket: "rkt-fh", launchpad: "pad-39a", success: true)
            .LaunchPayload("L-arabsat", 1, "pl-arabsat")
            .LaunchCore("L-arabsat", 1, "core-b1055", reused: false, landingAttempt: true, landingSuccess: false, landingType: "ASDS", landpad: "ocisly")
            .LaunchCore("L-arabsat", 2, "core-b1052", reused: true, landingAttempt: true, landingSuccess: true, landingType: "RTLS", landpad: "lz-1")
            .LaunchCore("L-arabsat", 3, "core-b1053", reused: true, landingAttempt: true, landingSuccess: true, landingType: "RTLS", landpad: "lz-1")
            .Launch("L-falconsat", "FalconSat", new DateTime(2006, 3, 24, 22, 30, 0), rocket: null, launchpad: "pad-kwajalein", success: false)
            .LaunchPayload("L-falconsat", 1, "pl-falconsat")
            .LaunchPayload("L-falconsat", 2, "pl-secret")
            .LaunchCore("L-falconsat", 1, null, reused: false, landingAttempt: false)
            .LaunchCrew("L-falconsat", 1, "crew-ghost")
            .LaunchFailure("L-falconsat", 1, "merlin engine failure")
            .LaunchFailure("L-falconsat", 2, "loss of vehicle")
            .Launch("L-next", "Crew-99", null, rocket: "rkt-f9", launchpad: "pad-40", upcoming: true, datePrecision: "month");
    }

    public static GoldRunRow[] Runs() => [Run(RunA, "succeeded"), Run(RunB, "succeeded")];

    public static GoldRunRow Run(string runId, string status)
    {
        var started = DateTimeOffset.ParseExact(runId[..18], "yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new GoldRunRow(runId, started, started.AddSeconds(5), status, "cli", 8, 2, 6, 400, 0, 5000, false, null);
    }
}
