using Archiver.FileSystem;
using Archiver.Journal;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Stages 7-8: re-check the directory (unchanged since it was archived, pod still gone in the sweep's
/// <see cref="PodRecheck"/>), record
/// the intent to delete, and delete without following symlinks or crossing file systems.
/// </summary>
public static class CleanupStage
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(CleanupStage));

    /// <summary>Returns (deleted, why not).</summary>
    public static async Task<(bool Deleted, string? NotDeleted, bool Failure)> RunAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, PodRecheck recheck, CancellationToken cancellationToken)
    {
        var c = item.Candidate;
        if (record.State != JournalState.Deleting)
        {
            string now;
            try
            {
                now = TreeFingerprint.Of(c.FullPath);
            }
            catch (DirectoryNotFoundException)
            {
                ctx.Journal.Close(record, JournalClosing.Vanished);
                return (false, "directory vanished after it was archived; archive kept", false);
            }
            if (now != record.Fingerprint)
            {
                ctx.Journal.Close(record, JournalClosing.Superseded);
                Log.Warning("Not deleting {Directory}: modified, added or removed since it was archived to {Key}; a later sweep archives it again", c.Name, record.Key);
                return (false, $"modified since it was archived to {record.Key}; not deleted (a later sweep archives it again)", false);
            }
        }
        // The sweep's one consistent look at the pods, taken after this directory was verified.
        var (pod, unknown) = await recheck.CheckAsync(item, cancellationToken);
        if (unknown is not null)
            return (false, $"liveness unknown before delete: {unknown}; not deleted", true);
        if (pod is not null)
            return (false, $"pod {pod.Display} is {pod.Phase} again; not deleted", false);
        cancellationToken.ThrowIfCancellationRequested(); // e.g. the directory's lease was lost
        record = ctx.Journal.Advance(record, JournalState.Deleting);
        var expected = FileStatus.TryGet(c.FullPath);
        if (expected is null)
        {
            ctx.Journal.Close(record, JournalClosing.Deleted);
            return (true, null, false);
        }
        if (expected.Device != record.Device || expected.Inode != record.Inode)
            throw new IOException($"{c.FullPath} is not the directory that was archived (device/inode changed); nothing deleted");
        CrashPoints.Hit(CrashPoints.BeforeDelete);
        SafeDelete.DeleteDirectory(ctx.Policy.Root, c.Name, expected);
        ctx.Journal.Close(record, JournalClosing.Deleted);
        Log.Information("Deleted {Directory} after verified archive {Key}", c.Name, record.Key);
        return (true, null, false);
    }
}
