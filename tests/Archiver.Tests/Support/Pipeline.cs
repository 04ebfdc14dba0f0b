using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Pipeline;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Tests.Support;

/// <summary>Runs the product's sweep (<see cref="Sweep"/>: setup check, sweep lock, plan, archive, verify,
/// recheck, delete) in-process with a store of the test's choosing (e.g. a <see cref="HookStore"/>),
/// for faults that must strike between two stages.</summary>
public static class PipelineHarness
{
    public static SweepContext Context(SweepScene s, IArchiveStore store, Func<Policy, Policy>? adjust = null)
    {
        var policy = new Policy
        {
            Root = s.Root,
            Store = new StoreSpec(s.StoreUrl),
            Liveness = new LivenessSpec("static", s.LivePods),
            IdleFor = TimeSpan.FromHours(1),
            Verify = VerifyMode.Full,
        };
        policy = adjust?.Invoke(policy) ?? policy;
        var layout = PodLayout.Parse(policy.Layout);
        Assert.True(KeyTemplate.TryParse(policy.Key, layout.FieldNames, policy.Extension, out var key, out _));
        return new SweepContext(policy, layout, key, store, new StaticLivenessSource(s.LivePods), new DirectoryJournal(policy.StateDirectory, s.Clock), s.Clock, "node-a");
    }

    public static async Task<IReadOnlyList<DirectoryOutcome>> SweepAsync(SweepContext ctx)
    {
        var result = await Sweep.RunAsync(ctx, new SweepRequest(Discovery.Discover(ctx.Policy.Root, ctx.Policy.StateDirectory)), new Proceed(), CancellationToken.None);
        return result.Outcomes;
    }

    private sealed class Proceed : ISweepObserver
    {
        public bool Planned(SweepPlan plan) => true;

        public void Outcome(DirectoryOutcome outcome) { }
    }
}
