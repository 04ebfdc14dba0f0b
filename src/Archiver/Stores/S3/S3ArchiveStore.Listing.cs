using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace Archiver.Stores.S3;

/// <summary>Listings: objects and unfinished multipart uploads under a prefix, page by page.</summary>
public sealed partial class S3ArchiveStore
{
    /// <summary>Keys per listing page; null for the server's default (1,000). Tests make it small to
    /// page through a short listing.</summary>
    internal int? ListPageSize { get; set; }

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = Options.Prefix + prefix, MaxKeys = ListPageSize };
        return PagesAsync(
            ct => Client.ListObjectsV2Async(request, ct),
            page => (page.S3Objects ?? []).Select(o => new StoredObject(o.Key[Options.Prefix.Length..], o.Size ?? 0, ToOffset(o.LastModified))),
            page =>
            {
                request.ContinuationToken = page.NextContinuationToken;
                return page.IsTruncated == true;
            },
            "listing", request.Prefix, cancellationToken);
    }

    /// <summary>Throws <see cref="PendingUploadsNotListedException"/> where the server answers
    /// 501 NotImplemented (OSS: ListMultipartUploads is not in its S3 compatibility list).</summary>
    public IAsyncEnumerable<PendingUpload> ListPendingUploadsAsync(string prefix, CancellationToken cancellationToken)
    {
        var request = new ListMultipartUploadsRequest { BucketName = Options.Bucket, Prefix = Options.Prefix + prefix, MaxUploads = ListPageSize };
        return PagesAsync(
            async ct =>
            {
                try
                {
                    return await Client.ListMultipartUploadsAsync(request, ct);
                }
                catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotImplemented)
                {
                    throw new PendingUploadsNotListedException(Location, e);
                }
            },
            page => (page.MultipartUploads ?? []).Select(u => new PendingUpload(u.Key[Options.Prefix.Length..], u.UploadId, ToOffset(u.Initiated))),
            page =>
            {
                request.KeyMarker = page.NextKeyMarker;
                request.UploadIdMarker = page.NextUploadIdMarker;
                return page.IsTruncated == true;
            },
            "listing uploads under", request.Prefix, cancellationToken);
    }

    /// <summary>Pages through a listing: sends the request, yields the page's items, and while the
    /// listing is truncated <paramref name="next"/> points the request at the next page.</summary>
    private async IAsyncEnumerable<TItem> PagesAsync<TPage, TItem>(
        Func<CancellationToken, Task<TPage>> send,
        Func<TPage, IEnumerable<TItem>> items,
        Func<TPage, bool> next,
        string what,
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            TPage page;
            try
            {
                page = await send(cancellationToken);
            }
            catch (Exception e) when (e is not PendingUploadsNotListedException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                throw S3Errors.Wrap(e, what, prefix, Options);
            }
            foreach (var item in items(page)) yield return item;
            if (!next(page)) yield break;
        }
    }
}
