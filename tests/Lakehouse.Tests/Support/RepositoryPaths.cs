namespace Lakehouse.Tests.Support;

/// <summary>Where the repository and the shared fixtures are, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository's root: the folder that holds <c>Lakehouse.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// The recorded API responses, read in place: CI checks out <c>shared/</c> beside the repository. A plain clone
    /// has none, and the calling [SkippableFact] is skipped with one line saying so; under <c>CI=true</c> it fails.
    /// </summary>
    public static string SharedFixtures
    {
        get
        {
            var folder = Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));
            RealDependency.Require(Directory.Exists(folder)
                ? null
                : "the recorded API responses are not in ../shared/fixtures beside the repository (a plain clone has no shared/).");
            return folder;
        }
    }

    /// <summary>The npm packages the tests start (s3rver), installed by the test project's build.</summary>
    public static string TestTools => Path.Combine(Root, "tests", "tools");

    private static string FindRoot()
    {
        var recorded = typeof(RepositoryPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Lakehouse.sln")))
        {
            return Path.GetFullPath(recorded);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lakehouse.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Lakehouse.sln above {AppContext.BaseDirectory}.");
    }
}
