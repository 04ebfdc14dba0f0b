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

    /// <summary>`concurrency` bounds the directories writing archives, not those completing,
    /// recording or verifying them: once one directory's bytes are written, the next one writes while
    /// the first waits on its fsyncs and read-back (a core would otherwise stand idle).</summary>
    [Fact]
    public async Task Sweep_NextDirectoryWritesWhileTheLastOneIsCompleted()
    {
        using var s = new SweepScene();
        foreach (var i in Enumerable.Range(0, 3)) s.Pod($"web-{i}");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var uploadsBegun = 0;
        var overlapped = 0;
        var writers = new List<string>(); // whose bytes each write carried, runs collapsed
        void AtFirstWrite(string key)
        {
            store.DuringUpload = AtFirstWrite; // one-shot: arm it for the next upload
            Interlocked.Increment(ref uploadsBegun);
        }
        store.DuringUpload = AtFirstWrite;
        store.OnWrite = key =>
        {
            lock (writers)
                if (writers.Count == 0 || writers[^1] != key) writers.Add(key);
        };
        store.BeforeComplete = async key =>
        {
            // Completing the first two archives waits (not forever) until the next archive is being written.
            var begunBefore = Volatile.Read(ref uploadsBegun);
            if (begunBefore >= 3) return;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref uploadsBegun) == begunBefore && DateTime.UtcNow < deadline) await Task.Delay(20);
            if (Volatile.Read(ref uploadsBegun) > begunBefore) Interlocked.Increment(ref overlapped);
        };
        var ctx = PipelineHarness.Context(s, store, p => p with { Concurrency = 1 });

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.Equal(3, outcomes.Count(o => o.Deleted));
        Assert.Equal(2, overlapped);
        // With concurrency 1 no two archives ever receive bytes at the same time: each one's writes are one run.
        Assert.Equal(3, writers.Count);
        Assert.Equal(3, writers.Distinct().Count());
    }
}
