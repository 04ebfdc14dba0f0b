using System.Diagnostics;
using Archiver.Archives;
using Archiver.Journal;
using Archiver.Liveness;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// The orchestrator: takes a plan and moves each directory to archive it through
/// Archive → Verify → Commit → Cleanup, resuming from the journal where an earlier run stopped.
/// Directories run <c>concurrency</c> at a time; one directory's failure is reported and never
/// stops the others.
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
        await Parallel.ForEachAsync(plan.ToArchive,
            new ParallelOptions { MaxDegreeOfParallelism = ctx.Policy.Concurrency, CancellationToken = cancellationToken },
            async (item, ct) => Report(await ArchiveOneAsync(ctx, item, ct)));
        return outcomes;
    }

    private static async Task<DirectoryOutcome> ArchiveOneAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        var watch = Stopwatch.StartNew();
        var outcome = new DirectoryOutcome { Dir = c.Name, Pod = item.Pod?.Display, Decision = Decision.Archive, Reason = item.Reason, ReasonClass = item.Class };
        var stage = "journal";
        using var _ = Serilog.Context.LogContext.PushProperty("Directory", c.Name);
        try
        {
            var record = ctx.Journal.Get(c.Name) ?? await StartAsync(ctx, item, cancellationToken);
            outcome = outcome with { Key = record.Key };

            if (record.State == JournalState.Archiving)
            {
                stage = "archive";
                record = await ResumeOrArchiveAsync(ctx, item, record, cancellationToken);
            }
            outcome = outcome with { Key = record.Key, BytesIn = record.BytesIn, BytesOut = record.ArchiveSize, Sha256 = record.ArchiveSha256 };

            if (record.State == JournalState.Uploaded)
            {
                stage = "verify";
                if (await VerifyStage.CheckAsync(ctx, record, cancellationToken) is { } problem)
                {
                    ctx.Journal.Save(record with { State = JournalState.Archiving, UploadId = null });
                    Log.Error("Verify failed for {Directory} at {Key}: {Problem}; nothing deleted, the next sweep uploads it again", c.Name, record.Key, problem);
                    return outcome with { Error = $"verify failed: {problem}; nothing deleted", FailedStage = stage, Elapsed = watch.Elapsed };
                }
                record = ctx.Journal.Save(record with { State = JournalState.Verified });
            }

            if (ctx.Policy.AfterUpload == Policies.AfterUpload.Keep && record.State == JournalState.Verified)
            {
                ctx.Journal.Save(record with { State = JournalState.Kept });
                return outcome with { Reason = item.Reason + "; kept on disk (afterUpload: keep)", Elapsed = watch.Elapsed };
            }

            stage = "cleanup";
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return outcome with { Error = $"cancelled during {stage}; nothing deleted, the next run resumes", FailedStage = stage, Elapsed = watch.Elapsed };
        }
        catch (Exception e)
        {
            Log.Error(e, "Failed to archive {Directory} at stage {Stage}: {Message}", c.Name, stage, e.Message);
            return outcome with { Error = $"{stage} failed: {e.Message}", FailedStage = stage, Elapsed = watch.Elapsed };
        }
    }

    private static async Task<JournalRecord> StartAsync(SweepContext ctx, PlannedDirectory item, CancellationToken cancellationToken)
    {
        var key = ArchiveStage.KeyFor(ctx, item);
        if (await ctx.Store.StatAsync(key, cancellationToken) is not null)
            throw new IOException($"an object already exists at {key}; refusing to overwrite an archive this node did not start");
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

    /// <summary>After a crash mid-upload: abort the recorded upload; if the archive and its manifest
    /// were in fact completed and the tree is unchanged, adopt them instead of uploading again.</summary>
    private static async Task<JournalRecord> ResumeOrArchiveAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, CancellationToken cancellationToken)
    {
        if (record.UploadId is not null)
        {
            await ctx.Store.AbortUploadAsync(record.Key, record.UploadId, cancellationToken);
            record = ctx.Journal.Save(record with { UploadId = null });
        }
        var stored = await ctx.Store.StatAsync(record.Key, cancellationToken);
        if (stored is not null && await VerifyStage.ReadManifestAsync(ctx, record.Key, cancellationToken) is { } manifest
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
