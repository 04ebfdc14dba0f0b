using System.Security.Cryptography;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Pipeline;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>
/// kill -9 at every stage boundary and inside the long stages (deterministic crash points, see
/// <see cref="CrashPoints"/>), then sweep again: every directory ends archived exactly once,
/// nothing is deleted without a verified archive, no partial upload is left, the journal is empty.
/// Runs the real binary as a child process.
/// </summary>
public class CrashResumeTests
{
    public static TheoryData<string> Points => new(CrashPoints.All);

    [Theory]
    [MemberData(nameof(Points))]
    public async Task Sweep_KilledAtAnyPoint_ResumesToExactlyOneVerifiedArchivePerDirectory(string point)
    {
        using var s = new SweepScene();
        var old = DateTimeOffset.UtcNow.AddDays(-3);
        var pods = new[] { "web-1", "web-2" };
        var before = new Dictionary<string, TreeSnapshot>();
        foreach (var pod in pods)
        {
            var dir = s.Pods.Pod(pod, old, d =>
            {
                for (var i = 0; i < 5; i++) File.WriteAllText(Path.Combine(d, $"f{i}.log"), string.Concat(Enumerable.Repeat($"{pod} {i}\n", 20000)));
                Directory.CreateDirectory(Path.Combine(d, "sub"));
                File.WriteAllText(Path.Combine(d, "sub", "x"), "x");
            });
            before[pod] = TreeSnapshot.Of(dir);
        }

        var crashed = await RunArchiverAsync(s, point);
        Assert.True(crashed.ExitCode != 0, $"expected the process to die at {point}: {crashed.Output}");
        foreach (var pod in pods)
        {
            if (!s.Exists(pod) || TreeSnapshot.Of(Path.Combine(s.Root, pod)).Diff(before[pod]).Count > 0)
                Assert.True(VerifiedArchiveExists(s, pod), $"{pod} was touched at {point} without a verified archive");
        }

        var resumed = await RunArchiverAsync(s, null);
        Assert.True(resumed.ExitCode == 0, resumed.Output);

        foreach (var pod in pods)
        {
            Assert.False(s.Exists(pod), $"{pod} still exists after resuming from {point}");
            var archive = Assert.Single(s.Archives(), a => Path.GetFileName(a).StartsWith(pod + "-", StringComparison.Ordinal));
            Assert.True(VerifiedArchiveExists(s, pod));
            var outDir = s.Tmp.Sub("out-" + pod);
            ExternalTool.Check("tar", "-xzf", archive, "-C", outDir);
            Assert.Empty(TreeSnapshot.Of(Path.Combine(outDir, pod)).Diff(before[pod]));
        }
        Assert.Equal(2, s.Archives().Count);
        Assert.Empty(s.PartialUploads());
        JournalChecks.Settled(Path.Combine(s.Root, ".archiver", "default"), pods, $"after resuming from {point}");
    }

    [Fact]
    public async Task Resume_StoreCannotListUploads_ArchivesOnceAndLeavesOnlyTheUnrecordedUpload()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-1");
        var before = TreeSnapshot.Of(dir);
        var store = new HookStore(new FileArchiveStore(s.StoreDir)) { DenyUploadListing = true };
        var ctx = PipelineHarness.Context(s, store);
        // What a process killed between the store creating an upload and the journal recording its id leaves.
        const string key = "node-a/web-1/web-1-crashed.tar.gz";
        var status = Archiver.FileSystem.FileStatus.Get(dir);
        ctx.Journal.Begin(new JournalRecord { Dir = "web-1", Key = key, State = JournalState.Archiving, UploadRequested = true, Device = status.Device, Inode = status.Inode });
        var unrecorded = await store.BeginUploadAsync(key, CancellationToken.None);

        var outcome = Assert.Single(await PipelineHarness.SweepAsync(ctx));

        Assert.True(outcome.Deleted, outcome.Error ?? outcome.Reason);
        var archive = Assert.Single(s.Archives());
        Assert.True(VerifiedArchiveExists(s, "web-1"));
        var outDir = s.Tmp.Sub("out");
        ExternalTool.Check("tar", "-xzf", archive, "-C", outDir);
        Assert.Empty(TreeSnapshot.Of(Path.Combine(outDir, "web-1")).Diff(before));
        // The residual docs/stores.md names: without a listing, only the bucket's lifecycle rule finds it.
        Assert.Single(s.PartialUploads(), p => p.Contains(unrecorded.UploadId, StringComparison.Ordinal));
        await unrecorded.DisposeAsync();
    }

    private static bool VerifiedArchiveExists(SweepScene s, string pod)
    {
        foreach (var archive in s.Archives().Where(a => Path.GetFileName(a).StartsWith(pod + "-", StringComparison.Ordinal)))
        {
            if (!File.Exists(archive + ArchiveKeys.ManifestSuffix)) continue;
            var manifest = SweepScene.ManifestOf(archive);
            if (manifest.Archive.Sha256 == Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)))) return true;
        }
        return false;
    }

    private static async Task<(int ExitCode, string Output)> RunArchiverAsync(SweepScene s, string? crashAt)
    {
        var r = await ProcessRunner.RunAsync("dotnet",
            [typeof(Archiver.Program).Assembly.Location, "sweep", "--root", s.Root, "--store", s.StoreUrl, "--liveness", "none", "--idle-for", "1h", "--node", "node-a", "--json"],
            env: crashAt is null ? null : new Dictionary<string, string> { ["ARCHIVER_CRASH_AT"] = crashAt });
        return (r.ExitCode, $"crash point {crashAt}\n{r}");
    }
}
