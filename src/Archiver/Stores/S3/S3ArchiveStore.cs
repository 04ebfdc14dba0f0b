using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Archiver.Stores.S3;

/// <summary>
/// <c>s3://BUCKET/PREFIX</c> and <c>oss://BUCKET/PREFIX</c>: objects in a bucket under a key
/// prefix. Archives stream up as multipart uploads (<see cref="S3MultipartUpload"/>); manifests
/// are single PUTs with Content-MD5. Keys given to and returned from this store are relative to
/// the prefix.
/// </summary>
public sealed partial class S3ArchiveStore : IArchiveStore
{
    public S3ArchiveStore(S3StoreOptions options, IAmazonS3 client, TimeProvider clock)
    {
        Options = options;
        Client = client;
        Clock = clock;
        Bandwidth = options.Bandwidth is { } bps ? new BandwidthLimiter(bps, clock) : null;
        PartSlots = new PartSlots(options.UploadConcurrency);
    }

    public S3StoreOptions Options { get; }

    /// <summary>Part buffers shared by all uploads through this store (a sweep reuses them).</summary>
    internal PartBufferPool PartBuffers { get; } = new();

    /// <summary>Parts in flight through this store, all uploads together (<c>uploadConcurrency</c>).</summary>
    internal PartSlots PartSlots { get; }

    internal IAmazonS3 Client { get; }

    internal TimeProvider Clock { get; }

    internal BandwidthLimiter? Bandwidth { get; }

    public string Location => Options.Location;

    public bool IsLocal => false;

    public async Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        var request = new InitiateMultipartUploadRequest
        {
            BucketName = Options.Bucket,
            Key = objectKey,
            ContentType = "application/octet-stream",
        };
        if (Options.Flavor == S3Flavor.Oss) Options.OssHeaders.ForArchive(request.Headers);
        else
        {
            if (Options.StorageClass is { } sc) request.StorageClass = new S3StorageClass(sc);
            if (Options.Sse is { } sse) request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
            if (Options.KmsKeyId is { } kms) request.ServerSideEncryptionKeyManagementServiceKeyId = kms;
            (request.ObjectLockMode, request.ObjectLockRetainUntilDate) = ObjectLock();
        }
        try
        {
            var response = await Client.InitiateMultipartUploadAsync(request, cancellationToken);
            return new S3MultipartUpload(this, key, objectKey, response.UploadId, request.ObjectLockRetainUntilDate, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "starting upload of", objectKey, Options);
        }
    }

    public async Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        try
        {
            await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Options.Bucket, Key = objectKey, UploadId = uploadId }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchUpload" or "NotFound")
        {
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, $"aborting upload {uploadId} of", objectKey, Options);
        }
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        var start = content.Position;
        var md5 = await System.Security.Cryptography.MD5.HashDataAsync(content, cancellationToken);
        var length = content.Position - start;
        content.Position = start;
        var request = new PutObjectRequest
        {
            BucketName = Options.Bucket,
            Key = objectKey,
            InputStream = content,
            AutoCloseStream = false,
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
            DisablePayloadSigning = Options.UnsignedPayload,
            ContentType = key.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream",
        };
        if (Options.Flavor == S3Flavor.Oss) Options.OssHeaders.ForManifest(request.Headers);
        else
        {
            // A manifest in an archive class could not be read back before a thaw: it stays STANDARD.
            if (Options.StorageClass is { } sc && !S3ColdTiers.IsArchived(sc)) request.StorageClass = new S3StorageClass(sc);
            if (Options.Sse is { } sse) request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
            if (Options.KmsKeyId is { } kms) request.ServerSideEncryptionKeyManagementServiceKeyId = kms;
            (request.ObjectLockMode, request.ObjectLockRetainUntilDate) = ObjectLock();
            if (Options.Tags.Count > 0) request.TagSet = Options.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();
        }
        if (Bandwidth is not null) await Bandwidth.WaitAsync(length, cancellationToken);
        try
        {
            await Client.PutObjectAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "writing", objectKey, Options);
        }
    }

    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        try
        {
            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Options.Bucket, Key = objectKey }, cancellationToken);
            return new StoredObject(key, head.ContentLength, ToOffset(head.LastModified));
        }
        catch (AmazonS3Exception e) when (S3Errors.IsNotFound(e))
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw await DiagnoseForbiddenHeadAsync(e, objectKey, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "reading the size of", objectKey, Options);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        var response = await GetAsync(key, objectKey, null, cancellationToken);
        return new ResponseStream(response, Options.Timeout, $"{Options.Bucket}/{objectKey}");
    }

    public async Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        if (length <= 0) return Stream.Null;
        var response = await GetAsync(key, objectKey, new ByteRange(offset, offset + length - 1), cancellationToken);
        // A server that ignores Range answers 200 with the whole object; a short object answers less.
        if (response.HttpStatusCode != HttpStatusCode.PartialContent || response.ContentLength != length)
        {
            response.Dispose();
            throw new StoreException($"{Options.Bucket}/{objectKey}: asked for {length} bytes at {offset}, the server answered {(int)response.HttpStatusCode} with {response.ContentLength} bytes; the endpoint must support Range GETs and the object must be as long as its manifest says");
        }
        return new BoundedReadStream(new ResponseStream(response, Options.Timeout, $"{Options.Bucket}/{objectKey}"), length, key);
    }

    /// <summary>GET of the whole object or of <paramref name="range"/>, with what a read can meet said
    /// as the store says it: missing, in a cold tier (with the thaw command), out of range, or failed.</summary>
    private async Task<GetObjectResponse> GetAsync(string key, string objectKey, ByteRange? range, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetObjectAsync(new GetObjectRequest { BucketName = Options.Bucket, Key = objectKey, ByteRange = range }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (S3Errors.IsNotFound(e))
        {
            throw new ObjectNotFoundException(key, Location);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == S3ColdTiers.InvalidObjectState)
        {
            throw await ArchivedAsync(key, objectKey, e, cancellationToken);
        }
        catch (AmazonS3Exception e) when (range is not null && e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw new StoreException($"{Options.Bucket}/{objectKey} does not hold bytes {range.Start}..{range.End + 1}; the object is shorter than its manifest says", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "reading", objectKey, Options);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        if (Options.ObjectLockMode is not null)
        {
            await DeleteVersionsAsync(key, objectKey, cancellationToken);
            return;
        }
        try
        {
            await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = objectKey }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (S3Errors.IsNotFound(e))
        {
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Wrap(e, "deleting", objectKey, Options);
        }
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A HEAD answer has no body, so a 403 does not say whether the keys are wrong or a
    /// permission is missing. A one-key listing (which has a body) tells them apart.</summary>
    private async Task<StoreException> DiagnoseForbiddenHeadAsync(AmazonS3Exception head, string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = objectKey, MaxKeys = 1 }, cancellationToken);
        }
        catch (AmazonS3Exception list) when (list.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return S3Errors.Wrap(list, "reading the size of", objectKey, Options);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return S3Errors.Wrap(head, "reading the size of", objectKey, Options);
        }
        return new StoreException($"reading the size of {Options.Bucket}/{objectKey}: access denied; grant s3:GetObject on the bucket's objects to these credentials (see docs/stores.md)", head);
    }

    internal string ObjectKey(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(s => s is "" or "." or ".."))
            throw new StoreException($"key '{key}' is not a safe relative key");
        return Options.Prefix + key;
    }

    private static DateTimeOffset ToOffset(DateTime? t) =>
        t is { } v ? new DateTimeOffset(v.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
}
