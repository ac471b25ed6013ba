using System.Diagnostics;
using System.Globalization;

namespace Lakehouse.Benchmarks;

/// <summary>What the benchmarks share: running the CLI as a process while watching its memory, and medians.</summary>
internal static class Measure
{
    /// <summary>Runs <c>lakehouse ARGS</c> (stdout discarded) and returns its peak resident set size in bytes.</summary>
    public static long RunCli(IReadOnlyList<string> args, string? stdoutFile = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "lakehouse.dll");
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
