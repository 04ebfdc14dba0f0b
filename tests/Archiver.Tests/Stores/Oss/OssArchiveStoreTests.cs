using Amazon.S3.Model;
using Archiver.Stores;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>
/// The <c>oss://</c> store against the shared conformance suite, through the OSS stand-in
/// (<see cref="OssDialectProxy"/>) in front of the real S3 server, with 5 MiB parts. OSS does not
/// list unfinished uploads, so the suite's checks on them read the S3 server behind the stand-in.
/// Every test fails if the stand-in refused anything the store sent.
/// </summary>
[Collection("s3")]
public sealed class OssArchiveStoreTests(S3Server server) : ArchiveStoreConformance, IDisposable
{
    private const string Prefix = "under/a/prefix";
    private readonly OssDialectProxy _oss = new(server);
    private string _bucket = "";

    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        _bucket = await server.CreateBucketAsync("oss");
        return _oss.CreateStore(_bucket, Prefix, new() { ["partSize"] = "5MiB", ["uploadConcurrency"] = "2" });
    }

    protected override bool ListsUploads => false;

    protected override void UploadListingWasRefused()
    {
        foreach (var r in _oss.Refused.Where(r => r.Operation == "ListMultipartUploads")) _oss.Acknowledge(r);
    }

    protected override async Task<List<PendingUpload>> PendingAsync(IArchiveStore store, string prefix)
    {
        using var client = server.CreateClient();
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = $"{Prefix}/{prefix}" });
        return (uploads.MultipartUploads ?? []).Select(u => new PendingUpload(u.Key[(Prefix.Length + 1)..], u.UploadId, u.Initiated ?? default)).ToList();
    }

    [Fact]
    public async Task ListPendingUploads_Oss_NotListedAndTheStandInAnsweredNotImplemented()
    {
        await using var store = await CreateStoreAsync();

        var e = await Assert.ThrowsAsync<PendingUploadsNotListedException>(async () =>
        {
            await foreach (var _ in store.ListPendingUploadsAsync("node/", CancellationToken.None))
            {
            }
        });

        Assert.Contains($"oss://{_bucket}/{Prefix}/", e.Message);
        var refused = Assert.Single(_oss.Refused);
        Assert.Equal(OssDialect.ListMultipartUploads, refused.Operation);
        Assert.Equal(501, refused.Refusal!.Status);
        _oss.Acknowledge(refused);
    }

    [Fact]
    public async Task Upload_Multipart_RequestsAreVirtualHostedSignedAndUnchunked()
    {
        await using var store = await CreateStoreAsync();
        await using (var upload = await store.BeginUploadAsync("n/a.tar.gz", CancellationToken.None))
        {
            await Task.Run(() => upload.Content.Write(Data((5 << 20) + 10, 3)));
            await upload.CompleteAsync(CancellationToken.None);
        }

        var requests = _oss.Requests;
        Assert.Equal(["CompleteMultipartUpload", "InitiateMultipartUpload", "UploadPart", "UploadPart"], requests.Select(r => r.Operation).Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.StartsWith($"{_bucket}.{_oss.EndpointHost}:", r.Host));
    }

    [Fact]
    public async Task Upload_StorageClassEncryptionTags_SentAsOssHeadersNeverAsS3Ones()
    {
        _bucket = await server.CreateBucketAsync("osshdr");
        await using var store = _oss.CreateStore(_bucket, Prefix, new()
        {
            ["storageClass"] = "Archive", ["sse"] = "KMS", ["kmsKeyId"] = "key-1", ["tags"] = "team=infra,cost center=42",
        });
        await using (var upload = await store.BeginUploadAsync("a.tar.gz", CancellationToken.None))
        {
            await Task.Run(() => upload.Content.Write(Data(1000, 1)));
            await upload.CompleteAsync(CancellationToken.None);
        }
        await store.PutAsync("a.tar.gz.manifest.json", new MemoryStream("{}"u8.ToArray()), CancellationToken.None);

        var initiate = Assert.Single(_oss.Requests, r => r.Operation == "InitiateMultipartUpload");
        var manifest = Assert.Single(_oss.Requests, r => r.Operation == "PutObject");
        Assert.Equal("Archive", initiate.Header("x-oss-storage-class"));
        Assert.Equal("Standard", manifest.Header("x-oss-storage-class"));
        foreach (var r in new[] { initiate, manifest })
        {
            Assert.Equal("KMS", r.Header("x-oss-server-side-encryption"));
            Assert.Equal("key-1", r.Header("x-oss-server-side-encryption-key-id"));
            Assert.Equal("team=infra&cost%20center=42", r.Header("x-oss-tagging"));
            Assert.DoesNotContain(r.Headers, h => h.Key.ToLowerInvariant() is "x-amz-storage-class" or "x-amz-tagging" || h.Key.StartsWith("x-amz-server-side-encryption", StringComparison.OrdinalIgnoreCase));
        }
        Assert.DoesNotContain(_oss.Requests, r => r.Operation == "PutObjectTagging");
    }

    /// <summary>Fails the test when the stand-in refused something the test did not expect.</summary>
    public void Dispose()
    {
        var refused = _oss.Refused;
        _oss.Dispose();
        Assert.True(refused.Count == 0, "the OSS stand-in refused:\n" + string.Join('\n', refused));
    }
}
