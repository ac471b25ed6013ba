using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A real <c>lakehouse</c> process to be killed with SIGKILL at a chosen point, optionally run under
/// <c>strace</c> (<see cref="Strace"/>) so that the point lasts long enough to be hit: its log lines are handed to the
/// test as they come, and <see cref="KillAsync"/> kills the lakehouse process itself (under strace, strace's child:
/// killing strace first would detach and resume it).
/// </summary>
internal sealed class KillableLakehouse : IAsyncDisposable
{
    private readonly Process process;
    private readonly bool traced;
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> log = new();
    private readonly Task<string> stdout;
    private readonly Task pump;

    private KillableLakehouse(Process process, bool traced)
    {
        this.process = process;
        this.traced = traced;
        stdout = process.StandardOutput.ReadToEndAsync();
        pump = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                log.Enqueue(line);
                lines.Writer.TryWrite(line);
            }

            lines.Writer.TryComplete();
        });
    }

    /// <summary>Everything it wrote to standard error so far.</summary>
    public string Log => string.Join('\n', log);

    /// <summary>
    /// Starts <c>lakehouse {args}</c> in <paramref name="workingDirectory"/>, under <paramref name="tracer"/> (a
    /// command line that ends where the traced program's starts) when given.
    /// </summary>
    public static KillableLakehouse Start(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment, IReadOnlyList<string>? tracer, params string[] args)
    {
        var command = new List<string>(tracer ?? []) { "dotnet", Path.Combine(AppContext.BaseDirectory, "lakehouse.dll") };
        command.AddRange(args);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new KillableLakehouse(Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start."), tracer is not null);
    }

    /// <summary>Waits for a log line containing every word of <paramref name="words"/>; false when the process ended first.</summary>
    public async Task<bool> WaitForLogAsync(string words, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync(cancel.Token))
            {
                // Serilog may quote property values ("spacex.launches"), so every word is looked for on its own.
                if (words.Split(' ').All(word => line.Contains(word, StringComparison.Ordinal)))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"lakehouse did not log \"{words}\" within {timeout.TotalSeconds} s:\n{Log}");
        }

        return false;
    }

    /// <summary>SIGKILLs the lakehouse process (not its tracer), then waits for everything to end.</summary>
    public async Task KillAsync()
    {
        var target = traced ? TracedChild() : process;
        target.Kill();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(wait.Token);
        await pump;
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(wait.Token);
        await pump;
        _ = await stdout;
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

    /// <summary>The process strace started: the one child of strace's main thread.</summary>
    private Process TracedChild()
    {
        var children = File.ReadAllText($"/proc/{process.Id}/task/{process.Id}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();
        return children.Count == 1
            ? Process.GetProcessById(children[0])
            : throw new InvalidOperationException($"strace (pid {process.Id}) has {children.Count} children, expected the one lakehouse process.");
    }
}

/// <summary>
/// strace as a test harness: it slows one system call down so that a SIGKILL sent when a log line appears lands
/// before that call, deterministically (a rename takes microseconds; the kill, milliseconds).
/// </summary>
internal static class Strace
{
    private static readonly Lazy<Task<string?>> LazyMissing = new(FindMissingAsync);

    /// <summary>Why strace cannot be used here, or null.</summary>
    public static Task<string?> MissingReasonAsync() => LazyMissing.Value;

    /// <summary>
    /// The command line that runs a program with every rename (how the folder lake publishes any object: a temp
    /// file renamed over its key) held for <paramref name="delay"/> before it happens.
    /// </summary>
    public static IReadOnlyList<string> DelayingRenames(TimeSpan delay) =>
    [
        "strace", "-f", "-qq", "--seccomp-bpf", "-o", "/dev/null",
        "-e", "trace=rename,renameat,renameat2",
        "-e", $"inject=rename,renameat,renameat2:delay_enter={(long)delay.TotalMicroseconds}",
    ];

    private static async Task<string?> FindMissingAsync()
    {
        if (!File.Exists("/usr/bin/strace") && await AptPackages.InstallAsync("strace") is { } failed)
        {
            return $"strace is not installed and could not be: {failed}";
        }

        // Tracing needs ptrace, which some containers forbid.
        using var probe = Process.Start(new ProcessStartInfo("strace", ["-f", "-qq", "--seccomp-bpf", "-o", "/dev/null", "-e", "trace=rename", "true"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var error = await probe.StandardError.ReadToEndAsync();
        await probe.WaitForExitAsync();
        return probe.ExitCode == 0 ? null : $"strace cannot trace here (exit {probe.ExitCode}): {error.Trim()}";
    }
}
