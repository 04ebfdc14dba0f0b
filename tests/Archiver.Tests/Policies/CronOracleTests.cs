using Archiver.Policies;
using Crontab = Cronos.CronExpression;
using CrontabFormatException = Cronos.CronFormatException;
using Quartz;

namespace Archiver.Tests.Policies;

/// <summary>
/// Unix cron as the daemon runs it (translated to Quartz, next fire times from Quartz, the path
/// <c>policies validate</c> prints and the scheduler fires) against Cronos, an independent
/// implementation of crontab's rules. Each expression is compared for its next 5 runs in UTC and
/// in America/New_York, from just before New York's spring and autumn clock changes, compared as
/// instants.
/// </summary>
public class CronOracleTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>10 minutes before the clocks jump 02:00 EST → 03:00 EDT (2026-03-08) and before
    /// they fall 02:00 EDT → 01:00 EST (2026-11-01), a little earlier so a 01:30 run is still ahead.</summary>
    private static readonly DateTimeOffset[] Starts =
    [
        new(2026, 3, 8, 1, 50, 0, TimeSpan.FromHours(-5)),
        new(2026, 11, 1, 0, 50, 0, TimeSpan.FromHours(-4)),
    ];

    public static TheoryData<string> Expressions =>
    [
        // minutes and hours: lists, ranges, steps
        "* * * * *",
        "*/15 * * * *",
        "5,35 * * * *",
        "0-10/5 * * * *",
        "7/20 * * * *",
        "0 * * * *",
        "0 */2 * * *",
        "15 1-3 * * *",
        "0 1,2,3 * * *",
        "*/30 1 * * *",
        "30 2 * * *",
        "30 1 * * *",
        "0 3 * * *",
        "59 23 * * *",
        "0\t3 * * *",
        "0 22-2 * * *",
        "50-10/5 * * * *",
        // day of month
        "0 3 1 * *",
        "0 3 1,15 * *",
        "0 3 1-7 * *",
        "0 3 */10 * *",
        "0 3 31 * *",
        "0 3 L * *",
        "0 3 ? * *",
        // months, by number and name
        "0 0 1 jan,jul *",
        "0 0 1 JAN-MAR *",
        "0 12 * */3 *",
        "0 0 29 2 *",
        "59 23 31 dec *",
        // day of week: Sunday as 0 and 7, names, ranges, steps, L and #
        "0 3 * * 0",
        "0 3 * * 7",
        "0 3 * * sun",
        "0 3 * * 1-5",
        "0 3 * * mon-fri",
        "0 3 * * MON,WED,FRI",
        "0 3 * * 0-6",
        "0 3 * * 1-7",
        "0 3 * * 5-7",
        "0 3 * * 5-1",
        "0 3 * * */2",
        "0 3 * * 1/2",
        "0 3 * * 1-5/2",
        "0 9-17 * * 1-5",
        "0 12 * dec sat",
        "0 3 * * 5#3",
        "0 3 * * 0#2",
        "0 3 * * 7#1",
        "0 3 * * fri#5",
        "0 3 * * 5L",
        "0 3 * * 0L",
        "0 3 * * 7L",
        // every macro we accept
        "@yearly",
        "@annually",
        "@monthly",
        "@weekly",
        "@daily",
        "@midnight",
        "@hourly",
    ];

    [Theory]
    [MemberData(nameof(Expressions))]
    public void NextFiveRuns_UtcAndNewYorkAcrossDst_SameAsCronos(string unix)
    {
        Assert.True(CronSchedule.TryToQuartz(unix, out var quartz, out var error), error);
        var oracle = Crontab.Parse(unix);
        foreach (var zone in new[] { TimeZoneInfo.Utc, NewYork })
            foreach (var start in Starts)
            {
                var expected = Cronos(oracle, zone, start, 5);
                var actual = CronSchedule.NextFireTimes(quartz, zone, start, 5).Select(t => t.ToUniversalTime()).ToList();
                Assert.Equal(actual, TriggerFireTimes(quartz, zone, start, 5));
                Assert.True(expected.SequenceEqual(actual),
                    $"'{unix}' (Quartz '{quartz}') in {zone.Id} after {start:o}:\n  crontab (Cronos): {string.Join(", ", expected.Select(t => t.ToString("o")))}\n  archiver (Quartz): {string.Join(", ", actual.Select(t => t.ToString("o")))}");
            }
    }

    /// <summary>What crontab (Cronos) refuses, we refuse, naming the part that is wrong.</summary>
    [Theory]
    [InlineData("60 * * * *")]
    [InlineData("0 24 * * *")]
    [InlineData("0 3 0 * *")]
    [InlineData("0 3 32 * *")]
    [InlineData("0 3 * 13 *")]
    [InlineData("0 3 * * 8")]
    [InlineData("0 3 * * L")]
    [InlineData("0 3 * * 5#0")]
    [InlineData("0 3 * * 5#6")]
    [InlineData("0 3 * * 1,5L")]
    [InlineData("0 3 * * 5#3,1")]
    [InlineData("0 3 * * 1-5/0")]
    [InlineData("0 3 * * funday")]
    [InlineData("@reboot")]
    [InlineData("@fortnightly")]
    public void Invalid_RefusedLikeCrontab(string unix)
    {
        Assert.Throws<CrontabFormatException>(() => Crontab.Parse(unix));
        Assert.False(CronSchedule.TryToQuartz(unix, out _, out var error));
        Assert.Contains(unix.Split(' ')[^1], error);
    }

    /// <summary>Both day fields restricted: crontab runs on days matching either (Vixie cron, cronie),
    /// or both when one starts with <c>*</c>. Quartz restricts one day field only, so instead of a
    /// different schedule the expression is refused, naming the two schedules that can run.</summary>
    [Theory]
    [InlineData("0 3 1 * 1", "either", "0 3 1 * *", "0 3 * * 1")]
    [InlineData("0 3 1,15 * mon-fri", "either", "0 3 1,15 * *", "0 3 * * mon-fri")]
    [InlineData("0 3 L * 5", "either", "0 3 L * *", "0 3 * * 5")]
    [InlineData("0 3 13 * 5#2", "either", "0 3 13 * *", "0 3 * * 5#2")]
    [InlineData("0 3 */2 * 1", "only on days matching both", "0 3 */2 * *", "0 3 * * 1")]
    [InlineData("0 3 1 * */2", "only on days matching both", "0 3 1 * *", "0 3 * * */2")]
    public void BothDayFields_RefusedWithTheTwoSchedulesThatRun(string unix, string rule, string dayOfMonth, string dayOfWeek)
    {
        Assert.False(CronSchedule.TryToQuartz(unix, out _, out var error));
        Assert.Contains(rule, error);
        Assert.Contains($"'{dayOfMonth}' or '{dayOfWeek}'", error);
        Assert.True(CronSchedule.TryToQuartz(dayOfMonth, out _, out var e1), e1);
        Assert.True(CronSchedule.TryToQuartz(dayOfWeek, out _, out var e2), e2);
    }

    /// <summary>The clock changes, as an SRE expects them (crontab's rule): a run the spring change
    /// skips happens at the jump; in the repeated autumn hour a fixed time runs once and an
    /// interval keeps its interval. New York, 2026-03-08 02:00 EST → 03:00 EDT and 2026-11-01
    /// 02:00 EDT → 01:00 EST.</summary>
    [Theory]
    [InlineData("30 2 * * *", 0, "03-08 03:00 -04:00, 03-09 02:30 -04:00")]
    [InlineData("30 1 * * *", 1, "11-01 01:30 -04:00, 11-02 01:30 -05:00")]
    [InlineData("0 1,2 * * *", 1, "11-01 01:00 -04:00, 11-01 02:00 -05:00")]
    [InlineData("*/30 * * * *", 1, "11-01 01:00 -04:00, 11-01 01:30 -04:00, 11-01 01:00 -05:00, 11-01 01:30 -05:00")]
    [InlineData("15 1-2 * * *", 1, "11-01 01:15 -04:00, 11-01 01:15 -05:00, 11-01 02:15 -05:00")]
    public void ClockChange_NoRunLostNoneDoubled(string unix, int start, string expected)
    {
        Assert.True(CronSchedule.TryToQuartz(unix, out var quartz, out var error), error);
        var count = expected.Split(", ").Length;
        var runs = CronSchedule.NextFireTimes(quartz, NewYork, Starts[start], count).Select(t => TimeZoneInfo.ConvertTime(t, NewYork).ToString("MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, string.Join(", ", runs));
    }

    /// <summary>Fire times from a trigger built as <c>PolicyScheduler</c> builds it.</summary>
    private static List<DateTimeOffset> TriggerFireTimes(string quartz, TimeZoneInfo zone, DateTimeOffset after, int count)
    {
        var trigger = TriggerBuilder.Create().StartAt(after).WithCronSchedule(quartz, x => x.InTimeZone(zone)).Build();
        return Runs(t => trigger.GetFireTimeAfter(t), after, count);
    }

    private static List<DateTimeOffset> Cronos(Crontab cron, TimeZoneInfo zone, DateTimeOffset after, int count) =>
        Runs(t => cron.GetNextOccurrence(t, zone), after, count);

    /// <summary>The first <paramref name="count"/> runs after <paramref name="after"/>, as UTC instants.</summary>
    private static List<DateTimeOffset> Runs(Func<DateTimeOffset, DateTimeOffset?> nextAfter, DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>();
        while (list.Count < count && nextAfter(after) is { } next)
        {
            list.Add(next.ToUniversalTime());
            after = next;
        }
        return list;
    }
}
