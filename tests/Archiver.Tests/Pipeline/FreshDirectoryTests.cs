using Archiver.Journal;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>A directory with no journal record has nothing to resume: its key is looked up once
/// (free, or the sweep refuses to overwrite), not again as if an earlier run had left an upload.</summary>
public sealed class FreshDirectoryTests
{
    [Fact]
    public async Task Sweep_FreshDirectory_LooksItsKeyUpOnceBeforeUploading()
    {
        using var s = new SweepScene();
        s.Pod("web-0");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var uploading = false;
        var statsBefore = 0;
        store.OnStat = key =>
        {
            if (!uploading && key.EndsWith(".tar.gz", StringComparison.Ordinal)) Interlocked.Increment(ref statsBefore);
        };
        store.DuringUpload = _ => uploading = true;
        var ctx = PipelineHarness.Context(s, store);

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.True(Assert.Single(outcomes).Deleted);
        Assert.Equal(1, statsBefore);
        Assert.Single(s.Archives());
    }

    [Fact]
    public async Task Sweep_RecordLeftArchiving_StillLooksForItsUploadAndCopy()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-0");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var ctx = PipelineHarness.Context(s, store);
        var status = Archiver.FileSystem.FileStatus.Get(dir);
        var key = "web-0/web-0-interrupted.tar.gz";
        ctx.Journal.Begin(new JournalRecord { Dir = "web-0", Key = key, State = JournalState.Archiving, Device = status.Device, Inode = status.Inode });
        var statsOfKey = 0;
        store.OnStat = k =>
        {
            if (k == key) Interlocked.Increment(ref statsOfKey);
        };

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.True(Assert.Single(outcomes).Deleted);
        Assert.True(statsOfKey >= 1, "the resumed record's key was not looked up for a copy to adopt");
        Assert.Equal(key, Assert.Single(outcomes).Key);
    }
}
