using Archiver.Tests.Support;

namespace Archiver.Tests.Cli.Commands;

public class ArchiveCommandTests
{
    private static Task<CliRunner.Result> Archive(SweepScene s, string dir, params string[] extra) =>
        CliRunner.RunAsync(s.Clock, ["archive", Path.Combine(s.Root, dir), "--store", s.StoreUrl, "--liveness", $"static:{s.LivePods}", "--idle-for", "1h", .. extra]);

    [Fact]
    public async Task Archive_LivePod_IsRefusedWithTheReasonUnlessForced()
    {
        using var s = new SweepScene();
        s.Pod("api-0");
        s.Live("api-0 Running");

        var refused = await Archive(s, "api-0");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("refused: api-0: pod api-0 is Running; use --force", refused.Error);
        Assert.True(s.Exists("api-0"));
        Assert.Empty(s.Archives());

        var forced = await Archive(s, "api-0", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Single(s.Archives());
        Assert.False(s.Exists("api-0"));
    }

    [Fact]
    public async Task Archive_RecentlyWritten_IsRefused()
    {
        using var s = new SweepScene();
        s.Pod("web-1", TimeSpan.FromMinutes(5));
        var r = await Archive(s, "web-1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("modified 5m ago (idleFor 1h)", r.Error);
        Assert.True(s.Exists("web-1"));
    }

    [Fact]
    public async Task Archive_IdleDeadPod_IsArchivedAndOtherDirectoriesAreLeftAlone()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        s.Pod("web-2");
        var r = await Archive(s, "web-1");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(s.Exists("web-1"));
        Assert.True(s.Exists("web-2"));
    }

    [Fact]
    public async Task Archive_NotADirectory_ExitsTwo()
    {
        using var s = new SweepScene();
        File.WriteAllText(Path.Combine(s.Root, "file"), "x");
        var r = await Archive(s, "file");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a directory", r.Error);
    }
}
