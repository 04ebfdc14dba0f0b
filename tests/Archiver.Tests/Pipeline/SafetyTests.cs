using Archiver.Pipeline;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>Whatever happens between upload and delete, nothing is deleted that is not proven archived.</summary>
public class SafetyTests
{
    [Fact]
    public async Task Cleanup_DirectoryWrittenAfterUpload_IsNotDeletedAndIsArchivedAgainLater()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-1");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        store.AfterComplete = _ =>
        {
            File.WriteAllText(Path.Combine(dir, "late.log"), "written after the archive was made");
            store.AfterComplete = null;
            return Task.CompletedTask;
        };
        var ctx = PipelineHarness.Context(s, store);

        var first = Assert.Single(await PipelineHarness.SweepAsync(ctx));
        Assert.False(first.Deleted);
        Assert.Contains("modified since it was archived", first.Reason);
        Assert.True(File.Exists(Path.Combine(dir, "late.log")));

        s.Clock.Advance(TimeSpan.FromHours(2));
        PodTree.SetTreeTime(dir, s.Clock.GetUtcNow().AddHours(-2));
        var second = Assert.Single(await PipelineHarness.SweepAsync(ctx));
        Assert.True(second.Deleted, second.Error ?? second.Reason);
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Verify_StoredArchiveCorrupted_NothingDeletedAndTheNextSweepUploadsAgain()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        CorruptNextUpload(s, store);
        var ctx = PipelineHarness.Context(s, store);

        var first = Assert.Single(await PipelineHarness.SweepAsync(ctx));
        Assert.StartsWith("verify failed", first.Error);
        Assert.True(s.Exists("web-1"));

        var second = Assert.Single(await PipelineHarness.SweepAsync(ctx));
        Assert.True(second.Deleted, second.Error ?? second.Reason);
        Assert.Single(s.Archives());
        Assert.Equal(first.Key, second.Key);
    }

    [Fact]
    public async Task Verify_CorruptCopyThatCannotBeDeleted_IsReplacedNotAdopted()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var store = new HookStore(new FileArchiveStore(s.StoreDir)) { DenyDeletes = true };
        CorruptNextUpload(s, store);
        var ctx = PipelineHarness.Context(s, store);

        Assert.StartsWith("verify failed", Assert.Single(await PipelineHarness.SweepAsync(ctx)).Error);
        Assert.True(s.Exists("web-1"));

        var second = Assert.Single(await PipelineHarness.SweepAsync(ctx));
        Assert.True(second.Deleted, second.Error ?? second.Reason);
        var archive = Assert.Single(s.Archives());
        Assert.Equal(second.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archive))));
    }

    [Fact]
    public async Task Cleanup_DirectorySwappedForASymlink_DeletesNothingAnywhere()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-1");
        var victim = s.Tmp.Sub("victim");
        File.WriteAllText(Path.Combine(victim, "precious"), "keep me");
        var store = new HookStore(new FileArchiveStore(s.StoreDir))
        {
            AfterComplete = _ =>
            {
                Directory.Move(dir, dir + "-moved");
                Directory.CreateSymbolicLink(dir, victim);
                return Task.CompletedTask;
            },
        };

        var outcome = Assert.Single(await PipelineHarness.SweepAsync(PipelineHarness.Context(s, store)));

        Assert.False(outcome.Deleted);
        Assert.NotNull(outcome.Error);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(victim, "precious")));
        Assert.True(Directory.Exists(dir + "-moved"));
    }

    [Fact]
    public async Task Cleanup_PodComesBackBeforeDelete_IsNotDeleted()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var store = new HookStore(new FileArchiveStore(s.StoreDir)) { AfterComplete = _ => File.WriteAllTextAsync(s.LivePods, "web-1 Running\n") };

        var outcome = Assert.Single(await PipelineHarness.SweepAsync(PipelineHarness.Context(s, store)));

        Assert.False(outcome.Deleted);
        Assert.Contains("pod web-1 is Running again", outcome.Reason);
        Assert.True(s.Exists("web-1"));
    }

    [Fact]
    public async Task Sweep_MountPointInsidePodDirectory_IsNeitherArchivedNorDeleted()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-1");
        var mnt = Directory.CreateDirectory(Path.Combine(dir, "mnt")).FullName;
        ExternalTool.Check("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt);
        try
        {
            File.WriteAllText(Path.Combine(mnt, "on-another-fs"), "x");
            PodTree.SetTreeTime(dir, s.Clock.GetUtcNow().AddDays(-3));
            var r = await s.SweepAsync();
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("mount point", r.Out);
            Assert.True(File.Exists(Path.Combine(mnt, "on-another-fs")));
            Assert.Empty(s.Archives());
        }
        finally
        {
            ExternalTool.Check("umount", mnt);
        }
    }

    /// <summary>Flips one byte of the next archive once it is stored (same size, wrong content).</summary>
    private static void CorruptNextUpload(SweepScene s, HookStore store) =>
        store.AfterComplete = key =>
        {
            var path = Path.Combine(s.StoreDir, key);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
            store.AfterComplete = null;
            return Task.CompletedTask;
        };
}
