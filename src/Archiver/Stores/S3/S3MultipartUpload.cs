using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Serilog;

namespace Archiver.Stores.S3;

/// <summary>
/// One streaming multipart upload: parts carry Content-MD5; completing checks the ETag S3
/// computes from the parts' MD5s where the server uses that form; failure, cancellation or
/// disposal without completing aborts it (and the journal's record of <see cref="UploadId"/>
/// lets the next run abort it if this process dies first).
/// </summary>
internal sealed class S3MultipartUpload : IObjectUpload
{
    private static readonly ILogger Log = Serilog.Log.ForContext<S3MultipartUpload>();

    private readonly S3ArchiveStore _store;
    private readonly string _key;
    private readonly string _objectKey;
    private readonly MultipartUploadStream _stream;
    private readonly Dictionary<int, byte[]> _md5s = [];
    private bool _done;

    private readonly DateTime? _retainUntil;

    /// <param name="retainUntil">The Object Lock date sent with CreateMultipartUpload; null when not locking.</param>
    public S3MultipartUpload(S3ArchiveStore store, string key, string objectKey, string uploadId, DateTime? retainUntil, CancellationToken cancellationToken)
    {
        _retainUntil = retainUntil;
        _store = store;
        _key = key;
        _objectKey = objectKey;
        UploadId = uploadId;
        _stream = new MultipartUploadStream(UploadPartAsync, store.Options.PartSize, store.PartSlots, cancellationToken, store.PartBuffers);
    }

    public string UploadId { get; }

    public Stream Content => _stream;

    public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var parts = await _stream.FinishAsync();
            var request = new CompleteMultipartUploadRequest
            {
                BucketName = _store.Options.Bucket,
                Key = _objectKey,
                UploadId = UploadId,
                PartETags = parts.Select(p => new PartETag(p.PartNumber, p.ETag)).ToList(),
            };
            var response = await _store.Client.CompleteMultipartUploadAsync(request, cancellationToken);
            _done = true;
            CheckETag(response.ETag, parts.Count);
            if (_store.Options.Tags.Count > 0 && _store.Options.Flavor != S3Flavor.Oss)
            {
                // Servers differ on tags sent with CreateMultipartUpload (Ceph RGW drops them);
                // tagging the completed object works everywhere but on OSS, which has no
                // PutObjectTagging on its S3 endpoint and takes x-oss-tagging at the start instead.
                await _store.Client.PutObjectTaggingAsync(new PutObjectTaggingRequest
                {
                    BucketName = _store.Options.Bucket,
                    Key = _objectKey,
                    Tagging = new Tagging { TagSet = _store.Options.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() },
                }, cancellationToken);
            }
            if (_retainUntil is { } until) await _store.EnsureRetentionAsync(_objectKey, response.VersionId, until, cancellationToken);
            return new StoredObject(_key, _stream.Length, _store.Clock.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AbortAsync(CancellationToken.None);
            throw e as StoreException ?? S3Errors.Wrap(e, "completing upload of", _objectKey, _store.Options);
        }
    }

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        if (_done) return;
        _done = true;
        await _stream.CancelAsync();
        try
        {
            await _store.AbortUploadAsync(_key, UploadId, cancellationToken);
        }
        catch (Exception e)
        {
            // The journal still names this upload; the next run aborts it.
            Log.Warning("Could not abort upload {UploadId} of {Key} now ({Message}); the next run aborts it", UploadId, _key, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_done) await AbortAsync(CancellationToken.None);
    }

    private async Task<string> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var md5 = MD5.HashData(content.Span);
        lock (_md5s) _md5s[partNumber] = md5;
        if (_store.Bandwidth is { } limiter) await limiter.WaitAsync(content.Length, cancellationToken);
        using var body = new ReadOnlyMemoryStream(content);
        var request = new UploadPartRequest
        {
            BucketName = _store.Options.Bucket,
            Key = _objectKey,
            UploadId = UploadId,
            PartNumber = partNumber,
            InputStream = body,
            PartSize = content.Length,
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
            DisablePayloadSigning = _store.Options.UnsignedPayload,
        };
        try
        {
            var response = await _store.Client.UploadPartAsync(request, cancellationToken);
            return response.ETag;
        }
        catch (AmazonS3Exception e)
        {
            throw S3Errors.Wrap(e, $"uploading part {partNumber} of", _objectKey, _store.Options);
        }
    }

    /// <summary>S3, RGW and MinIO give a multipart object the ETag md5(md5(part 1) ‖ … ‖ md5(part n))-n.
    /// Where the server answers in that form, it must match what was sent. OSS makes a multipart
    /// object's ETag by rules of its own (its CompleteMultipartUpload page), so it is not checked there;
    /// each part's Content-MD5 and the manifest's SHA-256 still are.</summary>
    private void CheckETag(string? etag, int partCount)
    {
        var e = etag?.Trim('"');
        if (e is null || _store.Options.Sse == "aws:kms" || _store.Options.Flavor == S3Flavor.Oss || !e.EndsWith($"-{partCount}", StringComparison.Ordinal)) return;
        byte[] all;
        lock (_md5s) all = [.. _md5s.OrderBy(p => p.Key).SelectMany(p => p.Value)];
        var expected = $"{Convert.ToHexStringLower(MD5.HashData(all))}-{partCount}";
        if (!string.Equals(e, expected, StringComparison.OrdinalIgnoreCase))
            throw new StoreException($"{_store.Options.Bucket}/{_objectKey} was stored with ETag {e}, but the parts sent make {expected}; the object is not what was written");
    }
}
