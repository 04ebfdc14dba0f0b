using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>A <see cref="CrashScene"/> sweeping into a fresh bucket on the test S3 server.</summary>
public sealed class S3CrashScene : CrashScene
{
    private readonly string _bucket;
    private readonly IAmazonS3 _client;

    private S3CrashScene(S3Server server, string dir, string bucket, string storeOptions)
        : base(dir, server.StoreUrl(bucket, "", storeOptions))
    {
        _bucket = bucket;
        _client = server.CreateClient();
    }

    public static async Task<S3CrashScene> CreateAsync(S3Server server, string dir, IReadOnlyList<string> pods, int mibEach, string storeOptions)
    {
        var scene = new S3CrashScene(server, dir, await server.CreateBucketAsync("crash"), storeOptions);
        scene.AddPods(pods, mibEach);
        return scene;
    }

    /// <summary>Multipart uploads open anywhere in the bucket.</summary>
    public async Task<IReadOnlyList<MultipartUpload>> OpenUploadsAsync() =>
        (await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket })).MultipartUploads ?? [];

    public override async Task<List<string>> ObjectKeysAsync()
    {
        var request = new ListObjectsV2Request { BucketName = _bucket };
        var keys = new List<string>();
        ListObjectsV2Response page;
        do
        {
            page = await _client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    protected override async Task DownloadToAsync(string key, string path)
    {
        using var response = await _client.GetObjectAsync(_bucket, key);
        await using var file = File.Create(path);
        await response.ResponseStream.CopyToAsync(file);
    }

    protected override async Task AssertNoOpenUploadAsync(string context)
    {
        var open = await OpenUploadsAsync();
        Assert.True(open.Count == 0, $"{context}: {open.Count} multipart uploads left open: {string.Join(", ", open.Select(u => $"{u.Key} ({u.UploadId})"))}");
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
