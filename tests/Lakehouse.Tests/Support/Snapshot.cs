namespace Lakehouse.Tests.Support;

/// <summary>
/// Compares user-facing text (help, query output) with a reviewed copy in <c>tests/Lakehouse.Tests/Snapshots</c>.
/// A difference writes <c>NAME.received.txt</c> beside it for review; nothing is ever accepted automatically.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "Lakehouse.Tests", "Snapshots");
        var verified = Path.Combine(folder, name + ".verified.txt");
        var received = Path.Combine(folder, name + ".received.txt");
        actual = actual.ReplaceLineEndings("\n");

        if (File.Exists(verified) && File.ReadAllText(verified).ReplaceLineEndings("\n") == actual)
        {
            File.Delete(received);
            return;
        }

        if (!RealDependency.IsCi)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(received, actual);
        }

        Assert.Fail($"{name}: the output differs from {verified}. Review {received} and rename it to .verified.txt if it is right.");
    }
}
