using System.Text.Json;
using Amazon.S3.Model;
using Archiver.Archives;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary>
/// <c>cat</c> and <c>restore --path</c> against radosgw through a counting proxy: one 64 KiB file out
/// of a multi-MiB archive costs a few range reads, not the archive; what comes back is exact; and a
/// range changed in the store is refused.
/// </summary>
[Collection("s3")]
public sealed class S3RangeRestoreTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3range");
    private readonly S3Proxies _proxies = new(server);

    private string Root => _temp.Sub("data");

    public void Dispose()
    {
        _proxies.Dispose();
        _temp.Dispose();
    }

    private async Task<(string Bucket, string Key, byte[] Target)> ArchiveAsync(string format)
    {
        var bucket = await server.CreateBucketAsync("range");
        var target = PodWithTarget(Root);
        var r = await CliRunner.RunAsync("sweep", "--root", Root, "--store", server.StoreUrl(bucket), "--liveness", "none", "--node", "node-1", "--format", format);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var client = server.CreateClient();
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        return (bucket, objects.Single(o => o.Key.EndsWith("." + format, StringComparison.Ordinal)).Key, target);
    }

    /// <summary>Pod job-1 under <paramref name="root"/>: 12 MiB of random data, the 64 KiB m/target.log
    /// (returned), 12 MiB more; so the target sits in the middle of a 24 MiB archive.</summary>
    internal static byte[] PodWithTarget(string root)
    {
        var target = SingleEntryRestoreTests.Random(64 << 10, 9);
        new PodTree(root).Pod("job-1", DateTimeOffset.UtcNow.AddDays(-3), d =>
        {
            File.WriteAllBytes(Path.Combine(d, "a.bin"), SingleEntryRestoreTests.Random(12 << 20, 1));
            Directory.CreateDirectory(Path.Combine(d, "m"));
            File.WriteAllBytes(Path.Combine(d, "m", "target.log"), target);
            File.WriteAllBytes(Path.Combine(d, "z.bin"), SingleEntryRestoreTests.Random(12 << 20, 2));
        });
        return target;
    }


    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task CatAndRestorePath_OneSmallFile_DownloadUnderTwoMiBAndExact(string format)
    {
        var (bucket, key, target) = await ArchiveAsync(format);

        var catProxy = _proxies.New();
        var cat = await CliRunner.RunAsync("cat", key, "m/target.log", "--store", server.StoreUrlThrough(catProxy, bucket));
        var restoreProxy = _proxies.New();
        var to = _temp["out"];
        var restored = await CliRunner.RunAsync("restore", key, "--store", server.StoreUrlThrough(restoreProxy, bucket), "--to", to, "--path", "m/target.log");

        Assert.True(cat.ExitCode == 0, cat + catProxy.Log);
        Assert.Equal(target, cat.RawOut);
        Assert.True(catProxy.BytesDown < 2 << 20, $"cat downloaded {catProxy.BytesDown} bytes\n{catProxy.Log}");
        Assert.Contains(catProxy.Requests, q => q.Headers!.ContainsKey("Range"));
        Assert.True(restored.ExitCode == 0, restored + restoreProxy.Log);
        Assert.Equal(target, File.ReadAllBytes(Path.Combine(to, "job-1", "m", "target.log")));
        Assert.False(File.Exists(Path.Combine(to, "job-1", "a.bin")));
        Assert.True(restoreProxy.BytesDown < 2 << 20, $"restore --path downloaded {restoreProxy.BytesDown} bytes\n{restoreProxy.Log}");
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task Cat_RangeChangedInTheStore_RefusedWithExitOne(string format)
    {
        var (bucket, key, _) = await ArchiveAsync(format);
        using var client = server.CreateClient();
        var manifest = await ReadManifestAsync(client, bucket, key);
        var entry = manifest.Entries.Single(e => e.Path == "job-1/m/target.log");
        var index = manifest.Index!;
        // Incompressible data is stored nearly as is (a few bytes of block headers), so the byte at
        // the same distance into the block as the file's middle is inside the file's data.
        var middle = entry.Offset!.Value + 1536 + entry.Size / 2;
        var block = (int)(middle / index.BlockSize);
        var bytes = await ReadAllAsync(client, bucket, key);
        bytes[index.Offsets[block] + middle % index.BlockSize + 60] ^= 0x55;
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });

        var cat = await CliRunner.RunAsync("cat", key, "m/target.log", "--store", server.StoreUrl(bucket));
        var restored = await CliRunner.RunAsync("restore", key, "--store", server.StoreUrl(bucket), "--to", _temp["bad"], "--path", "m/target.log");

        Assert.True(cat.ExitCode == 1, cat.ToString());
        Assert.Contains("error:", cat.Error);
        Assert.True(restored.ExitCode == 1, restored.ToString());
        Assert.Contains("job-1/m/target.log", restored.Error);
    }

    private static async Task<ArchiveManifest> ReadManifestAsync(Amazon.S3.IAmazonS3 client, string bucket, string key) =>
        JsonSerializer.Deserialize<ArchiveManifest>(await ReadAllAsync(client, bucket, key + ".manifest.json"), ArchiveManifest.Json)!;

    internal static async Task<byte[]> ReadAllAsync(Amazon.S3.IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }
}
