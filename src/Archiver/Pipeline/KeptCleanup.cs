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

    public static async Task<IReadOnlyList<DirectoryOutcome>> RunAsync(SweepContext ctx, TimeSpan keepLocalFor, CancellationToken cancellationToken)
    {
        var now = ctx.Clock.GetUtcNow();
        var outcomes = new List<DirectoryOutcome>();
        foreach (var record in ctx.Journal.All().Where(r => r.State == JournalState.Kept && now - r.UpdatedAt >= keepLocalFor).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var full = Path.Combine(ctx.Policy.Root, record.Dir);
            var status = FileStatus.TryGet(full);
            if (status is null)
            {
                ctx.Journal.Close(record, JournalClosing.Vanished);
                continue;
            }
            var pod = status.IsDirectory ? ctx.Layout.Identify(record.Dir) : null;
            var reason = $"kept {Duration.Format(now - record.UpdatedAt)} (keepLocalFor {Duration.Format(keepLocalFor)}), archived to {record.Key}";
            var item = new PlannedDirectory(new Candidate(record.Dir, full, status), pod, Decision.Archive, reason, ReasonClass.KeptExpired);
            var outcome = new DirectoryOutcome { Dir = record.Dir, Pod = pod?.Display, Decision = Decision.Archive, Reason = reason, ReasonClass = ReasonClass.KeptExpired, Key = record.Key };
            try
            {
                var (deleted, notDeleted, failure) = await CleanupStage.RunAsync(ctx, item, record, cancellationToken);
                outcome = outcome with { Deleted = deleted, Reason = notDeleted is null ? reason : $"{reason}; {notDeleted}", Error = failure ? notDeleted : null, FailedStage = failure ? "cleanup" : null };
                if (deleted) Log.Information("Deleted kept copy {Directory} ({Pod}) of {Key}: {Reason}", record.Dir, pod?.Display, record.Key, reason);
                else Log.Information("Kept copy {Directory} of {Key} not deleted: {Reason}", record.Dir, record.Key, notDeleted);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Error(e, "Failed to delete kept copy {Directory} of {Key}: {Message}", record.Dir, record.Key, e.Message);
                outcome = outcome with { Error = $"cleanup failed: {e.Message}", FailedStage = "cleanup" };
            }
            outcomes.Add(outcome);
        }
        return outcomes;
    }
}
