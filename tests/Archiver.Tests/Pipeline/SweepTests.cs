using System.Security.Cryptography;
using System.Text.Json;
using Archiver.Archives;
using Archiver.Layouts;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

public class SweepTests
{
    [Fact]
    public async Task Sweep_DeadIdlePod_IsArchivedVerifiedAndDeleted()
    {
        using var s = new SweepScene();
        s.Pod("web-7d9f-x2x9z");
        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        var line = r.LineFor("web-7d9f-x2x9z");
        Assert.Equal("archive", line.GetProperty("decision").GetString());
        Assert.True(line.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        foreach (var field in new[] { "pod", "reason", "key", "bytesIn", "bytesOut", "sha256" })
            Assert.True(line.TryGetProperty(field, out _), field);
        Assert.False(s.Exists("web-7d9f-x2x9z"));

        var archive = Assert.Single(s.Archives());
        Assert.EndsWith(line.GetProperty("key").GetString()!, archive);
        Assert.StartsWith($"default/node-a/_/web-7d9f-x2x9z/web-7d9f-x2x9z-{KeyTemplate.FormatTimestamp(s.Clock.GetUtcNow())}", line.GetProperty("key").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
        Assert.Equal(sha, line.GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(archive).Length, line.GetProperty("bytesOut").GetInt64());

        var manifest = SweepScene.ManifestOf(archive);
        Assert.Equal(sha, manifest.Archive.Sha256);
        Assert.Equal(new FileInfo(archive).Length, manifest.Archive.Size);
        var log = manifest.Entries.Single(e => e.Path == "web-7d9f-x2x9z/logs/app.log");
        Assert.Equal("file", log.Type);
        Assert.Equal("0644", log.Mode);
        Assert.Equal(64, log.Sha256!.Length);
        Assert.Contains(manifest.Entries, e => e.Path == "web-7d9f-x2x9z/empty" && e.Type == "dir");
    }

    [Fact]
    public async Task Sweep_LivePodAndTerminalPod_OnlyTheTerminalOneIsArchived()
    {
        using var s = new SweepScene();
        s.Pod("api-0");
        s.Pod("job-1-abcde");
        s.Pod("ns-pod");
        s.Live("api-0", "job-1-abcde Succeeded", "shop/ns-pod Running");
        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(s.Exists("api-0"));
        Assert.Equal("pod api-0 is Running", r.LineFor("api-0").GetProperty("reason").GetString());
        Assert.True(s.Exists("ns-pod"));
        Assert.False(s.Exists("job-1-abcde"));
        Assert.Single(s.Archives());
    }

    [Fact]
    public async Task Sweep_IncarnationsOfALivePod_OnlyTheNewestIsProtected()
    {
        using var s = new SweepScene();
        s.Pod("web-0", TimeSpan.FromDays(9));
        s.Pod("web-0-1700000000", TimeSpan.FromDays(5));
        s.Pod("web-0-1750000000", TimeSpan.FromDays(2));
        s.Live("web-0 Running");
        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(s.Exists("web-0-1750000000"));
        Assert.Contains("newest incarnation", r.LineFor("web-0-1750000000").GetProperty("reason").GetString());
        Assert.False(s.Exists("web-0"));
        Assert.False(s.Exists("web-0-1700000000"));
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Sweep_FileWrittenRecentlyDeepInTheTree_KeepsTheDirectoryUntilIdle()
    {
        using var s = new SweepScene();
        // Every time in the tree comes from the scene clock: the directories are three days old
        // (appending to a file does not touch them), only the deep file was written 10 minutes ago.
        var fresh = "";
        s.Pod("worker-1", fill: dir =>
        {
            fresh = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "a", "b", "c")).FullName, "fresh.log");
            File.WriteAllText(fresh, "still writing");
        });
        Archiver.FileSystem.Times.SetModified(fresh, s.Clock.GetUtcNow().AddMinutes(-10));

        var first = await s.SweepAsync();
        Assert.Equal("modified 10m ago (idleFor 1h)", first.LineFor("worker-1").GetProperty("reason").GetString());
        Assert.True(s.Exists("worker-1"));

        s.Clock.Advance(TimeSpan.FromMinutes(51));
        var second = await s.SweepAsync();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.False(s.Exists("worker-1"));
    }

    [Fact]
    public async Task Sweep_DryRun_PrintsThePlanAndChangesNothing()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var r = await s.SweepAsync("--dry-run");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("archive", r.LineFor("web-1").GetProperty("decision").GetString());
        Assert.StartsWith("pod gone, idle 3d", r.LineFor("web-1").GetProperty("reason").GetString());
        Assert.True(s.Exists("web-1"));
        Assert.Empty(s.Archives());
    }

    [Fact]
    public async Task Sweep_OneDirectoryFails_TheOthersAreStillArchived()
    {
        using var s = new SweepScene();
        s.Pod("good-1");
        s.Pod("good-2");
        var bad = s.Pod("bad-1");
        // A mount point inside cannot be archived or deleted: that directory fails, alone.
        var mnt = Directory.CreateDirectory(Path.Combine(bad, "mnt")).FullName;
        ExternalTool.Check("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt);
        try
        {
            PodTree.SetTreeTime(bad, s.Clock.GetUtcNow().AddDays(-3));

            var r = await s.SweepAsync();

            Assert.Equal(1, r.ExitCode);
            Assert.False(s.Exists("good-1"));
            Assert.False(s.Exists("good-2"));
            Assert.True(s.Exists("bad-1"));
            Assert.Contains("mount point", r.LineFor("bad-1").GetProperty("error").GetString());
        }
        finally
        {
            ExternalTool.Check("umount", mnt);
        }
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Sweep_RunTwice_ArchivesEachDirectoryOnce()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        s.Pod("web-2");
        Assert.Equal(0, (await s.SweepAsync()).ExitCode);
        s.Clock.Advance(TimeSpan.FromHours(1));
        var again = await s.SweepAsync();
        Assert.Equal(0, again.ExitCode);
        Assert.Empty(again.JsonLines);
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Sweep_ZstdFormat_WritesATarZst()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var r = await s.SweepAsync("--format", "tar.zst");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.EndsWith(".tar.zst", Assert.Single(s.Archives()));
    }
}
