using System.Diagnostics;
using System.Globalization;

namespace Lakehouse.Benchmarks;

/// <summary>What the benchmarks share: running the CLI as a process while watching its memory, and medians.</summary>
internal static class Measure
{
    /// <summary>
    /// Removes what a transform and a model wrote (silver, its markers, the local gold and the gold builds published to
    /// the lake), so that the next round transforms and builds gold from scratch instead of restoring the last build.
    /// </summary>
    public static void ResetSilverAndGold(string work, string lake)
    {
        foreach (var folder in new[] { Path.Combine(lake, "silver"), Path.Combine(lake, "_meta", "silver"), Path.Combine(lake, "gold"), Path.Combine(work, "gold"), Path.Combine(work, "tmp") })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// Runs <c>lakehouse ARGS</c> (stdout discarded, or into <paramref name="stdoutFile"/>) and returns its peak
    /// resident set size in bytes. <paramref name="cli"/> is the <c>lakehouse.dll</c> to run: by default the one built
    /// beside this program; <see cref="PublishCli"/> gives the published one.
    /// </summary>
    public static long RunCli(IReadOnlyList<string> args, string? stdoutFile = null, string? cli = null)
    {
        cli ??= Path.Combine(AppContext.BaseDirectory, "lakehouse.dll");
        var quoted = string.Join(' ', args.Select(a => $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec dotnet \"{cli}\" {quoted} > \"{stdoutFile ?? "/dev/null"}\" 2> /dev/null" },
            UseShellExecute = false,
        })!;
        long peak = 0;
        while (!shell.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakRss(shell.Id));
        }

        if (shell.ExitCode != 0)
        {
            throw new InvalidOperationException($"lakehouse {string.Join(' ', args)} exited {shell.ExitCode}");
        }

        return peak;
    }

    /// <summary>
    /// Publishes the CLI the way it ships (<c>dotnet publish -c Release</c>, as the Dockerfile does: ReadyToRun, see
    /// the csproj) into <paramref name="folder"/> and returns its <c>lakehouse.dll</c>.
    /// </summary>
    public static string PublishCli(string folder)
    {
        var project = Path.Combine(RepositoryRoot(), "src", "Lakehouse.Cli", "Lakehouse.Cli.csproj");
        using var publish = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", project, "-c", "Release", "-o", folder, "--nologo", "-v", "quiet" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        var output = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the CLI exited {publish.ExitCode}:\n{output}");
        }

        return Path.Combine(folder, "lakehouse.dll");
    }

    /// <summary>The repository's root folder (the one holding Lakehouse.sln).</summary>
    // The build output may sit outside the repository (--artifacts-path): the working folder is tried too.
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Lakehouse.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("Lakehouse.sln not found above the program's folder or the working folder; run from the repository.");
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The process's high-water mark of resident memory (VmHWM), read while it runs.</summary>
    public static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
