using Archiver.Stores;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>
/// <c>restore --thaw</c> on an <c>oss://</c> store: RestoreObject is not among the S3 operations OSS's
/// S3-compatible endpoint supports ("S3 API on OSS: supported operations and limitations",
/// https://www.alibabacloud.com/help/en/oss/developer-reference/compatibility-with-amazon-s3), so the
/// stand-in refuses it, and Archiver says how to thaw with OSS's own tools instead.
/// </summary>
[Collection("s3")]
public sealed class OssThawTests(S3Server server) : IDisposable
{
    private readonly OssDialectProxy _oss = new(server);

    [Fact]
    public async Task Thaw_OssObject_RestoreObjectRefusedAndMessageNamesOssutil()
    {
        var bucket = await server.CreateBucketAsync("ossthaw");
        await using var store = _oss.CreateStore(bucket, "p", new() { ["storageClass"] = "ColdArchive" });
        await store.PutAsync("n1/a.tar.gz", "data"u8.ToArray(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<StoreException>(() => store.ThawAsync("n1/a.tar.gz", 2, CancellationToken.None));

        Assert.Contains("OSS's S3-compatible endpoint does not offer RestoreObject", e.Message);
        Assert.Contains($"thaw it with ossutil restore oss://{bucket}/p/n1/a.tar.gz (or in the OSS console)", e.Message);
        var refused = Assert.Single(_oss.Refused);
        Assert.Equal("POST", refused.Method);
        Assert.Equal(501, refused.Refusal!.Status);
        _oss.Acknowledge(refused);
    }

    public void Dispose() => _oss.Dispose();
}
