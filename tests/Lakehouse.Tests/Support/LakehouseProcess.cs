using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The real <c>lakehouse</c> process (as a user or a container runs it), in a working folder whose own
/// <c>config/lakehouse.json</c> replaces the committed defaults, so a test decides every setting.
/// </summary>
internal sealed class LakehouseProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> stderr = new();
    private readonly Task<string> stdout;

    private LakehouseProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        stdout = process.StandardOutput.ReadToEndAsync();
    }

    public int Id => process.Id;

    public string Error => string.Join('\n', stderr);

    /// <summary>Writes <paramref name="settings"/> (a <c>Lakehouse</c> section) as <c>config/lakehouse.json</c> under <paramref name="workingDirectory"/>.</summary>
    public static void WriteConfig(string workingDirectory, JsonObject settings)
    {
        Directory.CreateDirectory(Path.Combine(workingDirectory, "config"));
        File.WriteAllText(
            Path.Combine(workingDirectory, "config", "lakehouse.json"),
            new JsonObject { ["Lakehouse"] = settings }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static LakehouseProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lakehouse.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new LakehouseProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Runs a command to its end.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, null, args);

    /// <summary>Runs a command to its end with <paramref name="environment"/> added to the process's environment.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        await using var lakehouse = Start(workingDirectory, environment, args);
        var exitCode = await lakehouse.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, await lakehouse.stdout, lakehouse.Error);
    }

    /// <summary>What the process wrote to standard output, once it has exited.</summary>
    public Task<string> OutputAsync() => stdout;

    /// <summary>Waits until standard error has a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!stderr.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"lakehouse exited ({process.ExitCode}) before logging \"{text}\":\n{Error}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"lakehouse did not log \"{text}\" within {timeout.TotalSeconds} s:\n{Error}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and systemd do.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or a lost machine would.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"lakehouse did not exit within {timeout.TotalSeconds} s:\n{Error}");
        }

        process.WaitForExit(); // flushes the asynchronous stderr reader
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
