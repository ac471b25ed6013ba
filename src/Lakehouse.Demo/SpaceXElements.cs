namespace Lakehouse.Demo;

// The facts one SpaceX element is written from, field for field as the API's models have them (apis.md §1.5).
// Everything is resolved before writing (ids as strings, dates as instants), so the writer only formats.

internal sealed record LaunchFacts
{
    public required string Id { get; init; }
    public required int FlightNumber { get; init; }
    public required string Name { get; init; }
    public required DateTimeOffset DateUtc { get; init; }
    public required TimeSpan LocalOffset { get; init; }
    public required string DatePrecision { get; init; }
    public required bool Upcoming { get; init; }
    public required bool? Success { get; init; }
    public required string Rocket { get; init; }
    public required string Launchpad { get; init; }
    public FairingsFacts? Fairings { get; init; }
    public required LinkFacts Links { get; init; }
    public DateTimeOffset? StaticFireUtc { get; init; }
    public bool Net { get; init; }
    public bool Tbd { get; init; }
    public int? Window { get; init; }
    public IReadOnlyList<FailureFacts> Failures { get; init; } = [];
    public string? Details { get; init; }
    public IReadOnlyList<(string? Crew, string? Role)> Crew { get; init; } = [];
    public IReadOnlyList<string> Capsules { get; init; } = [];
    public IReadOnlyList<string> Payloads { get; init; } = [];
    public required IReadOnlyList<CoreUseFacts> Cores { get; init; }
    public string? LaunchLibraryId { get; init; }
}

internal sealed record FairingsFacts(bool? Reused, bool? RecoveryAttempt, bool? Recovered);

internal sealed record FailureFacts(int Time, int? Altitude, string Reason);

internal sealed record LinkFacts
{
    public static LinkFacts None { get; } = new();

    public string? PatchSmall { get; init; }
    public string? PatchLarge { get; init; }
    public string? RedditCampaign { get; init; }
    public string? RedditLaunch { get; init; }
    public string? RedditMedia { get; init; }
    public string? RedditRecovery { get; init; }
    public IReadOnlyList<string> FlickrOriginal { get; init; } = [];
    public string? Presskit { get; init; }
    public string? Webcast { get; init; }
    public string? YoutubeId { get; init; }
    public string? Article { get; init; }
    public string? Wikipedia { get; init; }
}

internal sealed record CoreUseFacts(
    string? Core,
    int? Flight,
    bool? Gridfins,
    bool? Legs,
    bool? Reused,
    bool? LandingAttempt,
    bool? LandingSuccess,
    string? LandingType,
    string? Landpad);

internal sealed record PayloadFacts
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public bool Reused { get; init; }
    public string? Launch { get; init; }
    public IReadOnlyList<string> Customers { get; init; } = [];
    public IReadOnlyList<int> NoradIds { get; init; } = [];
    public IReadOnlyList<string> Nationalities { get; init; } = [];
    public IReadOnlyList<string> Manufacturers { get; init; } = [];
    public double? MassKg { get; init; }
    public string? Orbit { get; init; }
    public OrbitFacts? Elements { get; init; }
    public DragonFacts? Dragon { get; init; }
}

/// <summary>Orbital elements; the API sends every one of them as a nullable number.</summary>
internal sealed record OrbitFacts(
    string ReferenceSystem,
    string Regime,
    double? Longitude,
    double PeriapsisKm,
    double ApoapsisKm,
    double InclinationDeg,
    double? LifespanYears,
    DateTimeOffset? Epoch,
    double Raan,
    double ArgOfPericenter,
    double MeanAnomaly);

internal sealed record DragonFacts(string? Capsule, double? MassReturnedKg, int? FlightTimeSec, string? Manifest, bool? WaterLanding, bool? LandLanding);

internal sealed record CoreFacts(
    string Id,
    string Serial,
    int? Block,
    string Status,
    int ReuseCount,
    int RtlsAttempts,
    int RtlsLandings,
    int AsdsAttempts,
    int AsdsLandings,
    string? LastUpdate,
    IReadOnlyList<string> Launches);

internal sealed record CrewFacts(string Id, string Name, string Agency, string Image, string Wikipedia, string Status, IReadOnlyList<string> Launches);

internal sealed record CapsuleFacts(
    string Id,
    string Serial,
    string Status,
    string Type,
    string Dragon,
    int ReuseCount,
    int WaterLandings,
    int LandLandings,
    string? LastUpdate,
    IReadOnlyList<string> Launches);

internal sealed record RocketFacts
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required bool Active { get; init; }
    public required int Stages { get; init; }
    public required int Boosters { get; init; }
    public required long CostPerLaunch { get; init; }
    public required int SuccessRatePct { get; init; }
    public required string FirstFlight { get; init; }
    public required double HeightMeters { get; init; }
    public required double DiameterMeters { get; init; }
    public required double MassKg { get; init; }
    public required double FirstStageThrustSeaLevelKn { get; init; }
    public required double FirstStageThrustVacuumKn { get; init; }
    public required bool FirstStageReusable { get; init; }
    public required int FirstStageEngines { get; init; }
    public required double FirstStageFuelTons { get; init; }
    public int? FirstStageBurnSec { get; init; }
    public required double SecondStageThrustKn { get; init; }
    public required int SecondStageEngines { get; init; }
    public required double SecondStageFuelTons { get; init; }
    public int? SecondStageBurnSec { get; init; }
    public required int IspSeaLevel { get; init; }
    public required int IspVacuum { get; init; }
    public required string EngineType { get; init; }
    public required string EngineVersion { get; init; }
    public string? EngineLayout { get; init; }
    public required string Propellant2 { get; init; }
    public required int LandingLegs { get; init; }
    public required IReadOnlyList<(string Id, string Name, double Kg)> PayloadWeights { get; init; }
    public required string Wikipedia { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> FlickrImages { get; init; }
}

internal sealed record LaunchpadFacts(
    string Id,
    string Name,
    string FullName,
    string Status,
    string Locality,
    string Region,
    string Timezone,
    double Latitude,
    double Longitude,
    int LaunchAttempts,
    int LaunchSuccesses,
    IReadOnlyList<string> Rockets,
    IReadOnlyList<string> Launches,
    string Details,
    string Image);

internal sealed record LandpadFacts(
    string Id,
    string Name,
    string FullName,
    string Status,
    string Type,
    string Locality,
    string Region,
    double Latitude,
    double Longitude,
    int LandingAttempts,
    int LandingSuccesses,
    string Wikipedia,
    string Details,
    IReadOnlyList<string> Launches,
    string Image);
