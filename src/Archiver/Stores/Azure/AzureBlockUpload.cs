using System.Text;
using Archiver.Stores.S3;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Serilog;

namespace Archiver.Stores.Azure;

/// <summary>
/// One streaming block-blob upload: the bytes are cut into blocks (<see cref="MultipartUploadStream"/>,
/// the same bounded buffers and shared in-flight slots as S3 multipart) staged in parallel with Put
/// Block, each with its Content-MD5, and committed with one Put Block List. Until that commit nothing is
/// readable under the name: staged blocks are invisible, and Blob Storage drops them at the next commit
/// of the name or a week after they were staged
/// (https://learn.microsoft.com/rest/api/storageservices/put-block, Remarks). Block ids are derived
/// from the upload id (which the journal records) and the block's number, all of one length as Blob
/// Storage requires: base64 of <c>{upload id}-{number:D5}</c>. An upload's blocks never mix with another
/// upload's of the same name.
/// </summary>
internal sealed class AzureBlockUpload : IObjectUpload
{
    private static readonly ILogger Log = Serilog.Log.ForContext<AzureBlockUpload>();

    private readonly AzureArchiveStore _store;
    private readonly string _key;
    private readonly BlockBlobClient _blob;
    private readonly MultipartUploadStream _stream;
    private bool _done;

    public AzureBlockUpload(AzureArchiveStore store, string key, BlockBlobClient blob, string uploadId, CancellationToken cancellationToken)
    {
        _store = store;
        _key = key;
        _blob = blob;
        UploadId = uploadId;
        _stream = new MultipartUploadStream(StageAsync, store.Options.PartSize, store.PartSlots, cancellationToken, store.PartBuffers);
    }

    public string UploadId { get; }

    public Stream Content => _stream;

    /// <summary>The block id of block <paramref name="number"/> of upload <paramref name="uploadId"/>.</summary>
    public static string BlockId(string uploadId, int number) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{number:D5}"));

    public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            var parts = await _stream.FinishAsync();
            // An empty archive is one empty "part", which is not staged (a block has at least one byte).
            var ids = parts.Where(p => p.ETag.Length > 0).Select(p => BlockId(UploadId, p.PartNumber)).ToList();
            var options = new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                AccessTier = _store.Options.Tier is { } tier ? new AccessTier(tier) : (AccessTier?)null,
                ImmutabilityPolicy = _store.ImmutabilityPolicy(),
            };
            var committed = await _blob.CommitBlockListAsync(ids, options, cancellationToken);
            _done = true;
            return new StoredObject(_key, _stream.Length, committed.Value.LastModified);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AbortAsync(CancellationToken.None);
            throw AzureErrors.Wrap(e, "completing upload of", _blob.Name, _store.Options);
        }
    }

    /// <summary>Stops sending. Blob Storage has no request that drops staged blocks; they were never
    /// readable and go at the next commit of this name or after a week.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        if (_done) return;
        _done = true;
        await _stream.CancelAsync();
        Log.Debug("Abandoned upload {UploadId} of {Key}: its staged blocks are never committed", UploadId, _key);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_done) await AbortAsync(CancellationToken.None);
    }

    private async Task<string> StageAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (content.IsEmpty) return "";
        if (_store.Bandwidth is { } limiter) await limiter.WaitAsync(content.Length, cancellationToken);
        var id = BlockId(UploadId, partNumber);
        using var body = new ReadOnlyMemoryStream(content);
        try
        {
            await _blob.StageBlockAsync(id, body, new BlockBlobStageBlockOptions
            {
                TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
            }, cancellationToken);
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, $"staging block {partNumber} of", _blob.Name, _store.Options);
        }
    }
}
