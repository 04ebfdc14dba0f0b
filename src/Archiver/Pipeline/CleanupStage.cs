using Archiver.FileSystem;
using Archiver.Journal;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Stages 7-8: wait for the <see cref="PodRecheck"/> after the verify (its pod still gone), re-check the
/// directory (unchanged since it was archived, same inode), record the intent to delete, and delete
/// without following symlinks or crossing file systems.
/// </summary>
public static class CleanupStage
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(CleanupStage));

    public static async Task<CleanupResult> RunAsync(SweepContext ctx, Deletion deletion, JournalRecord record, PodRecheck recheck, CancellationToken cancellationToken)
    {
        var c = deletion.Candidate;
        // A consistent look at the pods taken after this directory was verified.
        using var clearance = await recheck.AwaitAsync(deletion, cancellationToken);
        if (clearance.Unknown is { } unknown)
            return CleanupResult.Failed($"liveness unknown before delete: {unknown}; not deleted");
        if (clearance.Alive is { } pod)
            return CleanupResult.Kept($"pod {pod.Display} is {pod.Phase} again; not deleted");
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
                return CleanupResult.Kept("directory vanished after it was archived; archive kept");
            }
            if (now != record.Fingerprint)
            {
                ctx.Journal.Close(record, JournalClosing.Superseded);
                Log.Warning("Not deleting {Directory}: modified, added or removed since it was archived to {Key}; a later sweep archives it again", c.Name, record.Key);
                return CleanupResult.Kept($"modified since it was archived to {record.Key}; not deleted (a later sweep archives it again)");
            }
        }
        cancellationToken.ThrowIfCancellationRequested(); // e.g. the directory's lease was lost
        record = ctx.Journal.Advance(record, JournalState.Deleting);
        var expected = FileStatus.TryGet(c.FullPath);
        if (expected is null)
        {
            ctx.Journal.Close(record, JournalClosing.Deleted);
            return CleanupResult.Done;
        }
        if (expected.Device != record.Device || expected.Inode != record.Inode)
            throw new IOException($"{c.FullPath} is not the directory that was archived (device/inode changed); nothing deleted");
        CrashPoints.Hit(CrashPoints.BeforeDelete);
        SafeDelete.DeleteDirectory(ctx.Policy.Root, c.Name, expected);
        ctx.Journal.Close(record, JournalClosing.Deleted);
        Log.Information("Deleted {Directory} after verified archive {Key}", c.Name, record.Key);
        return CleanupResult.Done;
    }
}
