using Xunit;
using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Hosting;

public class PolicySchedulerTests
{
    /// <summary>The scheduler's clock: today, half past noon UTC, running at real speed. Quartz waits
    /// on real timers, so the hourly and daily schedules below are half an hour or more away
    /// whenever the suite runs, and only the every-second ones fire during a test.</summary>
    private readonly RunningClock _clock = new(SceneClock.TodayAt(new TimeSpan(12, 30, 0)));

    private static LoadedPolicy Loaded(string name, string schedule, string state, bool runOnStart = false, string zone = "UTC")
    {
        Assert.True(CronSchedule.TryToQuartz(schedule, out var quartz, out var error), error);
        var policy = new Policy { Name = name, Root = "/nonexistent", Schedule = schedule, State = state, RunOnStart = runOnStart, TimeZone = zone };
        return new LoadedPolicy(policy, quartz, TimeZoneInfo.FindSystemTimeZoneById(zone), name + schedule + runOnStart);
    }

    [Fact]
    public async Task SyncAsync_EverySecondQuartzCron_RunsOnSchedule()
    {
        using var tmp = new TempDir("sched");
        var runner = new CountingRunner(TimeSpan.Zero);
        await using var scheduler = new PolicyScheduler(runner, _clock);
        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.SyncAsync([Loaded("fast", "* * * * * ?", tmp.Path)], CancellationToken.None);

        await HostingKit.WaitUntilAsync(() => runner.Runs.Count >= 2, 5, "two scheduled runs");
        Assert.All(runner.Runs, r => Assert.Equal(("fast", "schedule"), r));
    }

    [Fact]
    public async Task SyncAsync_RunLongerThanInterval_NeverOverlaps()
    {
        using var tmp = new TempDir("sched");
        var runner = new CountingRunner(TimeSpan.FromMilliseconds(2500));
        await using var scheduler = new PolicyScheduler(runner, _clock);
        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.SyncAsync([Loaded("slow", "* * * * * ?", tmp.Path)], CancellationToken.None);

        await HostingKit.WaitUntilAsync(() => runner.Runs.Count >= 2, 8, "a second run after the first finished");
        Assert.Equal(1, runner.MaxConcurrent);
    }

    [Fact]
    public async Task SyncAsync_RunOnStart_RunsOnceAtOnceEvenWhenScheduleIsFarAway()
    {
        using var tmp = new TempDir("sched");
        var runner = new CountingRunner(TimeSpan.Zero);
        await using var scheduler = new PolicyScheduler(runner, _clock);
        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.SyncAsync([Loaded("daily", "0 3 * * *", tmp.Path, runOnStart: true)], CancellationToken.None);

        await HostingKit.WaitUntilAsync(() => runner.Runs.Count >= 1, 5, "the start run");
        await Task.Delay(500);
        Assert.Equal([("daily", "start")], runner.Runs.ToArray());
    }

    [Fact]
    public async Task SyncAsync_ScheduledTimesMissedWhileDown_OneCatchUpRunNotABurst()
    {
        using var tmp = new TempDir("sched");
        // Last ran 5 hours ago on an hourly schedule: five runs were missed.
        RunMarker.Write(tmp.Path, _clock.GetUtcNow().AddHours(-5));
        var runner = new CountingRunner(TimeSpan.Zero);
        await using var scheduler = new PolicyScheduler(runner, _clock);
        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.SyncAsync([Loaded("hourly", "0 * * * *", tmp.Path)], CancellationToken.None);

        await HostingKit.WaitUntilAsync(() => runner.Runs.Count >= 1, 5, "the catch-up run");
        await Task.Delay(500);
        Assert.Equal([("hourly", "catch-up")], runner.Runs.ToArray());
    }

    [Fact]
    public async Task SyncAsync_PolicyRemoved_StopsRunning()
    {
        using var tmp = new TempDir("sched");
        var runner = new CountingRunner(TimeSpan.Zero);
        await using var scheduler = new PolicyScheduler(runner, _clock);
        await scheduler.StartAsync(CancellationToken.None);
        await scheduler.SyncAsync([Loaded("gone", "* * * * * ?", tmp.Path)], CancellationToken.None);
        await HostingKit.WaitUntilAsync(() => runner.Runs.Count >= 1, 5, "a first run");

        await scheduler.SyncAsync([], CancellationToken.None);
        var count = runner.Runs.Count;
        await Task.Delay(2200);
        Assert.Equal(count, runner.Runs.Count);
        Assert.Null(scheduler.Find("gone"));
    }

    [Theory]
    [InlineData(-5, true)]   // last run 5h ago, hourly: missed
    [InlineData(0, false)]   // last run just now: nothing missed
    public void MissedSince_HourlySchedule_TellsWhetherARunWasMissed(int hoursAgo, bool missed)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 30, 0, TimeSpan.Zero));
        var policy = Loaded("p", "0 * * * *", "/tmp");
        Assert.Equal(missed, RunMarker.MissedSince(policy, clock.GetUtcNow().AddHours(hoursAgo), clock.GetUtcNow()));
    }

    [Fact]
    public void MissedSince_NeverRanBefore_NoCatchUp()
    {
        var policy = Loaded("p", "0 * * * *", "/tmp");
        Assert.False(RunMarker.MissedSince(policy, null, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void MissedSince_DailyInTimeZone_UsesThePolicyZone()
    {
        // 03:00 in Asia/Shanghai is 19:00 UTC the day before.
        var policy = Loaded("p", "0 3 * * *", "/tmp", zone: "Asia/Shanghai");
        var last = new DateTimeOffset(2026, 3, 1, 18, 0, 0, TimeSpan.Zero);
        Assert.False(RunMarker.MissedSince(policy, last, new DateTimeOffset(2026, 3, 1, 18, 59, 0, TimeSpan.Zero)));
        Assert.True(RunMarker.MissedSince(policy, last, new DateTimeOffset(2026, 3, 1, 19, 1, 0, TimeSpan.Zero)));
    }
}
