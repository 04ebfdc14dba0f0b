using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Support;

/// <summary>The one clock a test compares times with. It starts at the real current time (whole
/// seconds, as archive keys show them), so the times a test sets from it and the times the kernel
/// stamps on what the test creates agree on any date and at any hour; the test moves it on.</summary>
public static class SceneClock
{
    /// <summary>The real current time, truncated to whole seconds.</summary>
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>A fake clock standing at <see cref="Now"/>.</summary>
    public static FakeTimeProvider Start() => new(Now());

    /// <summary>Today's (real, UTC) date at <paramref name="timeOfDay"/>: for what depends on the hour
    /// (schedules) but must not depend on when the suite runs.</summary>
    public static DateTimeOffset TodayAt(TimeSpan timeOfDay) => new(DateTimeOffset.UtcNow.UtcDateTime.Date + timeOfDay, TimeSpan.Zero);
}
