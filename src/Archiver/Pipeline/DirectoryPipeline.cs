using System.Diagnostics;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Stores;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// What happens to one directory of a plan, in order: lock → journal → archive (<see cref="ArchiveStage"/>)
/// → verify (<see cref="VerifyStage"/>) → recheck and delete (<see cref="CleanupStage"/>), resuming from
/// the journal where an earlier run stopped. <see cref="ArchiveAsync"/> stops at a verified archive,
/// holding the directory's lock; <see cref="DeleteAsync"/> waits for the pods' recheck and deletes.
/// A failure is the directory's outcome (with the stage it happened in) and never stops other directories.
/// </summary>
public static class DirectoryPipeline
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(DirectoryPipeline));

    /// <summary>A directory archived and verified, waiting for its delete; its lock stays held.</summary>
    public sealed record Verified(PlannedDirectory Item, JournalRecord Record, DirectoryOutcome Outcome, Stopwatch Watch, IDirectoryLockHandle Hold);

    /// <summary>Locks, archives and verifies <paramref name="item"/>. Returns its outcome, and when it is
    /// to be deleted, the verified directory (whose lock the caller must hand to <see cref="DeleteAsync"/>).
    /// With <paramref name="writers"/>, a slot of it is held from the lock until the archive's bytes
    /// are written: what follows (completing the upload, the manifest, the journal, the verify)
    /// mostly waits on the disk or the store, so the next directory starts writing meanwhile.</summary>
    public static async Task<(DirectoryOutcome Outcome, Verified? ToDelete)> ArchiveAsync(SweepContext ctx, PlannedDirectory item, SemaphoreSlim? writers, CancellationToken cancellationToken)
    {
        using var slot = writers is null ? null : await HeldSlot.TakeAsync(writers, cancellationToken);
        return await ArchiveAsync(ctx, item, () => slot?.Dispose(), cancellationToken);
    }

    private static async Task<(DirectoryOutcome Outcome, Verified? ToDelete)> ArchiveAsync(SweepContext ctx, PlannedDirectory item, Action written, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var watch = Stopwatch.StartNew();
        var outcome = new DirectoryOutcome { Dir = c.Name, Pod = item.Pod?.Display, Decision = Decision.Archive, Reason = item.Reason, ReasonClass = item.Class };
        var stage = Stage.Lock;
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", c.Name);
        IDirectoryLockHandle? hold = null;
        Verified? verified = null;
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

            stage = Stage.Journal;
            var record = ctx.Journal.Get(c.Name);
            if (record is null)
            {
                stage = Stage.Archive; // the first step of archiving: is the key free in the store?
                record = await StartAsync(ctx, item, work.Token);
                outcome = outcome with { Key = record.Key };
                // Begun just now, so nothing to resume: its key was just found free.
                record = await ArchiveStage.RunAsync(ctx, item, record, written, work.Token);
            }
            else if (record.State == JournalState.Archiving)
            {
                stage = Stage.Archive;
                outcome = outcome with { Key = record.Key };
                record = await ResumeOrArchiveAsync(ctx, item, record, written, work.Token);
            }
            outcome = outcome with { Key = record.Key, BytesIn = record.BytesIn, BytesOut = record.ArchiveSize, Sha256 = record.ArchiveSha256 };
            written(); // where no bytes were written (adopted, or stored by an earlier run) the slot goes now

            if (record.State == JournalState.Uploaded)
            {
                stage = Stage.Verify;
                if (await VerifyStage.CheckAsync(ctx, record, work.Token) is { } problem)
                {
                    // The directory is still on disk: the next run uploads it afresh over the bad copy,
                    // never adopting it; the copy is removed now where the store allows it.
                    ctx.Journal.Reject(record);
                    var keptByLock = !await RemoveBadCopyAsync(ctx, record.Key, work.Token);
                    Log.Error("Verify failed for {Directory} at {Key}: {Problem}; nothing deleted, the next sweep uploads it again", c.Name, record.Key, problem);
                    return (outcome with { Error = $"verify failed: {problem}; nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed, BadCopyKeptByLock = keptByLock }, null);
                }
                CrashPoints.Hit(CrashPoints.AfterVerify);
                // Recorded with the next state (Kept, or Deleting after the recheck), not on its own:
                // a crash before that verifies again.
                record = record with { VerifiedAt = ctx.Clock.GetUtcNow() };
            }

            if (ctx.Policy.AfterUpload == Policies.AfterUpload.Keep && (record.VerifiedAt is not null || record.State == JournalState.Verified))
            {
                ctx.Journal.Advance(record, JournalState.Kept);
                hold.WorkIsOver();
                var kept = outcome with { Reason = item.Reason + "; kept on disk (afterUpload: keep)", Elapsed = watch.Elapsed };
                await RecordEventAsync(ctx, kept, cancellationToken);
                return (kept, null);
            }
            verified = new Verified(item, record, outcome with { Elapsed = watch.Elapsed }, watch, hold);
            return (verified.Outcome, verified);
        }
        catch (Exception e)
        {
            return (Interrupted(e, outcome, stage, watch, hold, cancellationToken), null);
        }
        finally
        {
            if (hold is not null && verified is null) await hold.DisposeAsync();
        }
    }

    /// <summary>Deletes a verified directory once a recheck taken after its verify shows its pod still
    /// gone (<see cref="CleanupStage"/>), then releases its lock.</summary>
    public static async Task<DirectoryOutcome> DeleteAsync(SweepContext ctx, Verified v, PodRecheck recheck, CancellationToken cancellationToken)
    {
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", v.Item.Candidate.Name);
        try
        {
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, v.Hold.Lost);
            var result = await CleanupStage.RunAsync(ctx, Deletion.Of(v.Item), v.Record, recheck, work.Token);
            var done = result.ApplyTo(v.Outcome) with { Elapsed = v.Watch.Elapsed };
            if (result.Deleted) v.Hold.WorkIsOver();
            if (!done.Failed) await RecordEventAsync(ctx, done, cancellationToken);
            return done;
        }
        catch (Exception e)
        {
            return Interrupted(e, v.Outcome, Stage.Cleanup, v.Watch, v.Hold, cancellationToken);
        }
        finally
        {
            await v.Hold.DisposeAsync();
        }
    }

    private static async Task<JournalRecord> StartAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var key = ArchiveStage.KeyFor(ctx, item);
        if (await ctx.Store.StatAsync(key, cancellationToken) is not null)
            throw new IOException($"an object already exists at {key}; refusing to overwrite an archive this node did not start: keep {{node}} and {{timestamp}} in the key template, and look at that object (another node or an older journal made it)");
        // Recorded as requested from the start (ArchiveStage creates the upload next): one journal
        // write fewer per directory; a crash before the upload exists costs the next run one listing.
        return ctx.Journal.Begin(new JournalRecord
        {
            Dir = item.Candidate.Name,
            Key = key,
            State = JournalState.Archiving,
            UploadRequested = true,
            Device = item.Candidate.Status.Device,
            Inode = item.Candidate.Status.Inode,
            StartedAt = ctx.Clock.GetUtcNow(),
        });
    }

    /// <summary>After a crash mid-upload: abort what it left open; if the archive and its manifest
    /// were in fact completed and the tree is unchanged, adopt them instead of uploading again.</summary>
    private static async Task<JournalRecord> ResumeOrArchiveAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, Action written, CancellationToken cancellationToken)
    {
        if (InterruptedUpload.Pending(record)) record = await InterruptedUpload.AbortAsync(ctx, record, cancellationToken);
        var stored = record.Rejected ? null : await ctx.Store.StatAsync(record.Key, cancellationToken);
        if (stored is not null && await ctx.Store.ReadManifestOrNullAsync(record.Key, cancellationToken) is { } manifest
            && manifest.Archive.Size == stored.Size
            && manifest.Fingerprint == FileSystem.TreeFingerprint.Of(item.Candidate.FullPath))
        {
            Log.Information("Adopting {Key}: completed by an earlier run that stopped before recording it", record.Key);
            return ctx.Journal.Advance(record with
            {
                ArchiveSize = manifest.Archive.Size,
                ArchiveSha256 = manifest.Archive.Sha256,
                ArchiveXxh128 = null, // not known for an adopted copy: verify re-hashes it with SHA-256
                BytesIn = manifest.Totals.BytesIn,
                Fingerprint = manifest.Fingerprint,
            }, JournalState.Uploaded);
        }
        return await ArchiveStage.RunAsync(ctx, item, record, written, cancellationToken);
    }

    /// <summary>False when Object Lock keeps the copy (a counted skip); true otherwise.</summary>
    private static async Task<bool> RemoveBadCopyAsync(SweepContext ctx, string key, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Store.DeleteAsync(ArchiveKeys.ManifestFor(key), cancellationToken);
            if (ArchiveKeys.IsEncrypted(key)) await ctx.Store.DeleteAsync(ArchiveKeys.IntegrityFor(key), cancellationToken);
            await ctx.Store.DeleteAsync(key, cancellationToken);
        }
        catch (ObjectLockedException e)
        {
            // Object Lock: the bad copy stays as an old version until its date; the next upload is a
            // newer version on top, and retention deletes both once they are due.
            Log.Warning("Not removed the copy at {Key} that failed verification: kept by object lock ({Message}); the next upload goes on top of it", key, e.Message);
            return false;
        }
        catch (Exception e) when (e is StoreException or IOException)
        {
            Log.Warning("Could not remove the copy at {Key} that failed verification ({Message}); the next upload replaces it", key, e.Message);
        }
        return true;
    }

    /// <summary>The outcome of a directory whose work stopped on <paramref name="e"/>: lock lost, cancelled, or failed.</summary>
    private static DirectoryOutcome Interrupted(Exception e, DirectoryOutcome outcome, Stage stage, Stopwatch watch, IDirectoryLockHandle? hold, CancellationToken cancellationToken)
    {
        var dir = outcome.Dir;
        var name = stage.Name();
        if (e is OperationCanceledException && hold is not null && hold.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.Error("Lost the lock on {Directory} during {Stage}; stopped, nothing deleted", dir, name);
            return outcome with { Error = $"lost the lock on the directory during {name} (another archiver took over); nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return outcome with { Error = $"cancelled during {name}; nothing deleted, the next run resumes", FailedStage = stage, Elapsed = watch.Elapsed };
        Log.Error(e, "Failed to archive {Directory} at stage {Stage}: {Message}", dir, name, e.Message);
        return outcome with { Error = $"{name} failed: {e.Message}", FailedStage = stage, Elapsed = watch.Elapsed };
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
