using Archiver.Layouts;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// At the start of a sweep: abort multipart uploads under this node's key prefix that the journal
/// does not know (a process that died between starting an upload and recording its id, or a lost
/// state directory). Uploads the journal knows are aborted or adopted by the runner's resume step.
/// Uploads younger than <see cref="Grace"/> are left alone: another policy on this node may be
/// writing them right now. Problems here are logged and never stop the sweep.
/// </summary>
public static class OrphanedUploads
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(OrphanedUploads));

    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> NotListed = new(StringComparer.Ordinal);

    /// <summary>Returns how many uploads were aborted.</summary>
    public static async Task<int> AbortAsync(SweepContext ctx, CancellationToken cancellationToken)
    {
        var prefix = KeyTemplate.NodePrefix(ctx.KeyTemplate.Text, ctx.Policy.Cluster, ctx.NodeName, ctx.Policy.Name);
        if (prefix is null)
        {
            Log.Debug("Key template {Template} does not start with a node segment; not looking for orphaned uploads", ctx.KeyTemplate.Text);
            return 0;
        }
        var known = ctx.Journal.All().Where(r => r.UploadId is not null).Select(r => (r.Key, r.UploadId!)).ToHashSet();
        var cutoff = ctx.Clock.GetUtcNow() - Grace;
        var aborted = 0;
        try
        {
            var orphans = new List<Stores.PendingUpload>();
            await foreach (var u in ctx.Store.ListPendingUploadsAsync(prefix, cancellationToken))
                if (!known.Contains((u.Key, u.UploadId)) && u.Started < cutoff) orphans.Add(u);
            foreach (var u in orphans)
            {
                await ctx.Store.AbortUploadAsync(u.Key, u.UploadId, cancellationToken);
                aborted++;
                Log.Information("Aborted orphaned upload {UploadId} of {Key} (started {Started}, unknown to the journal)", u.UploadId, u.Key, u.Started);
            }
        }
        catch (Stores.PendingUploadsNotListedException)
        {
            // OSS: nothing to look for; with the key journaled before each upload starts, the
            // runner's resume step aborts what a crash left. Said once per store, not every sweep.
            if (NotListed.TryAdd(ctx.Store.Location, 0))
                Log.Information("{Store} does not list unfinished uploads; uploads a crash left are aborted by the ids the journal recorded", ctx.Store.Location);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Warning("Could not clean up orphaned uploads under {Prefix} in {Store}: {Message}; the next sweep tries again", prefix, ctx.Store.Location, e.Message);
        }
        return aborted;
    }
}
