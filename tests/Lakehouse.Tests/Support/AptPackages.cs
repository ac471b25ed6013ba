using System.Diagnostics;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Installs Debian packages the tests need (PostgreSQL, docker-compose) on a fresh machine, as root or through
/// password-less sudo. Test classes run in parallel and apt holds one lock, so installs here take turns, the package
/// lists are refreshed once per test run, and apt itself waits for a lock held by anything else.
/// </summary>
internal static class AptPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool listsUpdated;

    /// <summary>Installs <paramref name="package"/>; null when it is installed, else why it could not be.</summary>
    public static async Task<string?> InstallAsync(string package)
    {
        var root = Environment.UserName == "root";
        if (!root && !File.Exists("/usr/bin/sudo"))
        {
            return $"{package} is not installed, and this user can neither run apt-get nor sudo.";
        }

        string[] apt = root ? ["apt-get"] : ["sudo", "-n", "apt-get"];
        await Gate.WaitAsync();
        try
        {
            if (!listsUpdated)
            {
                var (update, updateOutput) = await RunAsync(apt, "-o", "DPkg::Lock::Timeout=300", "update");
                if (update != 0)
                {
                    return $"apt-get update failed: {updateOutput}";
                }

                listsUpdated = true;
            }

            var (install, output) = await RunAsync(apt, "-o", "DPkg::Lock::Timeout=300", "install", "-y", package);
            return install == 0 ? null : $"apt-get install {package} failed: {output}";
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] apt, params string[] args)
    {
        var start = new ProcessStartInfo(apt[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in apt[1..].Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
