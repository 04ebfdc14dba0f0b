using Archiver.Policies;

namespace Archiver.Tests.Primitives;

public class DurationTests
{
    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData("90s", 90)]
    [InlineData("2w", 14 * 86400)]
    [InlineData("0", 0)]
    public void TryParse_UsualForms_GiveTheDuration(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out var t, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), t);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5 minutes")]
    [InlineData("-1h")]
    [InlineData("1y")]
    [InlineData("99999999d")]
    [InlineData("5000d")]
    public void TryParse_Malformed_SaysHowToWriteIt(string text)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}'", error);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(0.4, "1ms")]
    [InlineData(1_500, "1s")]
    [InlineData(90_000, "1m")]
    [InlineData(36 * 3600_000.0, "1d12h")]
    public void Format_ShortForm_ThatParsesBackToAtMostTheDuration(double milliseconds, string expected)
    {
        var t = TimeSpan.FromMilliseconds(milliseconds);

        var text = Duration.Format(t);

        Assert.Equal(expected, text);
        Assert.True(Duration.TryParse(text, out var back, out var error), error);
        Assert.True(back <= t || t < TimeSpan.FromMilliseconds(1), $"{text} reads back as {back}, longer than {t}");
    }
}
