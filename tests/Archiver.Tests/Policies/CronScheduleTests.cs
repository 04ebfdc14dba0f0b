using Archiver.Policies;

namespace Archiver.Tests.Policies;

public class CronScheduleTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 10, 7, 0, TimeSpan.Zero);

    [Fact]
    public void UnixFiveField_EveryFifteenMinutes_FiresOnQuarterHours()
    {
        Assert.True(CronSchedule.TryToQuartz("*/15 * * * *", out var q, out var error), error);
        var next = CronSchedule.NextFireTimes(q, TimeZoneInfo.Utc, Monday, 3);
        Assert.Equal([Monday.AddMinutes(8), Monday.AddMinutes(23), Monday.AddMinutes(38)], next);
    }

    [Fact]
    public void UnixWeekdays_SundayIsZeroOrSeven_MapToQuartz()
    {
        Assert.True(CronSchedule.TryToQuartz("0 3 * * 0", out var sunday0, out _));
        Assert.True(CronSchedule.TryToQuartz("0 3 * * 7", out var sunday7, out _));
        Assert.True(CronSchedule.TryToQuartz("0 3 * * 1-5", out var weekdays, out _));
        Assert.Equal(DayOfWeek.Sunday, CronSchedule.NextFireTimes(sunday0, TimeZoneInfo.Utc, Monday, 1)[0].DayOfWeek);
        Assert.Equal(DayOfWeek.Sunday, CronSchedule.NextFireTimes(sunday7, TimeZoneInfo.Utc, Monday, 1)[0].DayOfWeek);
        Assert.Equal(DayOfWeek.Tuesday, CronSchedule.NextFireTimes(weekdays, TimeZoneInfo.Utc, Monday, 1)[0].DayOfWeek);
    }

    [Fact]
    public void QuartzSixField_SecondsFirst_IsAccepted()
    {
        Assert.True(CronSchedule.TryToQuartz("30 0/5 * * * ?", out var q, out _));
        Assert.Equal(Monday.AddMinutes(3).AddSeconds(30), CronSchedule.NextFireTimes(q, TimeZoneInfo.Utc, Monday, 1)[0]);
    }

    [Theory]
    [InlineData("* * *", "fields")]
    [InlineData("61 * * * *", "not a valid cron")]
    [InlineData("0 0 1 * 1", "sets both day-of-month (1) and day-of-week (1)")]
    public void Invalid_ExplainsTheProblem(string cron, string expected)
    {
        Assert.False(CronSchedule.TryToQuartz(cron, out _, out var error));
        Assert.Contains(expected, error);
    }
}
