using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Reliability;

/// <summary>Trees a careless or hostile workload leaves behind.</summary>
public class HostileTreeTests
{
    [Fact]
    public async Task Sweep_SymlinkLoopAndDanglingLinks_AreArchivedAsLinks()
    {
        using var s = new SweepScene();
        s.Pod("web-1", fill: d =>
        {
            File.CreateSymbolicLink(Path.Combine(d, "loop-a"), "loop-b");
            File.CreateSymbolicLink(Path.Combine(d, "loop-b"), "loop-a");
            File.CreateSymbolicLink(Path.Combine(d, "self"), ".");
            File.CreateSymbolicLink(Path.Combine(d, "dangling"), "/nonexistent/target");
        });
        var r = await s.SweepAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = s.Manifest();
        Assert.Equal(4, manifest.Entries.Count(e => e.Type == "symlink"));
    }

    [Fact]
    public async Task Sweep_HardLinkToAFileOutsideThePod_ArchivesTheContentAndLeavesTheOutsideFileAlone()
    {
        using var s = new SweepScene();
        var outside = Path.Combine(s.Tmp.Sub("outside"), "shared.dat");
        File.WriteAllText(outside, "shared content");
        s.Pod("web-1", fill: d => ExternalTool.Check("ln", outside, Path.Combine(d, "link.dat")));
        var r = await s.SweepAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("shared content", File.ReadAllText(outside));
        var outDir = s.Tmp.Sub("out");
        ExternalTool.Check("tar", "-xzf", s.Archives().Single(), "-C", outDir);
        Assert.Equal("shared content", File.ReadAllText(Path.Combine(outDir, "web-1", "link.dat")));
    }

    [Fact]
    public async Task Sweep_HundredThousandFilesInOneDirectory_AreAllArchived()
    {
        using var s = new SweepScene();
        s.Pod("many", fill: d => ExternalTool.Check("bash", "-c", $"cd '{d}' && seq -f 'f%06g' 1 100000 | xargs touch"));
        var r = await s.SweepAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = s.Manifest();
        Assert.Equal(100000, manifest.Totals.Files);
        Assert.False(s.Exists("many"));
    }

    [Fact]
    public async Task Sweep_NameWithNewline_RoundTripsThroughGnuTar()
    {
        using var s = new SweepScene();
        s.Pod("web-1", fill: d => File.WriteAllText(Path.Combine(d, "two\nlines.log"), "x"));
        var r = await s.SweepAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        var outDir = s.Tmp.Sub("out");
        ExternalTool.Check("tar", "-xzf", s.Archives().Single(), "-C", outDir);
        Assert.Equal("x", File.ReadAllText(Path.Combine(outDir, "web-1", "two\nlines.log")));
    }
}
