namespace Lakehouse.Tests.Support;

/// <summary>
/// Tests that need a real component which a laptop may lack (node for s3rver, PostgreSQL) are skipped there,
/// but fail on the build server: CI sets <c>CI=true</c> and must have everything (Npgsql's IgnoreExceptOnBuildServer).
/// </summary>
internal static class RealDependency
{
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the calling [SkippableFact] when <paramref name="missingReason"/> is set, unless under CI.</summary>
    public static void Require(string? missingReason)
    {
        if (missingReason is null)
        {
            return;
        }

        if (IsCi)
        {
            throw new InvalidOperationException($"CI must provide this dependency: {missingReason}");
        }

        Skip.If(true, missingReason);
    }
}
