using Archiver.Pipeline;

namespace Archiver.Cli;

/// <summary>Plan, print, run, print: what <c>sweep</c>, <c>archive</c> and <c>demo</c> share.</summary>
public static class SweepExecution
{
    public static async Task<int> RunAsync(SweepContext ctx, IReadOnlyList<Candidate> candidates, bool force, bool dryRun, bool json, CancellationToken cancellationToken, bool refuseSkips = false)
    {
        using var sweepLock = dryRun ? null : SweepLock.Acquire(ctx.Policy.StateDirectory, ctx.Policy.Name);
        var plan = await Planner.PlanAsync(ctx, candidates, force, cancellationToken);
        if (!dryRun) CrashPoints.Hit(CrashPoints.AfterPlan);
        var renderer = new OutcomeRenderer(Terminal.Out, json);
        if (refuseSkips && plan.Items.FirstOrDefault(i => i.Decision == Decision.Skip) is { } refused)
        {
            renderer.Plan(plan);
            Terminal.Error.WriteLine($"refused: {refused.Candidate.Name}: {refused.Reason}" +
                (refused.Class is ReasonClass.Live or ReasonClass.Recent or ReasonClass.Layout or ReasonClass.LivenessUnknown ? "; use --force to archive it anyway" : ""));
            return ExitCodes.SomeFailed;
        }
        if (dryRun)
        {
            renderer.Plan(plan);
            return plan.Items.Any(i => i.IsFailure) ? ExitCodes.SomeFailed : ExitCodes.Ok;
        }
        if (!json)
        {
            renderer.Plan(plan);
            Terminal.Out.WriteLine();
        }
        var progress = new Progress(plan.ToArchive.Count(), enabled: !json && Terminal.IsInteractive);
        var outcomes = await SweepRunner.RunAsync(ctx, plan, o =>
        {
            renderer.Outcome(o);
            progress.Report(o);
        }, cancellationToken);
        renderer.Summary(outcomes);
        return outcomes.Any(o => o.Failed) ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }
}
