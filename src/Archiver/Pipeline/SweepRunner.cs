using System.Diagnostics;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Liveness;
using Archiver.Stores;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// The orchestrator: takes a plan and moves each directory to archive it through
/// Archive → Verify → Commit → Cleanup, resuming from the journal where an earlier run stopped.
/// Directories archive <c>concurrency</c> at a time; a directory's re-check and delete overlap the
/// next directory's archive (<see cref="SweepSlots"/>), and the sweep returns when every delete has
/// finished. One directory's failure is reported and never stops the others.
/// </summary>
public static class SweepRunner
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(SweepRunner));

    public static async Task<IReadOnlyList<DirectoryOutcome>> RunAsync(SweepContext ctx, SweepPlan plan, Action<DirectoryOutcome>? onOutcome, CancellationToken cancellationToken)
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
        using var slots = new SweepSlots(ctx.Policy.Concurrency, pendingDeletes: ctx.Policy.Concurrency);
        var running = new List<Task>();
        try
        {
            foreach (var item in plan.ToArchive)
            {
                var slot = await slots.TakeAsync(cancellationToken);
                running.Add(Task.Run(async () =>
                {
                    using (slot) Report(await ArchiveOneAsync(ctx, item, slot, cancellationToken));
                }, CancellationToken.None));
            }
        }
        finally
        {
            // Deletes still under way finish, and report, before the sweep returns.
            await Task.WhenAll(running);
        }
        return outcomes;
    }

    private static async Task<DirectoryOutcome> ArchiveOneAsync(SweepContext ctx, PlannedDirectory item, SweepSlot slot, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var watch = Stopwatch.StartNew();
        var outcome = new DirectoryOutcome { Dir = c.Name, Pod = item.Pod?.Display, Decision = Decision.Archive, Reason = item.Reason, ReasonClass = item.Class };
        var stage = "lock";
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", c.Name);
        IDirectoryLockHandle? hold = null;
        try
        {
            var acquired = await ctx.DirectoryLock.TryAcquireAsync(c.Name, cancellationToken);
            if (acquired.Handle is null)
            {
                Log.Information("Skip {Directory}: {HeldBy}", c.Name, acquired.HeldBy);
                return outcome with { Decision = Decision.Skip, Reason = $"{acquired.HeldBy}; another archiver is handling it", ReasonClass = ReasonClass.Locked, Elapsed = watch.Elapsed };
            }
            hold = acquired.Handle;
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, hold.Lost);
            var done = await ArchiveHeldAsync(ctx, item, outcome, watch, slot, s => stage = s, work.Token);
            if (!done.Failed) await RecordEventAsync(ctx, done, cancellationToken);
            return done;
        }
        catch (OperationCanceledException) when (hold is not null && hold.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.Error("Lost the lock on {Directory} during {Stage}; stopped, nothing deleted", c.Name, stage);
            return outcome with { Error = $"lost the lock on the directory during {stage} (another archiver took over); nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return outcome with { Error = $"cancelled during {stage}; nothing deleted, the next run resumes", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        catch (Exception e)
        {
            Log.Error(e, "Failed to archive {Directory} at stage {Stage}: {Message}", c.Name, stage, e.Message);
            return outcome with { Error = $"{stage} failed: {e.Message}", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        finally
        {
            if (hold is not null) await hold.DisposeAsync();
        }
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

    private static async Task<DirectoryOutcome> ArchiveHeldAsync(SweepContext ctx, PlannedDirectory item, DirectoryOutcome outcome, Stopwatch watch, SweepSlot slot, Action<string> setStage, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var stage = "journal";
        setStage(stage);
        var record = ctx.Journal.Get(c.Name) ?? await StartAsync(ctx, item, cancellationToken);
        outcome = outcome with { Key = record.Key };

        if (record.State == JournalState.Archiving)
        {
            setStage(stage = "archive");
            record = await ResumeOrArchiveAsync(ctx, item, record, cancellationToken);
        }
        outcome = outcome with { Key = record.Key, BytesIn = record.BytesIn, BytesOut = record.ArchiveSize, Sha256 = record.ArchiveSha256 };

        if (record.State == JournalState.Uploaded)
        {
            setStage(stage = "verify");
            if (await VerifyStage.CheckAsync(ctx, record, cancellationToken) is { } problem)
            {
                // The directory is still on disk: the next run uploads it afresh over the bad copy,
                // never adopting it; the copy is removed now where the store allows it.
                ctx.Journal.Save(record with { State = JournalState.Archiving, UploadId = null, Rejected = true });
                await RemoveBadCopyAsync(ctx, record.Key, cancellationToken);
                Log.Error("Verify failed for {Directory} at {Key}: {Problem}; nothing deleted, the next sweep uploads it again", c.Name, record.Key, problem);
                return outcome with { Error = $"verify failed: {problem}; nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed };
            }
            CrashPoints.Hit(CrashPoints.AfterVerify);
            record = ctx.Journal.Save(record with { State = JournalState.Verified });
        }

        if (ctx.Policy.AfterUpload == Policies.AfterUpload.Keep && record.State == JournalState.Verified)
        {
            ctx.Journal.Save(record with { State = JournalState.Kept });
            return outcome with { Reason = item.Reason + "; kept on disk (afterUpload: keep)", Elapsed = watch.Elapsed };
        }

        setStage(stage = "cleanup");
        // Archived, verified and recorded: the re-check and delete run while the next directory archives.
        await slot.MoveToCleanupAsync(cancellationToken);
        var (deleted, notDeleted, failure) = await CleanupStage.RunAsync(ctx, item, record, cancellationToken);
        return outcome with
        {
            Deleted = deleted,
            Reason = notDeleted is null ? item.Reason : $"{item.Reason}; {notDeleted}",
            Error = failure ? notDeleted : null,
            FailedStage = failure ? stage : null,
            Elapsed = watch.Elapsed,
        };
    }

    private static async Task RemoveBadCopyAsync(SweepContext ctx, string key, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Store.DeleteAsync(ArchiveManifest.KeyFor(key), cancellationToken);
            await ctx.Store.DeleteAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is StoreException or IOException)
        {
            Log.Warning("Could not remove the copy at {Key} that failed verification ({Message}); the next upload replaces it", key, e.Message);
        }
    }

    private static async Task<JournalRecord> StartAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var key = ArchiveStage.KeyFor(ctx, item);
        if (await ctx.Store.StatAsync(key, cancellationToken) is not null)
            throw new IOException($"an object already exists at {key}; refusing to overwrite an archive this node did not start: keep {{node}} and {{timestamp}} in the key template, and look at that object (another node or an older journal made it)");
        var now = ctx.Clock.GetUtcNow();
        return ctx.Journal.Save(new JournalRecord
        {
            Dir = item.Candidate.Name,
            Key = key,
            State = JournalState.Archiving,
            Device = item.Candidate.Status.Device,
            Inode = item.Candidate.Status.Inode,
            StartedAt = now,
        });
    }

    /// <summary>After a crash mid-upload: abort what it left open; if the archive and its manifest
    /// were in fact completed and the tree is unchanged, adopt them instead of uploading again.</summary>
    private static async Task<JournalRecord> ResumeOrArchiveAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, CancellationToken cancellationToken)
    {
        if (InterruptedUpload.Pending(record)) record = await InterruptedUpload.AbortAsync(ctx, record, cancellationToken);
        var stored = record.Rejected ? null : await ctx.Store.StatAsync(record.Key, cancellationToken);
        if (stored is not null && await ctx.Store.ReadManifestOrNullAsync(record.Key, cancellationToken) is { } manifest
            && manifest.Archive.Size == stored.Size
            && manifest.Fingerprint == FileSystem.TreeFingerprint.Of(item.Candidate.FullPath))
        {
            Log.Information("Adopting {Key}: completed by an earlier run that stopped before recording it", record.Key);
            return ctx.Journal.Save(record with
            {
                State = JournalState.Uploaded,
                ArchiveSize = manifest.Archive.Size,
                ArchiveSha256 = manifest.Archive.Sha256,
                BytesIn = manifest.Totals.BytesIn,
                Fingerprint = manifest.Fingerprint,
            });
        }
        return await ArchiveStage.RunAsync(ctx, item, record, cancellationToken);
    }
}
