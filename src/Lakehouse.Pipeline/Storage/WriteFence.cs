namespace Lakehouse.Storage;

/// <summary>
/// A condition every write to the lake must meet at the moment it is sent, such as "this run still holds its leases",
/// set for one async flow (a run) and checked by the stores right before each write request leaves: the folder store
/// before it publishes a file, the S3 store before every PUT, POST and DELETE it sends, retries and multipart parts
/// included.
/// </summary>
/// <remarks>
/// Ambient rather than a parameter because a run's writes pass through stages that share one store (landing,
/// transform, gold); the fence must hold for all of them without each stage knowing about leases. A check that
/// fails throws; a fence entered inside another keeps the outer one's check too.
/// </remarks>
internal static class WriteFence
{
    private static readonly AsyncLocal<Action?> Current = new();

    /// <summary>Adds <paramref name="check"/> for this async flow until the result is disposed.</summary>
    public static IDisposable Enter(Action check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var outer = Current.Value;
        Current.Value = outer is null ? check : () =>
        {
            outer();
            check();
        };
        return new Scope(outer);
    }

    /// <summary>Throws what the fence's check throws when a write must not go out now; does nothing outside a fence.</summary>
    public static void Check() => Current.Value?.Invoke();

    private sealed class Scope(Action? outer) : IDisposable
    {
        public void Dispose() => Current.Value = outer;
    }
}
