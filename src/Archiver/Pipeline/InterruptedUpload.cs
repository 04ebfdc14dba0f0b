using Archiver.Journal;
using Archiver.Stores;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// What an interrupted run may have left open in the store for one journal record: the upload
/// whose id it recorded, and, since the process can die between the store creating an upload and
/// the journal recording its id (and a store that lists every open upload has no id recorded at
/// all), any other unfinished upload of exactly the record's key. The key
/// holds one directory and one timestamp and the caller holds that directory (the sweep lock and
/// the directory lock), so no other writer owns an upload of it.
/// </summary>
public static class InterruptedUpload
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(InterruptedUpload));

    /// <summary>True when the record may have an upload open in the store.</summary>
    public static bool Pending(JournalRecord record) => record.UploadId is not null || record.UploadRequested;

    /// <summary>
    /// Aborts the record's uploads and returns the record saved without them. Failing to abort the
    /// recorded upload propagates (the record keeps its id; the next sweep tries again). A store
    /// that cannot list uploads (or fails to) is logged as a warning and the record keeps
    /// <see cref="JournalRecord.UploadRequested"/>, so the next resume looks again; if the directory
    /// is archived first, an upload left there is for the bucket's lifecycle rule (docs/stores.md).
    /// </summary>
    public static async Task<JournalRecord> AbortAsync(SweepContext ctx, JournalRecord record, CancellationToken cancellationToken)
    {
        if (record.UploadId is { } recorded)
        {
            await ctx.Store.AbortUploadAsync(record.Key, recorded, cancellationToken);
            Log.Information("Aborted upload {UploadId} of {Key} left by an interrupted run", recorded, record.Key);
        }
        var listed = !record.UploadRequested;
        if (record.UploadRequested)
        {
            try
            {
                foreach (var u in await ctx.Store.AbortPendingUploadsAsync(record.Key, cancellationToken))
                    if (u.UploadId != record.UploadId)
                        Log.Information("Aborted upload {UploadId} of {Key} (started {Started}) left by an interrupted run, found by listing the key", u.UploadId, u.Key, u.Started);
                listed = true;
            }
            catch (StoreException e)
            {
                Log.Warning("Could not look for uploads of {Key} left by an interrupted run ({Message}); one left there stays until the bucket's lifecycle rule aborts it (docs/stores.md)", record.Key, e.Message);
            }
        }
        return ctx.Journal.Advance(record with { UploadId = null, UploadRequested = !listed }, record.State);
    }
}
