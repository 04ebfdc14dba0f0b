using System.Security.Cryptography;
using System.Text.Json;
using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

public class SweepTests
{
    private static JsonElement Line(CliRunner.Result r, string dir) =>
        r.JsonLines.Single(l => l.GetProperty("dir").GetString() == dir);

    [Fact]
    public async Task Sweep_DeadIdlePod_IsArchivedVerifiedAndDeleted()
    {
        using var s = new SweepScene();
        s.Pod("web-7d9f-x2x9z");
        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        var line = Line(r, "web-7d9f-x2x9z");
        Assert.Equal("archive", line.GetProperty("decision").GetString());
        Assert.True(line.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        foreach (var field in new[] { "pod", "reason", "key", "bytesIn", "bytesOut", "sha256" })
            Assert.True(line.TryGetProperty(field, out _), field);
        Assert.False(s.Exists("web-7d9f-x2x9z"));

        var archive = Assert.Single(s.Archives());
        Assert.EndsWith(line.GetProperty("key").GetString()!, archive);
        Assert.StartsWith("default/node-a/_/web-7d9f-x2x9z/web-7d9f-x2x9z-20261123T120000Z", line.GetProperty("key").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
        Assert.Equal(sha, line.GetProperty("sha256").GetString());
        Assert.Equal(new FileInfo(archive).Length, line.GetProperty("bytesOut").GetInt64());

        var manifest = ArchiveManifest.Parse(File.ReadAllBytes(archive + ".manifest.json"), "m");
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
        Assert.Equal("pod api-0 is Running", Line(r, "api-0").GetProperty("reason").GetString());
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
        Assert.Contains("newest incarnation", Line(r, "web-0-1750000000").GetProperty("reason").GetString());
        Assert.False(s.Exists("web-0"));
        Assert.False(s.Exists("web-0-1700000000"));
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Sweep_FileWrittenRecentlyDeepInTheTree_KeepsTheDirectoryUntilIdle()
    {
        using var s = new SweepScene();
        var dir = s.Pod("worker-1");
        var deep = Directory.CreateDirectory(Path.Combine(dir, "a", "b", "c")).FullName;
        File.WriteAllText(Path.Combine(deep, "fresh.log"), "still writing");
        FileSystem.Times.SetModified(Path.Combine(deep, "fresh.log"), s.Clock.GetUtcNow().AddMinutes(-10));

        var first = await s.SweepAsync();
        Assert.Equal("modified 10m ago (idleFor 1h)", Line(first, "worker-1").GetProperty("reason").GetString());
        Assert.True(s.Exists("worker-1"));

        s.Clock.Advance(TimeSpan.FromMinutes(51));
        var second = await s.SweepAsync();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.False(s.Exists("worker-1"));
    }

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
        Assert.Contains("not a directory", Line(r, "rootlink").GetProperty("reason").GetString());
        var manifest = ArchiveManifest.Parse(File.ReadAllBytes(s.Archives().Single() + ".manifest.json"), "m");
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
            Run("mkfifo", Path.Combine(d, "pipe"));
            Run("mknod", Path.Combine(d, "null-dev"), "c", "1", "3");
            // .NET removes a bound socket's file when the socket is disposed; python leaves it, as a crashed app would.
            Run("python3", "-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{Path.Combine(d, "sock")}')");
        });

        var sweep = s.SweepAsync();
        Assert.Same(sweep, await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromSeconds(60))));
        var r = await sweep;

        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = ArchiveManifest.Parse(File.ReadAllBytes(s.Archives().Single() + ".manifest.json"), "m");
        Assert.Equal(["char-device", "fifo", "socket"], manifest.Skipped.Select(x => x.Type).Order());
        Assert.DoesNotContain(manifest.Entries, e => e.Path.EndsWith("pipe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_DryRun_PrintsThePlanAndChangesNothing()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var r = await s.SweepAsync("--dry-run");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("archive", Line(r, "web-1").GetProperty("decision").GetString());
        Assert.StartsWith("pod gone, idle 3d", Line(r, "web-1").GetProperty("reason").GetString());
        Assert.True(s.Exists("web-1"));
        Assert.Empty(s.Archives());
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
        var manifest = ArchiveManifest.Parse(File.ReadAllBytes(s.Archives().Single() + ".manifest.json"), "m");
        Assert.Contains(manifest.Entries, e => e.Path == "web-1/keep.log");
        Assert.DoesNotContain(manifest.Entries, e => e.Path.Contains("scratch") || e.Path.Contains("blob"));
        Assert.Contains(manifest.Skipped, x => x.Path == "web-1/scratch.tmp" && x.Reason == "excluded by policy");
    }

    [Fact]
    public async Task Sweep_OneDirectoryFails_TheOthersAreStillArchived()
    {
        using var s = new SweepScene();
        s.Pod("good-1");
        s.Pod("good-2");
        var bad = s.Pod("bad-1");
        // A name that is not UTF-8 cannot be archived faithfully: that directory fails, alone.
        var old = s.Clock.GetUtcNow().AddDays(-3);
        Run("bash", "-c", $"touch -d @{old.ToUnixTimeSeconds()} \"{bad}\"/$'\\xff\\xfe'.log");
        FileSystem.Times.SetModified(bad, old);

        var r = await s.SweepAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.False(s.Exists("good-1"));
        Assert.False(s.Exists("good-2"));
        Assert.True(s.Exists("bad-1"));
        Assert.Contains("not valid UTF-8", Line(r, "bad-1").GetProperty("error").GetString());
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

    internal static void Run(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }
}
