using System.Security.Cryptography;
using System.Text.Json;
using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>What a sweep does with what is inside a pod directory: links, special files,
/// excluded files, and directories that are never candidates.</summary>
public class SweepTreeTests
{
    [Fact]
    public async Task Sweep_Symlinks_AreArchivedAsLinksAndTheirTargetsNeverTouched()
    {
        using var s = new SweepScene();
        var outside = s.Tmp.Sub("outside");
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "NOT-IN-ANY-ARCHIVE");
        var other = s.Pod("other-pod");
        s.Live("other-pod");
        s.Pod("web-1", fill: d =>
        {
            File.WriteAllText(Path.Combine(d, "own.log"), "mine");
            File.CreateSymbolicLink(Path.Combine(d, "abs"), Path.Combine(outside, "secret.txt"));
            File.CreateSymbolicLink(Path.Combine(d, "dirlink"), outside);
            File.CreateSymbolicLink(Path.Combine(d, "sibling"), "../other-pod");
        });
        File.CreateSymbolicLink(Path.Combine(s.Root, "rootlink"), outside);

        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(s.Exists("web-1"));
        Assert.Equal("NOT-IN-ANY-ARCHIVE", File.ReadAllText(Path.Combine(outside, "secret.txt")));
        Assert.True(Directory.Exists(other));
        Assert.True(Directory.Exists(Path.Combine(s.Root, "rootlink")));
        Assert.Contains("not a directory", r.LineFor("rootlink").GetProperty("reason").GetString());
        var manifest = s.Manifest();
        Assert.Equal(Path.Combine(outside, "secret.txt"), manifest.Entries.Single(e => e.Path == "web-1/abs").LinkTarget);
        Assert.Equal("../other-pod", manifest.Entries.Single(e => e.Path == "web-1/sibling").LinkTarget);
        Assert.DoesNotContain(manifest.Entries, e => e.Path.StartsWith("web-1/dirlink/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_FifoSocketAndDevice_AreSkippedWithoutBlocking()
    {
        using var s = new SweepScene();
        s.Pod("odd-pod", fill: d =>
        {
            File.WriteAllText(Path.Combine(d, "data.log"), "x");
            ExternalTool.Check("mkfifo", Path.Combine(d, "pipe"));
            ExternalTool.Check("mknod", Path.Combine(d, "null-dev"), "c", "1", "3");
            // .NET removes a bound socket's file when the socket is disposed; python leaves it, as a crashed app would.
            ExternalTool.Check("python3", "-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{Path.Combine(d, "sock")}')");
        });

        var sweep = s.SweepAsync();
        Assert.Same(sweep, await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromSeconds(60))));
        var r = await sweep;

        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = s.Manifest();
        Assert.Equal(["char-device", "fifo", "socket"], manifest.Skipped.Select(x => x.Type).Order());
        Assert.DoesNotContain(manifest.Entries, e => e.Path.EndsWith("pipe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_HiddenAndStateDirectories_AreNeverCandidates()
    {
        using var s = new SweepScene();
        s.Pod(".cache");
        s.Pod("web-1");
        var r = await s.SweepAsync();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(s.Exists(".cache"));
        Assert.DoesNotContain(r.JsonLines, l => l.GetProperty("dir").GetString()!.StartsWith('.'));
        Assert.True(Directory.Exists(Path.Combine(s.Root, ".archiver", "default")));
    }

    [Fact]
    public async Task Sweep_ExcludedFiles_AreListedButNotArchived()
    {
        using var s = new SweepScene();
        s.Pod("web-1", fill: d =>
        {
            File.WriteAllText(Path.Combine(d, "keep.log"), "k");
            File.WriteAllText(Path.Combine(d, "scratch.tmp"), "t");
            Directory.CreateDirectory(Path.Combine(d, "cache", "x"));
            File.WriteAllText(Path.Combine(d, "cache", "x", "blob"), "b");
        });
        var policy = s.Tmp["p.yaml"];
        File.WriteAllText(policy, $"root: {s.Root}\nstore: {s.StoreUrl}\nliveness: none\nidleFor: 1h\nexclude: [\"*.tmp\", \"cache/**\"]\n");
        var r = await CliRunner.RunAsync(s.Clock, "sweep", "--policy", policy, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = s.Manifest();
        Assert.Contains(manifest.Entries, e => e.Path == "web-1/keep.log");
        Assert.DoesNotContain(manifest.Entries, e => e.Path.Contains("scratch") || e.Path.Contains("blob"));
        Assert.Contains(manifest.Skipped, x => x.Path == "web-1/scratch.tmp" && x.Reason == "excluded by policy");
    }
}
