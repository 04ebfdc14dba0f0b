using System.Globalization;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Cli.Commands;

/// <summary>What <c>policies validate</c> prints for schedules: Unix ones that crontab users write,
/// and Quartz ones, each in its policy's time zone.</summary>
public class PoliciesValidateCronTests
{
    [Fact]
    public async Task Validate_ThirdFriday_PrintsTheThirdFridaysAfterNow()
    {
        using var tmp = new TempDir("validate-cron");
        File.WriteAllText(tmp["third-friday.yaml"], $"name: third-friday\nroot: {tmp.Sub("r")}\nstore: file://{tmp.Path}/s\nschedule: \"0 3 * * 5#3\"\n");
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());

        var result = await CliRunner.RunAsync(clock, "policies", "validate", tmp.Path);

        Assert.Equal(0, result.ExitCode);
        var expected = ThirdFridaysAt3(clock.GetUtcNow()).Take(3).Select(t => t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        Assert.Contains($"next runs (UTC): {string.Join(", ", expected)}", result.Out);
    }

    [Fact]
    public async Task Validate_UnixAndQuartzCron_PrintsNextRunsInThePolicyZone()
    {
        using var tmp = new TempDir("validate");
        File.WriteAllText(tmp["unix.yaml"], $"name: unix\nroot: {tmp.Sub("u")}\nstore: file://{tmp.Path}/s\nschedule: \"*/15 * * * *\"\n");
        File.WriteAllText(tmp["quartz.yaml"], $"name: quartz\nroot: {tmp.Sub("q")}\nstore: file://{tmp.Path}/s\nschedule: \"0 30 3 * * ?\"\ntimeZone: Asia/Shanghai\n");
        // 10:07 UTC today is 18:07 in Shanghai: its next 03:30 is tomorrow's.
        var clock = new FakeTimeProvider(SceneClock.TodayAt(new TimeSpan(10, 7, 0)));
        string Day(int days) => clock.GetUtcNow().AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliRunner.RunAsync(clock, "policies", "validate", tmp.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"next runs (UTC): {Day(0)} 10:15:00 +00:00, {Day(0)} 10:30:00 +00:00, {Day(0)} 10:45:00 +00:00", result.Out);
        Assert.Contains($"next runs (Asia/Shanghai): {Day(1)} 03:30:00 +08:00, {Day(2)} 03:30:00 +08:00", result.Out);
    }

    [Fact]
    public async Task Validate_BothDayFields_RefusedWithLineAndTheTwoSchedulesToChooseFrom()
    {
        using var tmp = new TempDir("validate-cron");
        var file = tmp["either.yaml"];
        File.WriteAllText(file, $"name: either\nroot: {tmp.Sub("r")}\nstore: file://{tmp.Path}/s\nschedule: \"0 3 1 * 1\"\n");

        var result = await CliRunner.RunAsync(new FakeTimeProvider(TimeProvider.System.GetUtcNow()), "policies", "validate", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:4: schedule: '0 3 1 * 1' sets both day-of-month (1) and day-of-week (1); crontab runs it on days matching either", result.Error);
        Assert.Contains("'0 3 1 * *' or '0 3 * * 1'", result.Error);
        Assert.DoesNotContain("next runs", result.Out);
    }

    /// <summary>Third Fridays counted on the calendar: the Friday whose day of month is 15-21.</summary>
    private static IEnumerable<DateTimeOffset> ThirdFridaysAt3(DateTimeOffset after)
    {
        for (var day = after.UtcDateTime.Date; ; day = day.AddDays(1))
        {
            var run = new DateTimeOffset(day.AddHours(3), TimeSpan.Zero);
            if (day.DayOfWeek == DayOfWeek.Friday && day.Day is >= 15 and <= 21 && run > after) yield return run;
        }
    }
}
