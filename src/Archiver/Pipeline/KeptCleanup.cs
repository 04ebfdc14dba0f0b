using Archiver.FileSystem;
using Archiver.Journal;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// <c>keepLocalFor</c>: directories kept on disk after a verified upload (<c>afterUpload: keep</c>,
/// journal state <c>Kept</c>) are deleted once they have been kept that long, through the same
/// cleanup stage as every other delete: unchanged since archived, pod still gone, same inode,
/// no symlink followed.
/// </summary>
public static class KeptCleanup
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(KeptCleanup));

    /// <summary>A kept directory that is due, with what its delete needs.</summary>
    public sealed record Due(JournalRecord Record, Deletion Deletion, string Reason);

    /// <summary>The kept directories due now; those gone from disk are closed in the journal.</summary>
    public static IReadOnlyList<Due> FindDue(SweepContext ctx, TimeSpan keepLocalFor)
    {
        var now = ctx.Clock.GetUtcNow();
        var due = new List<Due>();
        foreach (var record in ctx.Journal.All().Where(r => r.State == JournalState.Kept && now - r.UpdatedAt >= keepLocalFor).ToList())
        {
            var full = Path.Combine(ctx.Policy.Root, record.Dir);
            var status = FileStatus.TryGet(full);
            if (status is null)
            {
                ctx.Journal.Close(record, JournalClosing.Vanished);
                continue;
            }
            var pod = status.IsDirectory ? ctx.Layout.Identify(record.Dir) : null;
            var reason = $"kept {Duration.Format(now - record.UpdatedAt)} (keepLocalFor {Duration.Format(keepLocalFor)}), archived to {record.Key}";
            due.Add(new Due(record, new Deletion(new Candidate(record.Dir, full, status), pod, LookAtPod: pod is not null, Bytes: 0), reason));
        }
        return due;
    }

    /// <summary>Deletes one kept copy that is due, on a recheck taken after it was found due.</summary>
    public static async Task<DirectoryOutcome> DeleteAsync(SweepContext ctx, Due due, PodRecheck recheck, CancellationToken cancellationToken)
    {
        var (record, deletion, reason) = due;
        var pod = deletion.Pod;
        var outcome = new DirectoryOutcome { Dir = record.Dir, Pod = pod?.Display, Decision = Decision.Archive, Reason = reason, ReasonClass = ReasonClass.KeptExpired, Key = record.Key };
        try
        {
            var result = await CleanupStage.RunAsync(ctx, deletion, record, recheck, cancellationToken);
            if (result.Deleted) Log.Information("Deleted kept copy {Directory} ({Pod}) of {Key}: {Reason}", record.Dir, pod?.Display, record.Key, reason);
            else Log.Information("Kept copy {Directory} of {Key} not deleted: {Reason}", record.Dir, record.Key, result.NotDeleted);
            return result.ApplyTo(outcome);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error(e, "Failed to delete kept copy {Directory} of {Key}: {Message}", record.Dir, record.Key, e.Message);
            return outcome with { Error = $"cleanup failed: {e.Message}", FailedStage = Stage.Cleanup };
        }
    }
}
