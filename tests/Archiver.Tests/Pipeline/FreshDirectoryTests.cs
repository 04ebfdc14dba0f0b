using Archiver.Journal;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>A directory with no journal record has nothing to resume: its key is looked up once
/// (free, or the sweep refuses to overwrite), not again as if an earlier run had left an upload;
/// its upload's id is journaled only for a store that cannot find the upload by listing; and its
/// verify is recorded with the state that follows it, not in a journal write of its own.</summary>
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
    public async Task Sweep_KeepPolicy_RecordsTheVerifyWithTheKeptState()
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-0");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var ctx = PipelineHarness.Context(s, store, p => p with { AfterUpload = Archiver.Policies.AfterUpload.Keep });

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.False(Assert.Single(outcomes).Deleted);
        Assert.True(Directory.Exists(dir));
        var kept = ctx.Journal.Get("web-0")!;
        Assert.Equal(JournalState.Kept, kept.State);
        Assert.NotNull(kept.VerifiedAt); // the verify's stamp, written with Kept instead of in a record of its own
    }

    [Theory]
    [InlineData(false, false)] // a file store finds a crash's upload by listing the key's .partial- files
    [InlineData(true, true)] // a store that cannot list them needs the id on record
    public async Task Sweep_UploadUnderWay_ItsIdIsJournaledOnlyWhereAListingCannotFindIt(bool denyListing, bool idRecorded)
    {
        using var s = new SweepScene();
        s.Pod("web-0");
        var store = new HookStore(new FileArchiveStore(s.StoreDir)) { DenyUploadListing = denyListing };
        var ctx = PipelineHarness.Context(s, store);
        JournalRecord? during = null;
        store.DuringUpload = _ => during ??= ctx.Journal.Get("web-0");

        Assert.True(Assert.Single(await PipelineHarness.SweepAsync(ctx)).Deleted);

        Assert.NotNull(during);
        Assert.True(during.UploadRequested);
        Assert.Equal(idRecorded, during.UploadId is not null);
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
