using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Archiver.Stores.S3;

/// <summary>
/// Objects in archive storage classes (<see cref="S3ColdTiers"/>): a read says which class and what to
/// run; <see cref="ThawAsync"/> asks for a thaw with RestoreObject
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html: POST ?restore with a
/// RestoreRequest of Days and GlacierJobParameters/Tier; 202 when started, 200 when already thawed,
/// 409 RestoreAlreadyInProgress) and reads its state from HEAD's x-amz-restore
/// (ongoing-request="true", or ongoing-request="false", expiry-date="...").
/// </summary>
public sealed partial class S3ArchiveStore
{
    public async Task<ThawStatus> ThawAsync(string key, int days, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        var head = await HeadAsync(key, objectKey, cancellationToken);
        // S3 leaves x-amz-storage-class out for STANDARD; OSS names its classes in x-oss-* headers the
        // SDK does not read, so there the configured class is the best guess and a thaw is tried.
        var storageClass = head.StorageClass?.Value ?? (Options.Flavor == S3Flavor.Oss ? Options.StorageClass : "STANDARD");
        if (head.RestoreInProgress == true) return new ThawStatus(key, storageClass, ThawState.InProgress, null, S3ColdTiers.Estimate(storageClass));
        if (head.RestoreExpiration is { } expiry) return new ThawStatus(key, storageClass, ThawState.Readable, ToOffset(expiry));
        if (Options.Flavor == S3Flavor.S3 && !S3ColdTiers.IsArchived(storageClass)) return new ThawStatus(key, storageClass, ThawState.NotArchived);
        try
        {
            var response = await Client.RestoreObjectAsync(new RestoreObjectRequest
            {
                BucketName = Options.Bucket,
                Key = objectKey,
                Days = days,
                Tier = GlacierJobTier.Standard,
            }, cancellationToken);
            return response.HttpStatusCode == HttpStatusCode.OK
                ? new ThawStatus(key, storageClass, ThawState.Readable)
                : new ThawStatus(key, storageClass, ThawState.Requested, null, S3ColdTiers.Estimate(storageClass));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "RestoreAlreadyInProgress")
        {
            return new ThawStatus(key, storageClass, ThawState.InProgress, null, S3ColdTiers.Estimate(storageClass));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == S3ColdTiers.InvalidObjectState)
        {
            return new ThawStatus(key, storageClass, ThawState.NotArchived);
        }
        catch (AmazonS3Exception e) when (Options.Flavor == S3Flavor.Oss && (e.StatusCode == HttpStatusCode.NotImplemented || e.ErrorCode == "NotImplemented"))
        {
            throw new StoreException($"thawing {Options.Bucket}/{objectKey}: OSS's S3-compatible endpoint does not offer RestoreObject; thaw it with ossutil restore oss://{Options.Bucket}/{objectKey} (or in the OSS console), then retry", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "thawing", objectKey, Options);
        }
    }

    /// <summary>The error for a read refused with InvalidObjectState: which class, whether a thaw is
    /// under way, and what to run.</summary>
    private async Task<ArchivedObjectException> ArchivedAsync(string key, string objectKey, AmazonS3Exception refused, CancellationToken cancellationToken)
    {
        var storageClass = (refused as InvalidObjectStateException)?.StorageClass?.Value;
        var thawing = false;
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Options.Bucket, Key = objectKey }, cancellationToken);
            storageClass = head.StorageClass?.Value ?? storageClass;
            thawing = head.RestoreInProgress == true;
        }
        catch (AmazonS3Exception)
        {
            // The refusal itself says enough; the class stays what it named, or the configured one.
        }
        storageClass ??= Options.StorageClass ?? "an archive storage class";
        var estimate = S3ColdTiers.Estimate(storageClass);
        var message = thawing
            ? $"{key} in {Location} is in storage class {storageClass} and its thaw is under way; retry in {estimate} (Standard tier), or see how it stands with `archiver restore {key} --store {Location} --thaw`"
            : $"{key} in {Location} is in storage class {storageClass} and cannot be read until it is thawed; run `archiver restore {key} --store {Location} --thaw --days {ThawStatus.DefaultDays}`, then retry in {estimate} (Standard tier)";
        return new ArchivedObjectException(key, storageClass, message, refused);
    }

    private async Task<GetObjectMetadataResponse> HeadAsync(string key, string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Options.Bucket, Key = objectKey }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (S3Errors.IsNotFound(e))
        {
            throw new ObjectNotFoundException(key, Location);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "reading the state of", objectKey, Options);
        }
    }
}
