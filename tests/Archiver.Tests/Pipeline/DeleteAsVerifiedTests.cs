using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>Disk space comes back during a sweep: a verified directory is deleted once a recheck after
/// its verify clears it, while later directories are still being archived, not at the end.</summary>
public sealed class DeleteAsVerifiedTests
{
    [Fact]
    public async Task Sweep_FirstDirectoryIsDeletedBeforeTheLastOneIsArchived()
    {
        using var s = new SweepScene();
        var dirs = Enumerable.Range(0, 4).Select(i => s.Pod($"web-{i}")).ToList();
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var firstGoneWhenLastStarted = false;
        void AtFirstWrite(string key)
        {
            if (!key.Contains("web-3", StringComparison.Ordinal))
            {
                store.DuringUpload = AtFirstWrite; // the hook is one-shot: arm it for the next upload
                return;
            }
            // The delete runs beside the archives: give it time, but not forever (before, it waited for the sweep's end).
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Directory.Exists(dirs[0]) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            firstGoneWhenLastStarted = !Directory.Exists(dirs[0]);
        }
        store.DuringUpload = AtFirstWrite;
        var ctx = PipelineHarness.Context(s, store, p => p with { Concurrency = 1 });

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.Equal(4, outcomes.Count(o => o.Deleted));
        Assert.True(firstGoneWhenLastStarted, "web-0 was still on disk when web-3's archive began");
        Assert.Equal(4, s.Archives().Count);
    }
}
