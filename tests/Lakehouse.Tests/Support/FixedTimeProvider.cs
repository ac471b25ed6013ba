namespace Lakehouse.Tests.Support;

/// <summary>A clock that always says <paramref name="now"/>; timers and timestamps stay real.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
