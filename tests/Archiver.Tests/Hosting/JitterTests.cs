using Archiver.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Hosting;

public class JitterTests
{
    [Fact]
    public async Task DelayAsync_WithJitter_WaitsOnTheClockAndNeverLongerThanMax()
    {
        var clock = new FakeTimeProvider();
        var delay = Jitter.DelayAsync(TimeSpan.FromMinutes(5), clock, CancellationToken.None, new Random(7));
        var picked = Jitter.Pick(TimeSpan.FromMinutes(5), new Random(7));
        Assert.InRange(picked, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(5));

        clock.Advance(picked - TimeSpan.FromSeconds(1));
        Assert.False(delay.IsCompleted, "still waiting before its random delay is over");
        clock.Advance(TimeSpan.FromSeconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Pick_ManyNodes_SpreadOverTheWholeWindow()
    {
        var random = new Random(1);
        var picks = Enumerable.Range(0, 1000).Select(_ => Jitter.Pick(TimeSpan.FromMinutes(10), random)).ToList();
        Assert.All(picks, p => Assert.InRange(p, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        // Each minute of the window gets some of the thousand nodes.
        Assert.Equal(10, picks.Select(p => (int)p.TotalMinutes).Distinct().Count());
    }

    [Fact]
    public void Pick_NoJitter_NoDelay() => Assert.Equal(TimeSpan.Zero, Jitter.Pick(TimeSpan.Zero, Random.Shared));
}
