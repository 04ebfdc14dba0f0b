using Azure;
using Azure.Storage.Blobs.Models;

namespace Archiver.Stores.Azure;

/// <summary>
/// Blobs in the Archive tier (https://learn.microsoft.com/azure/storage/blobs/archive-rehydrate-overview):
/// a read is refused with 409 BlobArchived; <see cref="ThawAsync"/> rehydrates the blob by setting its
/// tier to Hot with Standard priority (Set Blob Tier, 202 Accepted), and reads where that stands from
/// the blob's properties (<c>x-ms-archive-status: rehydrate-pending-to-hot</c> while under way). Unlike
/// an S3 thaw, a rehydration moves the blob itself to Hot, where it stays readable until something
/// (a lifecycle rule) moves it back: <c>--days</c> has no meaning here.
/// </summary>
public sealed partial class AzureArchiveStore
{
    /// <summary>Standard-priority rehydration from Archive, as Microsoft states it.</summary>
    public const string RehydrationEstimate = "up to 15 hours";

    public async Task<ThawStatus> ThawAsync(string key, int days, CancellationToken cancellationToken)
    {
        var name = BlobName(key);
        var blob = Container.GetBlobClient(name);
        BlobProperties p;
        try
        {
            p = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ObjectNotFoundException(key, Location);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "reading the tier of", name, Options);
        }
        var tier = p.AccessTier;
        if (p.ArchiveStatus?.StartsWith("rehydrate-pending", StringComparison.OrdinalIgnoreCase) == true)
            return new ThawStatus(key, tier, ThawState.InProgress, null, RehydrationEstimate);
        if (tier != AccessTier.Archive.ToString()) return new ThawStatus(key, tier, ThawState.NotArchived);
        try
        {
            var response = await blob.SetAccessTierAsync(AccessTier.Hot, rehydratePriority: RehydratePriority.Standard, cancellationToken: cancellationToken);
            // 202: the rehydration is under way (Azurite answers so too, then has the blob in Hot at once); 200: the tier changed at once.
            return response.Status == 200
                ? new ThawStatus(key, AccessTier.Hot.ToString(), ThawState.NotArchived)
                : new ThawStatus(key, tier, ThawState.Requested, null, RehydrationEstimate);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "rehydrating", name, Options);
        }
    }

    /// <summary>The error for a read refused with BlobArchived: whether a rehydration is under way and what to run.</summary>
    private async Task<ArchivedObjectException> ArchivedAsync(string key, string name, RequestFailedException refused, CancellationToken cancellationToken)
    {
        var rehydrating = false;
        try
        {
            var p = (await Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            rehydrating = p.ArchiveStatus?.StartsWith("rehydrate-pending", StringComparison.OrdinalIgnoreCase) == true;
        }
        catch (RequestFailedException)
        {
            // The refusal says enough.
        }
        var message = rehydrating
            ? $"{key} in {Location} is in the Archive tier and its rehydration is under way; retry in {RehydrationEstimate}, or see how it stands with `archiver restore {key} --store {Location} --thaw`"
            : $"{key} in {Location} is in the Archive tier and cannot be read until it is rehydrated; run `archiver restore {key} --store {Location} --thaw`, then retry in {RehydrationEstimate}";
        return new ArchivedObjectException(key, "Archive", message, refused);
    }
}
