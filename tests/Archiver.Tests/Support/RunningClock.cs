namespace Archiver.Tests.Support;

/// <summary>A clock that runs at real speed from <paramref name="start"/>; its timers are the system's.
/// For code that waits on real timers (Quartz's scheduler thread) but decides by the time of day: a
/// test sets the hour, so a schedule's next run is where the test put it, not where the wall clock is.</summary>
public sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
