namespace Archiver.Pipeline;

/// <summary>
/// The one sequence every sweep follows, from the CLI or the daemon: take the policy's cross-process
/// <see cref="SweepLock"/>, plan (one liveness snapshot), show the plan, run it (archive, verify,
/// commit; then one <see cref="PodRecheck"/> for all deletes; clean up), and, when asked, delete kept
/// copies that are due on the same recheck. Under disk pressure (<see cref="SweepRequest.Enough"/>) each
/// directory is deleted before the next is archived, so each has its own recheck.
/// The daemon adds only scheduling, gates and metrics around it.
/// </summary>
public static class SweepOrchestrator
{
    public static async Task<SweepResult> RunAsync(SweepContext ctx, SweepRequest request, ISweepObserver observer, CancellationToken cancellationToken)
    {
        // Credentials and bucket setup before anything is written, the sweep lock's file included: a
        // store that cannot be used is a configuration error (exit 2), not a failure of every directory.
        if (!request.DryRun) await ctx.Store.CheckSetupAsync(cancellationToken);
        using var sweepLock = request.DryRun ? null : SweepLock.Acquire(ctx.Policy.StateDirectory, ctx.Policy.Name);
        var plan = await Planner.PlanAsync(ctx, request.Candidates, request.Force, cancellationToken);
        var proceed = observer.Planned(plan);
        if (request.DryRun || !proceed) return new SweepResult(plan, [], Stopped: true);
        CrashPoints.Hit(CrashPoints.AfterPlan);
        // One consistent look at the pods for every delete of the sweep, kept copies that are due included.
        var recheck = new PodRecheck(ctx.Liveness);
        var due = request.CleanUpKept && ctx.Policy.KeepLocalFor is { } keepLocalFor ? KeptCleanup.FindDue(ctx, keepLocalFor) : [];
        foreach (var d in due) recheck.Add(d.Item);
        var outcomes = request.Enough is { } enough
            ? await OldestFirstUntilAsync(ctx, plan, enough, observer, cancellationToken)
            : await SweepRunner.RunAsync(ctx, plan, recheck, observer.Outcome, cancellationToken);
        if (due.Count > 0)
        {
            await recheck.TakeAsync(cancellationToken);
            foreach (var o in await KeptCleanup.RunAsync(ctx, due, recheck, cancellationToken)) observer.Outcome(o);
        }
        return new SweepResult(plan, outcomes, Stopped: false);
    }

    private static async Task<IReadOnlyList<DirectoryOutcome>> OldestFirstUntilAsync(SweepContext ctx, SweepPlan plan, Func<bool> enough, ISweepObserver observer, CancellationToken cancellationToken)
    {
        var outcomes = new List<DirectoryOutcome>();
        foreach (var item in plan.ToArchive.OrderBy(i => i.NewestChange ?? DateTimeOffset.MinValue).ThenBy(i => i.Candidate.Name, StringComparer.Ordinal).ToList())
        {
            if (enough()) break;
            outcomes.AddRange(await SweepRunner.RunAsync(ctx, new SweepPlan([item], null), observer.Outcome, cancellationToken));
        }
        return outcomes;
    }
}
