using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary><c>archiver restore --pod</c>: the pod's newest archive, or the newest at or before
/// <c>--at</c>, found from the manifests through the store's listing.</summary>
public sealed class ArchiveLocatorTests : IDisposable
{
    private static readonly DateTimeOffset First = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Second = new(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly RestoreFixture _f = new("locator");

    private async Task ArchiveTwiceAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName;
        File.WriteAllText(Path.Combine(dir, "version.txt"), "first\n");
        await _f.ArchiveAsync("web-0", new FakeTimeProvider(First));
        _f.ForgetJournal();
        File.WriteAllText(Path.Combine(dir, "version.txt"), "second\n");
        await _f.ArchiveAsync("web-0", new FakeTimeProvider(Second));
        Directory.CreateDirectory(Path.Combine(_f.Root, "web-00"));
        File.WriteAllText(Path.Combine(_f.Root, "web-00", "version.txt"), "other pod\n");
        await _f.ArchiveAsync("web-00", new FakeTimeProvider(Second.AddDays(1)));
    }

    private string Restored(string to) => File.ReadAllText(Path.Combine(to, "web-0", "version.txt"));

    [Fact]
    public async Task RestorePod_NoTime_RestoresNewestArchiveOfThatPod()
    {
        await ArchiveTwiceAsync();

        var result = await _f.RestoreAsync("--pod", "web-0", "--to", _f.Temp["out"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("second\n", Restored(_f.Temp["out"]));
        Assert.Contains("web-0-20261105T100000Z", result.Error);
    }

    [Fact]
    public async Task RestorePod_AtBetweenArchives_RestoresTheOneBefore()
    {
        await ArchiveTwiceAsync();

        var result = await _f.RestoreAsync("--pod", "web-0", "--namespace", "_", "--at", "2026-11-03T00:00:00Z", "--to", _f.Temp["out"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("first\n", Restored(_f.Temp["out"]));
    }

    [Fact]
    public async Task RestorePod_AtBeforeFirstArchive_ExitsTwoNamingTheOldest()
    {
        await ArchiveTwiceAsync();

        var result = await _f.RestoreAsync("--pod", "web-0", "--at", "2026-10-01T00:00:00Z", "--to", _f.Temp["out"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no archive made at or before 2026-10-01T00:00:00Z; the oldest is from 2026-11-01T10:00:00Z", result.Error);
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
