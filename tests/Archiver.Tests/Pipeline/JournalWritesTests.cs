using Archiver.Journal;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>What a directory's journal records and what it leaves out, each write two fsyncs: an
/// upload's id only for a store that cannot find the upload by listing its key, and the verify not
/// on its own but as a stamp on the state that follows it.</summary>
public sealed class JournalWritesTests
{
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
}
