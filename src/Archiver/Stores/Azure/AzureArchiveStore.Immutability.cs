using Azure;
using Azure.Storage.Blobs.Models;

namespace Archiver.Stores.Azure;

/// <summary>
/// <c>objectLockMode</c>/<c>objectLockFor</c> on Azure: a version-level immutability policy on every
/// blob written (https://learn.microsoft.com/azure/storage/blobs/immutable-version-level-worm-policies):
/// GOVERNANCE is an unlocked policy (an identity with the policy-delete permission can shorten or remove
/// it, as S3's governance mode), COMPLIANCE a locked one (no one can shorten it). It needs a container
/// with version-level immutability support, which the store checks before a sweep or prune.
/// </summary>
public sealed partial class AzureArchiveStore
{
    private readonly Lock _setupLock = new();
    private Task? _setupChecked;

    /// <summary>The policy for a blob written now; null when the store does not lock.</summary>
    internal BlobImmutabilityPolicy? ImmutabilityPolicy() =>
        Options is { ObjectLockMode: { } mode, ObjectLockFor: { } lockFor }
            ? new BlobImmutabilityPolicy
            {
                ExpiresOn = Clock.GetUtcNow() + lockFor,
                PolicyMode = mode == "COMPLIANCE" ? BlobImmutabilityPolicyMode.Locked : BlobImmutabilityPolicyMode.Unlocked,
            }
            : null;

    public Task CheckSetupAsync(CancellationToken cancellationToken)
    {
        if (Options.ObjectLockMode is null) return Task.CompletedTask;
        lock (_setupLock) return _setupChecked ??= CheckImmutabilityAsync(cancellationToken);
    }

    private async Task CheckImmutabilityAsync(CancellationToken cancellationToken)
    {
        bool supported;
        try
        {
            supported = (await Container.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.HasImmutableStorageWithVersioning;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ConfigurationException(AzureErrors.Wrap(e, "reading the properties of container", "", Options).Message);
        }
        if (!supported)
            throw new ConfigurationException($"{Location}: objectLockMode is set but container '{Options.Container}' has no version-level immutability support; "
                + $"enable it (az storage container-rm create --name {Options.Container} --enable-vlw true, on an account with versioning) or remove objectLockMode");
    }

    /// <summary>The skip for a delete refused because an immutability policy or legal hold keeps the blob.</summary>
    private async Task<ObjectLockedException> LockedAsync(string key, string name, RequestFailedException refused, CancellationToken cancellationToken)
    {
        DateTimeOffset? until = null;
        try
        {
            var p = (await Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (!p.HasLegalHold) until = p.ImmutabilityPolicy?.ExpiresOn;
        }
        catch (RequestFailedException)
        {
            // The refusal says enough: no date is known.
        }
        return new ObjectLockedException(key, Location, until, refused);
    }
}
