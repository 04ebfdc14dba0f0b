using System.Diagnostics;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Liveness;
using Archiver.Stores;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>One directory through the journal: start or resume its record, archive and verify it,
/// and remove a stored copy that failed verification.</summary>
public static partial class SweepRunner
{
    private static async Task<(DirectoryOutcome Outcome, JournalRecord? ToDelete)> ArchiveHeldAsync(SweepContext ctx, PlannedDirectory item, DirectoryOutcome outcome, Stopwatch watch, Action<string> setStage, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var stage = "journal";
        setStage(stage);
        var record = ctx.Journal.Get(c.Name);
        if (record is null)
        {
            setStage(stage = "archive"); // the first step of archiving: is the key free in the store?
            record = await StartAsync(ctx, item, cancellationToken);
        }
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
                ctx.Journal.Reject(record);
                var keptByLock = !await RemoveBadCopyAsync(ctx, record.Key, cancellationToken);
                Log.Error("Verify failed for {Directory} at {Key}: {Problem}; nothing deleted, the next sweep uploads it again", c.Name, record.Key, problem);
                return (outcome with { Error = $"verify failed: {problem}; nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed, BadCopyKeptByLock = keptByLock }, null);
            }
            CrashPoints.Hit(CrashPoints.AfterVerify);
            record = ctx.Journal.Advance(record, JournalState.Verified);
        }

        if (ctx.Policy.AfterUpload == Policies.AfterUpload.Keep && record.State == JournalState.Verified)
        {
            ctx.Journal.Advance(record, JournalState.Kept);
            return (outcome with { Reason = item.Reason + "; kept on disk (afterUpload: keep)", Elapsed = watch.Elapsed }, null);
        }

        setStage(stage = "cleanup");
        return (outcome with { Elapsed = watch.Elapsed }, record); // deleted after the sweep's recheck
    }

    /// <summary>False when Object Lock keeps the copy (a counted skip); true otherwise.</summary>
    private static async Task<bool> RemoveBadCopyAsync(SweepContext ctx, string key, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Store.DeleteAsync(ArchiveManifest.KeyFor(key), cancellationToken);
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

    private static async Task<JournalRecord> StartAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var key = ArchiveStage.KeyFor(ctx, item);
        if (await ctx.Store.StatAsync(key, cancellationToken) is not null)
            throw new IOException($"an object already exists at {key}; refusing to overwrite an archive this node did not start: keep {{node}} and {{timestamp}} in the key template, and look at that object (another node or an older journal made it)");
        var now = ctx.Clock.GetUtcNow();
        return ctx.Journal.Begin(new JournalRecord
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
            return ctx.Journal.Advance(record with
            {
                ArchiveSize = manifest.Archive.Size,
                ArchiveSha256 = manifest.Archive.Sha256,
                BytesIn = manifest.Totals.BytesIn,
                Fingerprint = manifest.Fingerprint,
            }, JournalState.Uploaded);
        }
        return await ArchiveStage.RunAsync(ctx, item, record, cancellationToken);
    }
}
