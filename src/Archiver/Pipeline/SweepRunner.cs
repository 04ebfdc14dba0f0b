using System.Diagnostics;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Liveness;
using Archiver.Stores;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Runs a plan (for <see cref="SweepOrchestrator"/>): moves each directory to archive it through
/// Archive → Verify → Commit → Cleanup, resuming from the journal where an earlier run stopped.
/// Directories run <c>concurrency</c> at a time; one directory's failure is reported and never
/// stops the others. Deletes wait until every directory is archived and verified, so that one
/// <see cref="PodRecheck"/> covers them all; each keeps its lock until its delete.
/// </summary>
public static partial class SweepRunner
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(SweepRunner));

    public static Task<IReadOnlyList<DirectoryOutcome>> RunAsync(SweepContext ctx, SweepPlan plan, Action<DirectoryOutcome>? onOutcome, CancellationToken cancellationToken) =>
        RunAsync(ctx, plan, new PodRecheck(ctx.Liveness), onOutcome, cancellationToken);

    /// <summary>Archives and verifies every directory first; then <paramref name="recheck"/> looks at all their pods
    /// at once (one consistent read, whatever their number); then the verified directories are deleted.</summary>
    public static async Task<IReadOnlyList<DirectoryOutcome>> RunAsync(SweepContext ctx, SweepPlan plan, PodRecheck recheck, Action<DirectoryOutcome>? onOutcome, CancellationToken cancellationToken)
    {
        var outcomes = new List<DirectoryOutcome>();
        void Report(DirectoryOutcome o)
        {
            lock (outcomes) outcomes.Add(o);
            onOutcome?.Invoke(o);
        }

        await JournalReconciler.ReconcileAsync(ctx, plan.ToArchive.Select(i => i.Candidate.Name).ToHashSet(StringComparer.Ordinal), cancellationToken);
        foreach (var skip in plan.Items.Where(i => i.Decision == Decision.Skip))
        {
            Log.Information("Skip {Directory} ({Pod}): {Reason}", skip.Candidate.Name, skip.Pod?.Display, skip.Reason);
            Report(new DirectoryOutcome
            {
                Dir = skip.Candidate.Name,
                Pod = skip.Pod?.Display,
                Decision = Decision.Skip,
                Reason = skip.Reason,
                ReasonClass = skip.Class,
                Error = skip.IsFailure ? skip.Reason : null,
                FailedStage = skip.IsFailure ? "classify" : null,
            });
        }

        await OrphanedUploads.AbortAsync(ctx, cancellationToken);
        var verified = new List<VerifiedDirectory>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ctx.Policy.Concurrency, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(plan.ToArchive, parallel, async (item, ct) =>
            {
                var (outcome, ready) = await ArchiveOneAsync(ctx, item, ct);
                if (ready is null)
                {
                    Report(outcome);
                    return;
                }
                recheck.Add(item);
                lock (verified) verified.Add(ready);
            });
            // After the last verify and before the first delete: one look at every pod concerned.
            await recheck.TakeAsync(cancellationToken);
        }
        catch
        {
            foreach (var v in verified) await v.Hold.DisposeAsync();
            throw;
        }
        await Parallel.ForEachAsync(verified, parallel, async (v, ct) => Report(await DeleteOneAsync(ctx, v, recheck, ct)));
        return outcomes;
    }

    /// <summary>A directory archived and verified, waiting for the recheck before its delete; its lock stays held.</summary>
    private sealed record VerifiedDirectory(PlannedDirectory Item, JournalRecord Record, DirectoryOutcome Outcome, Stopwatch Watch, IDirectoryLockHandle Hold);

    private static async Task<(DirectoryOutcome Outcome, VerifiedDirectory? Ready)> ArchiveOneAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var watch = Stopwatch.StartNew();
        var outcome = new DirectoryOutcome { Dir = c.Name, Pod = item.Pod?.Display, Decision = Decision.Archive, Reason = item.Reason, ReasonClass = item.Class };
        var stage = "lock";
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", c.Name);
        IDirectoryLockHandle? hold = null;
        VerifiedDirectory? ready = null;
        try
        {
            var acquired = await ctx.DirectoryLock.TryAcquireAsync(c.Name, cancellationToken);
            if (acquired.Handle is null)
            {
                Log.Information("Skip {Directory}: {HeldBy}", c.Name, acquired.HeldBy);
                return (outcome with { Decision = Decision.Skip, Reason = $"{acquired.HeldBy}; another archiver is handling it", ReasonClass = ReasonClass.Locked, Elapsed = watch.Elapsed }, null);
            }
            hold = acquired.Handle;
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, hold.Lost);
            var (done, toDelete) = await ArchiveHeldAsync(ctx, item, outcome, watch, s => stage = s, work.Token);
            if (toDelete is not null)
            {
                ready = new VerifiedDirectory(item, toDelete, done, watch, hold);
                return (done, ready);
            }
            if (!done.Failed)
            {
                hold.WorkIsOver(); // kept on disk (afterUpload: keep)
                await RecordEventAsync(ctx, done, cancellationToken);
            }
            return (done, null);
        }
        catch (Exception e)
        {
            return (Stopped(e, outcome, stage, watch, hold, cancellationToken), null);
        }
        finally
        {
            if (hold is not null && ready is null) await hold.DisposeAsync();
        }
    }

    private static async Task<DirectoryOutcome> DeleteOneAsync(SweepContext ctx, VerifiedDirectory v, PodRecheck recheck, CancellationToken cancellationToken)
    {
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", v.Item.Candidate.Name);
        const string stage = "cleanup";
        try
        {
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, v.Hold.Lost);
            work.Token.ThrowIfCancellationRequested(); // the lock was lost while others were archived
            var (deleted, notDeleted, failure) = await CleanupStage.RunAsync(ctx, v.Item, v.Record, recheck, work.Token);
            var done = v.Outcome with
            {
                Deleted = deleted,
                Reason = notDeleted is null ? v.Item.Reason : $"{v.Item.Reason}; {notDeleted}",
                Error = failure ? notDeleted : null,
                FailedStage = failure ? stage : null,
                Elapsed = v.Watch.Elapsed,
            };
            if (deleted) v.Hold.WorkIsOver();
            if (!done.Failed) await RecordEventAsync(ctx, done, cancellationToken);
            return done;
        }
        catch (Exception e)
        {
            return Stopped(e, v.Outcome, stage, v.Watch, v.Hold, cancellationToken);
        }
        finally
        {
            await v.Hold.DisposeAsync();
        }
    }

    /// <summary>The outcome of a directory whose work stopped on <paramref name="e"/>: lock lost, cancelled, or failed.</summary>
    private static DirectoryOutcome Stopped(Exception e, DirectoryOutcome outcome, string stage, Stopwatch watch, IDirectoryLockHandle? hold, CancellationToken cancellationToken)
    {
        var dir = outcome.Dir;
        if (e is OperationCanceledException && hold is not null && hold.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.Error("Lost the lock on {Directory} during {Stage}; stopped, nothing deleted", dir, stage);
            return outcome with { Error = $"lost the lock on the directory during {stage} (another archiver took over); nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return outcome with { Error = $"cancelled during {stage}; nothing deleted, the next run resumes", FailedStage = stage, Elapsed = watch.Elapsed };
        Log.Error(e, "Failed to archive {Directory} at stage {Stage}: {Message}", dir, stage, e.Message);
        return outcome with { Error = $"{stage} failed: {e.Message}", FailedStage = stage, Elapsed = watch.Elapsed };
    }

    /// <summary>An event is a courtesy: failing to record it is logged and never fails the archive.</summary>
    private static async Task RecordEventAsync(SweepContext ctx, DirectoryOutcome o, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Events.RecordArchivedAsync(new ArchivedDirectory(o.Dir, o.Pod, o.Key!, o.BytesIn, o.BytesOut, o.Deleted), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.Warning("Could not record the Archived event for {Directory} ({Key}): {Message}; the archive itself is fine", o.Dir, o.Key, e.Message);
        }
    }
}
