using Archiver.Liveness;
using Archiver.Pipeline;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>A directory's re-check and delete run while the next directory archives (issue 16): the
/// delete waits on the disk, the next compression uses the cores. The safety order per directory
/// does not change, and the sweep returns only when every delete has finished.</summary>
public class DeleteOverlapTests
{
    [Fact]
    public async Task Sweep_OneDirectoryAtATime_NextArchiveStartsWhileThePreviousDirectoryWaitsToBeDeleted()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        s.Pod("web-2");
        var store = new HookStore(new FileArchiveStore(s.StoreDir));
        var liveness = new HookLiveness(new StaticLivenessSource(s.LivePods));
        var ctx = PipelineHarness.Context(s, store, p => p with { Concurrency = 1 }) with { Liveness = liveness };
        var nextUpload = new TaskCompletionSource<(string Key, bool HeldStillOnDisk)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? held = null;
        liveness.BeforeGetPod = async pod =>
        {
            if (held is not null) return;
            held = pod.Name;
            // The first directory is archived, verified and recorded, and waits here for its delete.
            store.DuringUpload = key => nextUpload.TrySetResult((key, s.Exists(held)));
            // Without the overlap the next archive cannot start while this one waits: the guard turns
            // a hang into a failed re-check (nothing deleted), which the assertions below report.
            await nextUpload.Task.WaitAsync(TimeSpan.FromMinutes(2));
        };

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Deleted, $"{o.Dir}: {o.Error ?? o.Reason}"));
        var (key, heldStillOnDisk) = await nextUpload.Task;
        var next = held == "web-1" ? "web-2" : "web-1";
        Assert.Contains($"/{next}/", key);
        Assert.True(heldStillOnDisk, $"{held} was already deleted when {next}'s archive started");
        Assert.False(s.Exists("web-1"));
        Assert.False(s.Exists("web-2"));
        Assert.Equal(2, s.Archives().Count);
    }

    [Fact]
    public async Task Sweep_DeleteStillRunning_SweepReturnsOnlyAfterItAndReportsIt()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var liveness = new HookLiveness(new StaticLivenessSource(s.LivePods));
        var ctx = PipelineHarness.Context(s, new FileArchiveStore(s.StoreDir)) with { Liveness = liveness };
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        liveness.BeforeGetPod = _ =>
        {
            reached.TrySetResult();
            return release.Task;
        };
        var reported = new List<DirectoryOutcome>();
        var plan = await Planner.PlanAsync(ctx, Discovery.Discover(ctx.Policy.Root, ctx.Policy.StateDirectory), force: false, CancellationToken.None);

        var sweep = SweepRunner.RunAsync(ctx, plan, o => { lock (reported) reported.Add(o); }, CancellationToken.None);
        await reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.False(sweep.IsCompleted, "the sweep returned while its delete had not run");
        lock (reported) Assert.Empty(reported);
        release.SetResult();
        var outcome = Assert.Single(await sweep);

        Assert.True(outcome.Deleted, outcome.Error ?? outcome.Reason);
        Assert.Same(outcome, Assert.Single(reported));
        Assert.False(s.Exists("web-1"));
    }
}
