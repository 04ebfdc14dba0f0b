using Archiver.FileSystem;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Pipeline;

namespace Archiver.Tests.Pipeline;

/// <summary>The rechecks before deletes: a directory is only ever answered by a read that started after
/// it asked (after its verify), bounded sources are read in waves spread over the sweep's bytes, and
/// unbounded ones as soon as a directory waits.</summary>
public sealed class PodRecheckTests
{
    [Fact]
    public async Task TwoReads_FirstWaveWhenHalfTheBytesWait_LastWhenNothingIsArchiving()
    {
        var source = new ScriptedSource(reads: 2);
        var plan = Enumerable.Range(0, 4).Select(i => Item($"pod-{i}", bytes: 100)).ToList();
        var recheck = new PodRecheck(source, [.. plan.Select(Deletion.Of)], readEachTime: false, deleteConcurrency: 2, CancellationToken.None);

        var first = recheck.AwaitAsync(Deletion.Of(plan[0]), CancellationToken.None);
        await Task.Delay(50);
        Assert.Empty(source.Reads); // 100 of 400 bytes wait: too early for the first of two reads
        var second = recheck.AwaitAsync(Deletion.Of(plan[1]), CancellationToken.None);
        using (await first.WaitAsync(Timeout)) { }
        using (await second.WaitAsync(Timeout)) { }
        Assert.Equal(["pod-0", "pod-1"], Assert.Single(source.Reads));

        var third = recheck.AwaitAsync(Deletion.Of(plan[2]), CancellationToken.None);
        await Task.Delay(50);
        Assert.Single(source.Reads); // the last read waits for the last archive
        recheck.Settled(plan[3]); // e.g. its archive failed
        using (await third.WaitAsync(Timeout)) { }
        Assert.Equal(2, source.Reads.Count);
        Assert.Equal(["pod-2"], source.Reads[1]);
    }

    [Fact]
    public async Task DirectoryAskingDuringARead_IsAnsweredByTheNextRead()
    {
        var source = new ScriptedSource(reads: null) { Hold = new TaskCompletionSource() };
        var plan = new[] { Item("web-0", 1), Item("web-1", 1) };
        var recheck = new PodRecheck(source, [.. plan.Select(Deletion.Of)], readEachTime: false, deleteConcurrency: 2, CancellationToken.None);
        source.AliveDuringRead[1] = ["web-1"]; // the first read still sees web-1 running

        var a = recheck.AwaitAsync(Deletion.Of(plan[0]), CancellationToken.None);
        await WaitUntilAsync(() => source.Reads.Count == 1);
        var b = recheck.AwaitAsync(Deletion.Of(plan[1]), CancellationToken.None); // verified while read 1 is under way
        source.Hold.SetResult();

        using (var ca = await a.WaitAsync(Timeout)) Assert.Null(ca.Alive);
        using (var cb = await b.WaitAsync(Timeout)) Assert.Null(cb.Alive); // read 2 (web-1 gone), not read 1 (web-1 running)
        Assert.Equal([["web-0"], ["web-1"]], source.Reads);
    }

    [Fact]
    public async Task ReadFails_EveryDirectoryItAnswersIsUnknown()
    {
        var source = new ScriptedSource(reads: null) { Failure = new LivenessUnknownException("pods list: 500 Internal Server Error") };
        var plan = new[] { Item("web-0", 1) };
        var recheck = new PodRecheck(source, [.. plan.Select(Deletion.Of)], readEachTime: false, deleteConcurrency: 1, CancellationToken.None);

        using var clearance = await recheck.AwaitAsync(Deletion.Of(plan[0]), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal("pods list: 500 Internal Server Error", clearance.Unknown);
    }

    [Fact]
    public async Task DeleteSlots_AtMostConcurrencyClearancesAtOnce()
    {
        var source = new ScriptedSource(reads: null);
        var plan = Enumerable.Range(0, 3).Select(i => Item($"pod-{i}", 1)).ToList();
        var recheck = new PodRecheck(source, [.. plan.Select(Deletion.Of)], readEachTime: false, deleteConcurrency: 2, CancellationToken.None);

        var c0 = await recheck.AwaitAsync(Deletion.Of(plan[0]), CancellationToken.None).WaitAsync(Timeout);
        var c1 = await recheck.AwaitAsync(Deletion.Of(plan[1]), CancellationToken.None).WaitAsync(Timeout);
        var third = recheck.AwaitAsync(Deletion.Of(plan[2]), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(third.IsCompleted, "two deletes run; the third waits for a slot");
        c0.Dispose();
        using (await third.WaitAsync(Timeout)) { }
        c1.Dispose();
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly FileStatus Status = new(EntryType.Directory, 0, 0, UnixFileMode.UserRead, 0, 0, DateTimeOffset.UnixEpoch, 0, 0, 1, 1, 1);

    private static PlannedDirectory Item(string pod, long bytes) =>
        new(new Candidate(pod, $"/nonexistent/{pod}", Status), new PodRef("default", pod, new Dictionary<string, string>()), Decision.Archive, "gone", ReasonClass.Eligible) { Bytes = bytes };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    /// <summary>Records the pods each recheck was asked about; read N answers with <see cref="AliveDuringRead"/>[N].</summary>
    private sealed class ScriptedSource(int? reads) : ILivenessSource
    {
        public List<List<string>> Reads { get; } = [];

        public Dictionary<int, string[]> AliveDuringRead { get; } = [];

        public TaskCompletionSource? Hold { get; init; }

        public Exception? Failure { get; init; }

        public string Description => "scripted";

        public int? RecheckReads => reads;

        public Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken) => Task.FromResult(new LivenessSnapshot([]));

        public async Task<LivenessSnapshot> RecheckAsync(IReadOnlyCollection<PodRef> pods, CancellationToken cancellationToken)
        {
            int n;
            lock (Reads)
            {
                Reads.Add(pods.Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
                n = Reads.Count;
            }
            if (n == 1 && Hold is not null) await Hold.Task;
            if (Failure is not null) throw Failure;
            return new LivenessSnapshot(AliveDuringRead.GetValueOrDefault(n, []).Select(p => new PodState("default", p, "Running")));
        }
    }
}
