using System.Security.Cryptography;
using Archiver.Stores.S3;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Archiver.Stores.Azure;

/// <summary>
/// <c>azblob://CONTAINER/PREFIX</c>: block blobs in an Azure Blob Storage container under a name
/// prefix. Archives stream up as staged blocks committed with one block list
/// (<see cref="AzureBlockUpload"/>); manifests are single Put Blobs with Content-MD5. Ranged reads are
/// GETs with <c>x-ms-range</c>. Keys given to and returned from this store are relative to the prefix.
/// </summary>
public sealed partial class AzureArchiveStore : IArchiveStore
{
    public AzureArchiveStore(AzureStoreOptions options, BlobContainerClient container, TimeProvider clock)
    {
        Options = options;
        Container = container;
        Clock = clock;
        PartSlots = new PartSlots(options.UploadConcurrency);
        Bandwidth = options.Bandwidth is { } bps ? new BandwidthLimiter(bps, clock) : null;
    }

    public AzureStoreOptions Options { get; }

    internal BlobContainerClient Container { get; }

    internal TimeProvider Clock { get; }

    /// <summary>Block buffers shared by all uploads through this store.</summary>
    internal PartBufferPool PartBuffers { get; } = new();

    /// <summary>Blocks in flight through this store, all uploads together (<c>uploadConcurrency</c>).</summary>
    internal PartSlots PartSlots { get; }

    /// <summary>The <c>bandwidth</c> cap every block and put waits on; null for none.</summary>
    internal BandwidthLimiter? Bandwidth { get; }

    public string Location => Options.Location;

    public bool IsLocal => false;

    public Task<IObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlockBlobClient(BlobName(key));
        var uploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return Task.FromResult<IObjectUpload>(new AzureBlockUpload(this, key, blob, uploadId, cancellationToken));
    }

    /// <summary>Nothing to send: Blob Storage has no request that drops staged blocks. An upload's
    /// blocks were never readable; they go at the next commit of the name or a week after staging.</summary>
    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        BlobName(key);
        return Task.CompletedTask;
    }

    /// <summary>Throws <see cref="PendingUploadsNotListedException"/>: an upload here is a set of
    /// staged blocks, which nothing can remove (see <see cref="AbortUploadAsync"/>), so there is nothing
    /// a listing could lead to.</summary>
    public IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        throw new PendingUploadsNotListedException(Location);

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var name = BlobName(key);
        var start = content.Position;
        var md5 = await MD5.HashDataAsync(content, cancellationToken);
        var length = content.Position - start;
        content.Position = start;
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders
            {
                ContentType = key.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream",
                ContentHash = md5,
            },
            // A manifest in the Archive tier could not be read before a rehydration: it stays in the
            // account's default tier then.
            AccessTier = Options.Tier is { } tier && tier != "Archive" ? new AccessTier(tier) : (AccessTier?)null,
            ImmutabilityPolicy = ImmutabilityPolicy(),
            TransferOptions = new global::Azure.Storage.StorageTransferOptions { InitialTransferSize = 256L << 20, MaximumTransferSize = Options.PartSize, MaximumConcurrency = 1 },
        };
        if (Bandwidth is not null) await Bandwidth.WaitAsync(length, cancellationToken);
        try
        {
            await Container.GetBlobClient(name).UploadAsync(content, options, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "writing", name, Options);
        }
    }

    public async Task<StoredObject?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var name = BlobName(key);
        try
        {
            var p = await Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return new StoredObject(key, p.Value.ContentLength, p.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode is AzureErrors.BlobNotFound or null)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "reading the size of", name, Options);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var download = await DownloadAsync(key, null, cancellationToken);
        return download.Content;
    }

    public async Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        if (length <= 0) return Stream.Null;
        var download = await DownloadAsync(key, new HttpRange(offset, length), cancellationToken);
        // Blob Storage answers a range that runs past the end with the bytes there are.
        if (download.Details.ContentLength != length)
        {
            await download.Content.DisposeAsync();
            throw new StoreException($"{Options.Container}/{BlobName(key)}: asked for {length} bytes at {offset}, Blob Storage answered {download.Details.ContentLength}; the blob is shorter than its manifest says");
        }
        return new BoundedReadStream(download.Content, length, key);
    }

    private async Task<BlobDownloadStreamingResult> DownloadAsync(string key, HttpRange? range, CancellationToken cancellationToken)
    {
        var name = BlobName(key);
        try
        {
            var options = range is { } r ? new BlobDownloadOptions { Range = r } : null;
            return (await Container.GetBlobClient(name).DownloadStreamingAsync(options, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode is AzureErrors.BlobNotFound or null)
        {
            throw new ObjectNotFoundException(key, Location);
        }
        catch (RequestFailedException e) when (e.ErrorCode == AzureErrors.BlobArchived)
        {
            throw await ArchivedAsync(key, name, e, cancellationToken);
        }
        catch (RequestFailedException e) when (range is not null && e.Status == 416)
        {
            throw new StoreException($"{Options.Container}/{name} does not hold bytes {range.Value.Offset}..{range.Value.Offset + range.Value.Length}; the blob is shorter than its manifest says", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "reading", name, Options);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var full = Options.Prefix + prefix;
        var pages = Container.GetBlobsAsync(new GetBlobsOptions { Prefix = full }, cancellationToken).AsPages(pageSizeHint: ListPageSize).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<BlobItem> page;
                try
                {
                    if (!await pages.MoveNextAsync()) yield break;
                    page = pages.Current;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw AzureErrors.Wrap(e, "listing", full, Options);
                }
                foreach (var b in page.Values)
                    yield return new StoredObject(b.Name[Options.Prefix.Length..], b.Properties.ContentLength ?? 0, b.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    /// <summary>Blobs per listing page; null for the service's default (5,000).</summary>
    internal int? ListPageSize { get; set; }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var name = BlobName(key);
        try
        {
            await Container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == AzureErrors.ImmutableByPolicy || e.Status == 409 && e.ErrorCode?.Contains("Immutab", StringComparison.Ordinal) == true)
        {
            throw await LockedAsync(key, name, e, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AzureErrors.Wrap(e, "deleting", name, Options);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal string BlobName(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(s => s is "" or "." or ".."))
            throw new StoreException($"key '{key}' is not a safe relative key");
        return Options.Prefix + key;
    }
}
