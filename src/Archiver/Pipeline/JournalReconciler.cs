using Archiver.Journal;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Before a sweep archives anything: closes journal records whose directory is gone (a crash after
/// the last <c>rmdir</c> but before the record was closed, or a directory removed by someone else
/// while its upload was in flight; the upload is aborted, nothing is lost that still existed), and
/// aborts uploads left open for directories this sweep does not archive (a pod that came back, a
/// directory written to again), which would otherwise stay open until the directory's next turn.
/// Directories this sweep archives have their uploads aborted when they are resumed.
/// Store errors here are logged and never stop the sweep; the next sweep tries again.
/// </summary>
public static class JournalReconciler
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(JournalReconciler));

    /// <param name="toArchive">Names of the directories this sweep archives.</param>
    public static async Task ReconcileAsync(SweepContext ctx, IReadOnlySet<string> toArchive, CancellationToken cancellationToken)
    {
        if (ctx.Journal.RemoveLeftovers() is > 0 and var n)
            Log.Information("Removed {Count} half-written journal or spool files left by an interrupted run", n);
        foreach (var record in ctx.Journal.All().ToList())
        {
            var exists = Directory.Exists(Path.Combine(ctx.Policy.Root, record.Dir)) || File.Exists(Path.Combine(ctx.Policy.Root, record.Dir));
            if (exists && (toArchive.Contains(record.Dir) || !InterruptedUpload.Pending(record))) continue;
            try
            {
                if (exists)
                {
                    await AbortHeldAsync(ctx, record.Dir, cancellationToken);
                    continue;
                }
                var closed = InterruptedUpload.Pending(record) ? await InterruptedUpload.AbortAsync(ctx, record, cancellationToken) : record;
                var outcome = closed.State == JournalState.Deleting ? JournalClosing.Deleted : JournalClosing.Vanished;
                ctx.Journal.Close(closed, outcome);
                Log.Information("Closed journal record of {Directory} ({State}): directory is gone, recorded as {Outcome}", record.Dir, record.State, DirectoryJournal.HistoryText(outcome));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.Warning("Could not abort the upload of {Key} left for {Directory} by an interrupted run ({Message}); the next sweep tries again", record.Key, record.Dir, e.Message);
            }
        }
    }

    /// <summary>Aborts under the directory's lock (on a shared volume another archiver may be
    /// working on it right now; then it is left to that one).</summary>
    private static async Task AbortHeldAsync(SweepContext ctx, string dir, CancellationToken cancellationToken)
    {
        var acquired = await ctx.DirectoryLock.TryAcquireAsync(dir, cancellationToken);
        if (acquired.Handle is null) return;
        await using var hold = acquired.Handle;
        if (ctx.Journal.Get(dir) is not { } record || !InterruptedUpload.Pending(record)) return;
        await InterruptedUpload.AbortAsync(ctx, record, cancellationToken);
        Log.Information("Aborted the upload of {Key} left by an interrupted run: {Directory} is not archived this sweep", record.Key, dir);
    }
}
