using System.Globalization;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Cli.Commands;

/// <summary>What <c>policies validate</c> prints for Unix schedules that crontab users write.</summary>
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
