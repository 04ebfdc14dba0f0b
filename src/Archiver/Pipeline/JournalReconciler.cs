using Archiver.Journal;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Closes journal records whose directory is gone: a crash after the last <c>rmdir</c> but before
/// the record was closed (the archive was verified), or a directory removed by someone else
/// while its upload was in flight (the upload is aborted; nothing is lost that still existed).
/// </summary>
public static class JournalReconciler
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(JournalReconciler));

    public static async Task ReconcileAsync(SweepContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Journal.RemoveLeftovers() is > 0 and var n)
            Log.Information("Removed {Count} half-written journal or spool files left by an interrupted run", n);
        foreach (var record in ctx.Journal.All().ToList())
        {
            if (Directory.Exists(Path.Combine(ctx.Policy.Root, record.Dir)) || File.Exists(Path.Combine(ctx.Policy.Root, record.Dir))) continue;
            if (record.UploadId is not null)
                await ctx.Store.AbortUploadAsync(record.Key, record.UploadId, cancellationToken);
            var outcome = record.State == JournalState.Deleting ? "deleted" : "vanished";
            ctx.Journal.Complete(record, outcome);
            Log.Information("Closed journal record of {Directory} ({State}): directory is gone, recorded as {Outcome}", record.Dir, record.State, outcome);
        }
    }
}
