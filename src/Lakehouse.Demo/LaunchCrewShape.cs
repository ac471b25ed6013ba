namespace Lakehouse.Demo;

/// <summary>
/// The crew of a v5 launch is <c>[{"crew": id, "role": text}]</c>; a generated launch gives its crew the roles of
/// their seats, as the recorded v4 launches (ids only) are given them when the tests replay them.
/// </summary>
internal static class LaunchCrewShape
{
    /// <summary>The roles, by seat.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["Commander", "Pilot", "Mission Specialist 1", "Mission Specialist 2"];

    public static string RoleForSeat(int seat) => Roles[Math.Min(seat, Roles.Count - 1)];
}
