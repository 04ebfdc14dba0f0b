using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// The one sequence every sweep follows, from the CLI or the daemon: check the store's setup, take the
/// policy's cross-process <see cref="SweepLock"/>, plan (one liveness snapshot), show the plan, then run
/// it: each directory through <see cref="DirectoryPipeline"/>, <c>concurrency</c> writing at a time (more may be verifying), and each
/// verified one deleted as soon as a <see cref="PodRecheck"/> after its verify shows its pod still gone
/// (the rechecks come in waves, so disk space comes back during the sweep). When asked, kept copies
/// that are due are deleted on the same rechecks. Under disk pressure (<see cref="SweepRequest.Enough"/>)
/// directories go one at a time, oldest first, each deleted before the next is archived.
/// The daemon adds only scheduling, gates and metrics around it.
/// </summary>
public static class Sweep
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(Sweep));

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

        var outcomes = new List<DirectoryOutcome>();
        void Report(DirectoryOutcome o)
        {
            lock (outcomes) outcomes.Add(o);
            observer.Outcome(o);
        }
        var toArchive = request.Enough is null
            ? plan.ToArchive.ToList()
            : plan.ToArchive.OrderBy(i => i.NewestChange ?? DateTimeOffset.MinValue).ThenBy(i => i.Candidate.Name, StringComparer.Ordinal).ToList();
        ctx = ctx with { WritersAtOnce = WritersAtOnce(request, toArchive.Count, ctx.Policy.Concurrency) };
        await JournalReconciler.ReconcileAsync(ctx, toArchive.Select(i => i.Candidate.Name).ToHashSet(StringComparer.Ordinal), cancellationToken);
        foreach (var skip in plan.Items.Where(i => i.Decision == Decision.Skip)) Report(Skipped(skip));
        await OrphanedUploads.AbortAsync(ctx, cancellationToken);

        var kept = request.CleanUpKept && ctx.Policy.KeepLocalFor is { } keepLocalFor ? KeptCleanup.FindDue(ctx, keepLocalFor) : [];
        var recheck = new PodRecheck(ctx.Liveness, [.. toArchive.Select(Deletion.Of), .. kept.Select(d => d.Deletion)],
            readEachTime: request.Enough is not null, ctx.Policy.Concurrency, cancellationToken);
        var deletes = new DeleteLane(Report);
        foreach (var due in kept) deletes.Start(ct => KeptCleanup.DeleteAsync(ctx, due, recheck, ct), cancellationToken);

        // The archive, verify and journal steps; a directory not to be deleted is reported at once.
        async Task<DirectoryPipeline.Verified?> ArchiveAsync(PlannedDirectory item, SemaphoreSlim? writers, CancellationToken ct)
        {
            var (outcome, verified) = await DirectoryPipeline.ArchiveAsync(ctx, item, writers, ct);
            if (verified is not null) return verified;
            recheck.Settled(item);
            Report(outcome);
            return null;
        }
        try
        {
            if (request.Enough is { } enough)
            {
                // Disk pressure: one directory at a time, oldest first, deleted before the next starts, until enough.
                foreach (var item in toArchive.TakeWhile(_ => !enough()))
                    if (await ArchiveAsync(item, null, cancellationToken) is { } verified) Report(await DirectoryPipeline.DeleteAsync(ctx, verified, recheck, cancellationToken));
            }
            else
            {
                // `concurrency` directories write archive bytes at once; as many more may be completing,
                // recording or verifying theirs (waiting on the disk or store), so a freed core is used at once.
                using var writers = new SemaphoreSlim(ctx.Policy.Concurrency);
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 * ctx.Policy.Concurrency, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(toArchive, parallel, async (item, ct) =>
                {
                    if (await ArchiveAsync(item, writers, ct) is { } verified) deletes.Start(lane => DirectoryPipeline.DeleteAsync(ctx, verified, recheck, lane), cancellationToken);
                });
            }
        }
        finally
        {
            // Directories still waiting get their last recheck (or, when the sweep was cancelled, release their locks).
            recheck.NoMoreArchives();
            await deletes.DrainAsync();
        }
        return new SweepResult(plan, outcomes, Stopped: false);
    }

    /// <summary>Archives written at once: <c>concurrency</c>, fewer when there are fewer directories, one
    /// under disk pressure (one at a time, oldest first). Fewer writers share the cores among fewer, so
    /// each archive compresses on more threads (<see cref="SweepContext.CompressionWorkers"/>).</summary>
    public static int WritersAtOnce(SweepRequest request, int directories, int concurrency) =>
        request.Enough is null ? Math.Clamp(directories, 1, concurrency) : 1;

    private static DirectoryOutcome Skipped(PlannedDirectory skip)
    {
        Log.Information("Skip {Directory} ({Pod}): {Reason}", skip.Candidate.Name, skip.Pod?.Display, skip.Reason);
        return new DirectoryOutcome
        {
            Dir = skip.Candidate.Name,
            Pod = skip.Pod?.Display,
            Decision = Decision.Skip,
            Reason = skip.Reason,
            ReasonClass = skip.Class,
            Error = skip.IsFailure ? skip.Reason : null,
            FailedStage = skip.IsFailure ? Stage.Classify : null,
        };
    }

    /// <summary>Deletes run beside the archives: each waits for its recheck (holding no archive slot), then
    /// for one of the recheck's delete slots, and reports its outcome when done.</summary>
    private sealed class DeleteLane(Action<DirectoryOutcome> report)
    {
        private readonly List<Task> _running = [];

        /// <summary>Calls <paramref name="delete"/> now, so the directory joins the next recheck before this returns.</summary>
        public void Start(Func<CancellationToken, Task<DirectoryOutcome>> delete, CancellationToken cancellationToken)
        {
            var task = ReportAsync(delete(cancellationToken));
            lock (_running) _running.Add(task);
        }

        private async Task ReportAsync(Task<DirectoryOutcome> delete) => report(await delete);

        public async Task DrainAsync()
        {
            Task[] all;
            lock (_running) all = [.. _running];
            await Task.WhenAll(all);
        }
    }
}
