using Archiver.Tests.Support;
using Xunit;
using static Archiver.Tests.Restore.HostileArchive;

namespace Archiver.Tests.Restore;

/// <summary>Archives built to write outside the target are refused, nothing lands outside, and the
/// report says what was and was not written.</summary>
public sealed class MaliciousArchiveTests : IDisposable
{
    private readonly RestoreFixture _f = new("hostile");

    private string Outside => _f.Temp.Sub("outside");

    private string Target => _f.Temp["target"];

    private async Task<Support.CliRunner.Result> RestoreAsync(params Entry[] entries)
    {
        Write(Path.Combine(_f.StoreDir, "hand/evil.tar.gz"), entries);
        return await _f.RestoreAsync("hand/evil.tar.gz", "--to", Target, "--no-manifest");
    }

    [Fact]
    public async Task Restore_DotDotName_RefusedAndNothingWrittenOutside()
    {
        var result = await RestoreAsync(File("ok.txt"), File("../outside/escaped.txt"), File("after.txt"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused entry '../outside/escaped.txt'", result.Error);
        Assert.Contains("'..' component", result.Error);
        Assert.Contains("written under", result.Error);
        Assert.Contains("the last was ok.txt", result.Error);
        Assert.Contains("not written: '../outside/escaped.txt' and every entry after it", result.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
        Assert.True(System.IO.File.Exists(Path.Combine(Target, "ok.txt")));
        Assert.False(System.IO.File.Exists(Path.Combine(Target, "after.txt")));
    }

    [Fact]
    public async Task Restore_AbsoluteName_Refused()
    {
        var victim = Path.Combine(Outside, "absolute.txt");

        var result = await RestoreAsync(File(victim));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absolute name", result.Error);
        Assert.False(System.IO.File.Exists(victim));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Target));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restore_FileThroughSymlinkMadeEarlier_Refused(bool linkToRoot)
    {
        // evil -> / (or -> the outside dir), then evil/<path>/pwned.txt
        var linkTarget = linkToRoot ? "/" : Outside;
        var through = linkToRoot ? "evil" + Outside + "/pwned.txt" : "evil/pwned.txt";

        var result = await RestoreAsync(Symlink("evil", linkTarget), File(through));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("evil is a symlink; restore never writes through a symlink", result.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
        Assert.Equal(linkTarget, new FileInfo(Path.Combine(Target, "evil")).LinkTarget);
    }

    [Fact]
    public async Task Restore_HardLinkOutOfTarget_Refused()
    {
        var result = await RestoreAsync(HardLink("passwd", "../../../../etc/passwd"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hard link target name has a '..' component", result.Error);
        Assert.False(System.IO.File.Exists(Path.Combine(Target, "passwd")));
    }

    [Fact]
    public async Task Restore_SymlinkThenDirectoryOfSameName_ReplacesLinkAndStaysInside()
    {
        var result = await RestoreAsync(Symlink("d", Outside), Dir("d"), File("d/inside.txt"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Directory.Exists(Path.Combine(Target, "d")) && new FileInfo(Path.Combine(Target, "d")).LinkTarget is null);
        Assert.True(System.IO.File.Exists(Path.Combine(Target, "d", "inside.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
    }

    [Fact]
    public async Task Restore_ForceIntoTargetWithSymlink_NeverFollowsIt()
    {
        Directory.CreateDirectory(Target);
        System.IO.File.CreateSymbolicLink(Path.Combine(Target, "logs"), Outside);

        Write(Path.Combine(_f.StoreDir, "hand/evil.tar.gz"), File("logs/app.log"));
        var result = await _f.RestoreAsync("hand/evil.tar.gz", "--to", Target, "--no-manifest", "--force");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("logs is a symlink", result.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));
    }

    public void Dispose() => _f.Dispose();
}
