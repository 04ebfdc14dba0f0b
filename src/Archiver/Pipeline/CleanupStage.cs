using Archiver.FileSystem;
using Archiver.Journal;
using Archiver.Liveness;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Stages 7-8: re-check the directory (unchanged since it was archived, pod still gone), record
/// the intent to delete, and delete without following symlinks or crossing file systems.
/// </summary>
public static class CleanupStage
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(CleanupStage));

    /// <summary>Returns (deleted, why not).</summary>
    public static async Task<(bool Deleted, string? NotDeleted, bool Failure)> RunAsync(SweepContext ctx, PlannedDirectory item, JournalRecord record, CancellationToken cancellationToken)
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
                ctx.Journal.Complete(record, "vanished");
                return (false, "directory vanished after it was archived; archive kept", false);
            }
            if (now != record.Fingerprint)
            {
                ctx.Journal.Complete(record, "superseded: modified after it was archived");
                Log.Warning("Not deleting {Directory}: modified, added or removed since it was archived to {Key}; a later sweep archives it again", c.Name, record.Key);
                return (false, $"modified since it was archived to {record.Key}; not deleted (a later sweep archives it again)", false);
            }
        }
        // An older incarnation's pod is expected to be alive (in its newest directory).
        if (item.Pod is not null && item.Class != ReasonClass.Forced && !item.OlderIncarnation)
        {
            PodState? pod;
            try
            {
                pod = await ctx.Liveness.GetPodAsync(item.Pod, cancellationToken);
                // web-0-1700000000 belongs to pod web-0: check the pod itself too.
                if (pod is not { IsTerminal: false } && item.Pod.Incarnation != 0)
                    pod = await ctx.Liveness.GetPodAsync(item.Pod with { Name = item.Pod.BaseName }, cancellationToken) ?? pod;
            }
            catch (Exception e) when (e is LivenessUnknownException or TimeoutException or HttpRequestException or IOException)
            {
                return (false, $"liveness unknown before delete: {e.Message}; not deleted", true);
            }
            if (pod is { IsTerminal: false })
                return (false, $"pod {pod.Display} is {pod.Phase} again; not deleted", false);
        }
        cancellationToken.ThrowIfCancellationRequested(); // e.g. the directory's lease was lost
        record = ctx.Journal.Save(record with { State = JournalState.Deleting });
        var expected = FileStatus.TryGet(c.FullPath);
        if (expected is null)
        {
            ctx.Journal.Complete(record, "deleted");
            return (true, null, false);
        }
        if (expected.Device != record.Device || expected.Inode != record.Inode)
            throw new IOException($"{c.FullPath} is not the directory that was archived (device/inode changed); nothing deleted");
        CrashPoints.Hit(CrashPoints.BeforeDelete);
        // The delete mostly waits on the disk: on a thread of its own, so it never holds up the thread
        // pool that compresses the next directory meanwhile (SweepSlots).
        await Task.Factory.StartNew(() => SafeDelete.DeleteDirectory(ctx.Policy.Root, c.Name, expected),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        ctx.Journal.Complete(record, "deleted");
        Log.Information("Deleted {Directory} after verified archive {Key}", c.Name, record.Key);
        return (true, null, false);
    }
}
