using System.Runtime.InteropServices;

namespace Lakehouse.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM cancel <see cref="Token"/> instead of killing the process, so a command can stop
/// cleanly: a query interrupts DuckDB, a run finishes writing what it must. A second signal ends the process at once.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly PosixSignalRegistration[] registrations;

    public ShutdownSignals()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (cancellation.IsCancellationRequested)
        {
            return; // the second signal: let the default action end the process
        }

        context.Cancel = true;
        cancellation.Cancel();
    }
}
