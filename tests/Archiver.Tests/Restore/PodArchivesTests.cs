using Archiver.Layouts;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary><c>archiver restore --pod</c>: the pod's newest archive, or the newest at or before
/// <c>--at</c>, found from the manifests through the store's listing.</summary>
public sealed class PodArchivesTests : IDisposable
{
    private readonly RestoreFixture _f = new("locator");

    /// <summary>Starts five days before the real current time and moves on to it: every archive is
    /// made before a restore without <c>--at</c>, which asks for the newest one as of now.</summary>
    private readonly FakeTimeProvider _clock = new(SceneClock.Now().AddDays(-5));

    /// <summary>When web-0 was first archived.</summary>
    private DateTimeOffset First { get; }

    /// <summary>When web-0 was archived again, four days later.</summary>
    private DateTimeOffset Second => First.AddDays(4);

    public PodArchivesTests() => First = _clock.GetUtcNow();

    private async Task ArchiveTwiceAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName;
        File.WriteAllText(Path.Combine(dir, "version.txt"), "first\n");
        await _f.ArchiveAsync("web-0", _clock);
        _f.ForgetJournal();
        File.WriteAllText(Path.Combine(dir, "version.txt"), "second\n");
        _clock.Advance(Second - First);
        await _f.ArchiveAsync("web-0", _clock);
        Directory.CreateDirectory(Path.Combine(_f.Root, "web-00"));
        File.WriteAllText(Path.Combine(_f.Root, "web-00", "version.txt"), "other pod\n");
        _clock.Advance(TimeSpan.FromDays(1));
        await _f.ArchiveAsync("web-00", _clock);
    }

    private static string At(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private string Restored(string to) => File.ReadAllText(Path.Combine(to, "web-0", "version.txt"));

    [Fact]
    public async Task RestorePod_NoTime_RestoresNewestArchiveOfThatPod()
    {
        await ArchiveTwiceAsync();

        var result = await _f.RestoreAsync("--pod", "web-0", "--to", _f.Temp["out"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("second\n", Restored(_f.Temp["out"]));
        Assert.Contains($"web-0-{KeyTemplate.FormatTimestamp(Second)}", result.Error);
    }

    [Fact]
    public async Task RestorePod_AtBetweenArchives_RestoresTheOneBefore()
    {
        await ArchiveTwiceAsync();

        var result = await _f.RestoreAsync("--pod", "web-0", "--namespace", "_", "--at", At(First.AddDays(2)), "--to", _f.Temp["out"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("first\n", Restored(_f.Temp["out"]));
    }

    [Fact]
    public async Task RestorePod_AtBeforeFirstArchive_ExitsTwoNamingTheOldest()
    {
        await ArchiveTwiceAsync();

        var before = First.AddDays(-30);
        var result = await _f.RestoreAsync("--pod", "web-0", "--at", At(before), "--to", _f.Temp["out"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"no archive made at or before {At(before)}; the oldest is from {At(First)}", result.Error);
        Assert.False(Directory.Exists(_f.Temp["out"]));
    }

    [Theory]
    [InlineData("--pod", "web-1", "no archive of pod web-1")]
    [InlineData("--namespace", "prod", "pod web-0 has archives only for namespace _ on node")]
    public async Task RestorePod_NothingMatches_ExitsTwoSayingWhy(string flag, string value, string expected)
    {
        await ArchiveTwiceAsync();
        string[] args = flag == "--pod" ? ["--pod", value] : ["--pod", "web-0", flag, value];

        var result = await _f.RestoreAsync([.. args, "--to", _f.Temp["out"]]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    public void Dispose() => _f.Dispose();
}
