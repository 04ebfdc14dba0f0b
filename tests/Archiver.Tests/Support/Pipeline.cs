using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Pipeline;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Tests.Support;

/// <summary>Runs the real pipeline stages in-process with a store of the test's choosing (e.g. a
/// <see cref="HookStore"/>), for faults that must strike between two stages.</summary>
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
        var plan = await Planner.PlanAsync(ctx, Discovery.Discover(ctx.Policy.Root, ctx.Policy.StateDirectory), force: false, CancellationToken.None);
        return await SweepRunner.RunAsync(ctx, plan, null, CancellationToken.None);
    }
}
