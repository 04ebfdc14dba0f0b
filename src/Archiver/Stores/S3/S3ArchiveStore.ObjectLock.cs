using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Archiver.Stores.S3;

/// <summary>
/// S3 Object Lock (<c>objectLockMode</c>, <c>objectLockFor</c>): every object is written with a
/// retention of its own, and deletes remove object versions. Object Lock needs a versioned bucket,
/// where a DELETE without a version id only adds a delete marker: the data stays (and is billed), and
/// the lock never refuses it. So deletes here list the key's versions and delete each by id, which is
/// what frees the data and what Object Lock refuses while a version is retained
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html, "Deleting objects").
/// </summary>
public sealed partial class S3ArchiveStore
{
    /// <summary>The lock headers for an object written now: mode and now + <c>objectLockFor</c> from the
    /// store's clock; nulls (no headers) when the store does not lock.</summary>
    private (ObjectLockMode?, DateTime?) ObjectLock() =>
        Options is { ObjectLockMode: { } mode, ObjectLockFor: { } lockFor }
            ? (new ObjectLockMode(mode), (Clock.GetUtcNow() + lockFor).UtcDateTime)
            : (null, null);

    /// <summary>After a multipart upload: S3 applies the lock headers of CreateMultipartUpload to the
    /// completed object, but Ceph RGW before ceph/ceph#54767 (tracker 63724) drops them. Where the
    /// completed version has no retention, it is set now with the same mode and date.</summary>
    internal async Task EnsureRetentionAsync(string objectKey, string? versionId, DateTime retainUntil, CancellationToken cancellationToken)
    {
        try
        {
            var current = await Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Options.Bucket, Key = objectKey, VersionId = versionId }, cancellationToken);
            if (current.Retention?.RetainUntilDate is not null) return;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // No retention on the version: set it below.
        }
        await Client.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = Options.Bucket,
            Key = objectKey,
            VersionId = versionId,
            Retention = new ObjectLockRetention { Mode = new ObjectLockRetentionMode(Options.ObjectLockMode), RetainUntilDate = retainUntil },
        }, cancellationToken);
    }

    /// <summary>With <c>objectLockMode</c> set, the bucket must have Object Lock enabled (GetObjectLockConfiguration).</summary>
    private async Task CheckObjectLockAsync(CancellationToken cancellationToken)
    {
        string? enabled;
        try
        {
            var response = await Client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = Options.Bucket }, cancellationToken);
            enabled = response.ObjectLockConfiguration?.ObjectLockEnabled?.Value;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket"))
        {
            enabled = null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "reading the Object Lock configuration of", "", Options);
        }
        if (enabled != "Enabled")
            throw new ConfigurationException(
                $"bucket '{Options.Bucket}' does not have Object Lock enabled, but the store sets objectLockMode {Options.ObjectLockMode}; " +
                "Object Lock can only be chosen when a bucket is created (aws s3api create-bucket --object-lock-enabled-for-bucket): use such a bucket, or remove objectLockMode/objectLockFor");
    }

    /// <summary>Deletes every version of the key. Versions Object Lock still keeps are left, and then
    /// <see cref="ObjectLockedException"/> says until when (the latest of their dates).</summary>
    private async Task DeleteVersionsAsync(string key, string objectKey, CancellationToken cancellationToken)
    {
        var versions = new List<string>();
        var request = new ListVersionsRequest { BucketName = Options.Bucket, Prefix = objectKey };
        try
        {
            while (true)
            {
                var page = await Client.ListVersionsAsync(request, cancellationToken);
                versions.AddRange((page.Versions ?? []).Where(v => v.Key == objectKey).Select(v => v.VersionId));
                if (page.IsTruncated != true) break;
                request.KeyMarker = page.NextKeyMarker;
                request.VersionIdMarker = page.NextVersionIdMarker;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "listing the versions of", objectKey, Options);
        }

        ObjectLockedException? kept = null;
        foreach (var versionId in versions)
        {
            AmazonS3Exception? refused = null;
            try
            {
                await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = objectKey, VersionId = versionId }, cancellationToken);
            }
            catch (AmazonS3Exception e) when (S3Errors.IsNotFound(e))
            {
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                refused = e;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw S3Errors.Wrap(e, $"deleting version {versionId} of", objectKey, Options);
            }
            if (refused is null) continue;
            if (await LockOfAsync(key, objectKey, versionId, refused, cancellationToken) is not { } locked)
                throw S3Errors.Wrap(refused, $"deleting version {versionId} of", objectKey, Options);
            if (kept is null || (kept.LockedUntil is { } a && (locked.LockedUntil is not { } b || b > a))) kept = locked;
        }
        if (kept is not null) throw kept;
    }

    /// <summary>Why a delete of this version was refused, when the reason is Object Lock: a retention
    /// date still ahead, or a legal hold. Null when the version is not locked (a missing permission).</summary>
    private async Task<ObjectLockedException?> LockOfAsync(string key, string objectKey, string versionId, AmazonS3Exception refused, CancellationToken cancellationToken)
    {
        try
        {
            var retention = await Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Options.Bucket, Key = objectKey, VersionId = versionId }, cancellationToken);
            if (retention.Retention?.RetainUntilDate is { } until && until.ToUniversalTime() > Clock.GetUtcNow().UtcDateTime)
                return new ObjectLockedException(key, Location, new DateTimeOffset(until.ToUniversalTime(), TimeSpan.Zero), refused);
        }
        catch (AmazonS3Exception)
        {
            // No retention on this version (or no right to read it): look for a legal hold.
        }
        try
        {
            var hold = await Client.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = Options.Bucket, Key = objectKey, VersionId = versionId }, cancellationToken);
            if (hold.LegalHold?.Status == ObjectLockLegalHoldStatus.On) return new ObjectLockedException(key, Location, null, refused);
        }
        catch (AmazonS3Exception)
        {
        }
        return null;
    }
}
