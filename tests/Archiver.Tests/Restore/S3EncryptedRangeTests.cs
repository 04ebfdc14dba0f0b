using System.Text.Json;
using Amazon.S3.Model;
using Archiver.Archives;
using Archiver.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Archiver.Tests.Restore;

/// <summary>
/// <c>cat --identity</c> and <c>restore --path --identity</c> of age-encrypted archives against
/// radosgw through a counting proxy: one 64 KiB file out of a 24 MiB archive costs its header and the
/// 64 KiB age chunks holding its blocks (issue 17's 2 MiB plus the chunks' alignment, plus the
/// manifest), what comes back is exact and checked against the manifest's SHA-256, and a chunk
/// changed in the store is refused by its authentication tag.
/// </summary>
[Collection("s3")]
public sealed class S3EncryptedRangeTests(S3Server server, ITestOutputHelper output) : IDisposable
{
    private const string Target = "m/target.log";
    private readonly TempDir _temp = new("s3agerange");
    private readonly S3Proxies _proxies = new(server);
    private AgeCli.KeyPair _key = null!;

    private string Root => _temp.Sub("data");

    public void Dispose()
    {
        _proxies.Dispose();
        _temp.Dispose();
    }

    private async Task<(string Bucket, string Key, byte[] Target)> ArchiveAsync(string format)
    {
        var bucket = await server.CreateBucketAsync("agerange");
        _key = AgeCli.KeyGen(_temp.Path);
        var target = S3RangeRestoreTests.PodWithTarget(Root);
        File.WriteAllLines(_temp["policy.yaml"],
        [
            "name: enc",
            $"root: {Root}",
            $"format: {format}",
            $"key: \"{{node}}/{{pod}}/{{dir}}-{{timestamp}}.{format}\"",
            $"store: \"{server.StoreUrl(bucket)}\"",
            "encryption:",
            "  age:",
            $"    recipients: [\"{_key.Recipient}\"]",
        ]);
        var r = await CliRunner.RunAsync("sweep", "--policy", _temp["policy.yaml"], "--liveness", "none", "--node", "node-1");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var client = server.CreateClient();
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        return (bucket, objects.Single(o => o.Key.EndsWith($".{format}.age", StringComparison.Ordinal)).Key, target);
    }


    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task CatAndRestorePath_OneSmallFile_DownloadUnderTwoMiBPlusOneChunkAndExact(string format)
    {
        var (bucket, key, target) = await ArchiveAsync(format);
        using var client = server.CreateClient();
        var manifestSize = (await client.GetObjectMetadataAsync(bucket, ArchiveKeys.ManifestFor(key))).ContentLength;
        // Issue 18's bound: issue 17's 2 MiB plus 64 KiB, plus the manifest. The whole age chunks holding
        // a range start up to 64 KiB before it and end up to 64 KiB after it; zstd frames are sized so
        // that a frame of incompressible data (as here) and both straddling chunks still fit.
        var bound = (2L << 20) + (64 << 10) + manifestSize;

        var catProxy = _proxies.New();
        var cat = await CliRunner.RunAsync("cat", key, Target, "--store", server.StoreUrlThrough(catProxy, bucket), "--identity", _key.IdentityFile);
        var restoreProxy = _proxies.New();
        var to = _temp["out"];
        var restored = await CliRunner.RunAsync("restore", key, "--store", server.StoreUrlThrough(restoreProxy, bucket), "--to", to, "--path", Target, "--identity", _key.IdentityFile);

        output.WriteLine($"{format}.age: cat downloaded {catProxy.BytesDown} bytes, restore --path {restoreProxy.BytesDown} bytes (manifest {manifestSize}, bound {bound})");
        Assert.True(cat.ExitCode == 0, cat + catProxy.Log);
        Assert.Equal(target, cat.RawOut);
        Assert.True(catProxy.BytesDown <= bound, $"cat downloaded {catProxy.BytesDown} bytes, more than {bound}\n{catProxy.Log}");
        Assert.Contains(catProxy.Requests, q => q.Headers!.ContainsKey("Range"));
        Assert.True(restored.ExitCode == 0, restored + restoreProxy.Log);
        Assert.Contains("range read(s)", restored.Out);
        Assert.Equal(target, File.ReadAllBytes(Path.Combine(to, "job-1", "m", "target.log")));
        Assert.False(File.Exists(Path.Combine(to, "job-1", "a.bin")));
        Assert.True(restoreProxy.BytesDown <= bound, $"restore --path downloaded {restoreProxy.BytesDown} bytes, more than {bound}\n{restoreProxy.Log}");
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task CatAndRestorePath_ChunkChangedInTheStore_RefusedWithExitOne(string format)
    {
        var (bucket, key, _) = await ArchiveAsync(format);
        using var client = server.CreateClient();
        var manifest = await ReadManifestAsync(client, bucket, key);
        var entry = manifest.Entries.Single(e => e.Path == "job-1/m/target.log");
        var index = manifest.Index!;
        // Random data is stored nearly as is (a few bytes of block headers), so a byte 100 bytes
        // before the file's end is inside its data, in a later age chunk than its tar header.
        var inFile = entry.Offset!.Value + 1536 + entry.Size - 100;
        var compressed = index.Offsets[(int)(inFile / index.BlockSize)] + inFile % index.BlockSize;
        var stored = manifest.Archive.PayloadOffset!.Value + compressed / 65536 * (65536 + 16) + compressed % 65536;
        var bytes = await S3RangeRestoreTests.ReadAllAsync(client, bucket, key);
        bytes[stored] ^= 0x55;
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });

        var cat = await CliRunner.RunAsync("cat", key, Target, "--store", server.StoreUrl(bucket), "--identity", _key.IdentityFile);
        var restored = await CliRunner.RunAsync("restore", key, "--store", server.StoreUrl(bucket), "--to", _temp["bad"], "--path", Target, "--identity", _key.IdentityFile);

        Assert.True(cat.ExitCode == 1, cat.ToString());
        Assert.Contains($"error: {key}: age payload chunk {compressed / 65536} failed authentication: the file was changed", cat.Error);
        Assert.True(cat.RawOut!.Length < entry.Size, $"cat wrote {cat.RawOut.Length} bytes");
        Assert.True(restored.ExitCode == 1, restored.ToString());
        Assert.Contains($"{key}: age payload chunk {compressed / 65536} failed authentication", restored.Error);
        // gzip reads the chunk while writing the file (which is named); zstd reads ahead, before it.
        Assert.Contains("not written:", restored.Error);
    }

    [Fact]
    public async Task CatAndRestorePath_ManifestSaysAnotherSha256_MismatchExitOne()
    {
        var (bucket, key, target) = await ArchiveAsync("tar.gz");
        using var client = server.CreateClient();
        var manifestKey = ArchiveKeys.ManifestFor(key);
        var wrongSha = new string('0', 64);
        var edited = AgeCli.EditJson(await S3RangeRestoreTests.ReadAllAsync(client, bucket, manifestKey), _key, m =>
        {
            foreach (var e in m["entries"]!.AsArray())
                if ((string?)e!["path"] == "job-1/m/target.log") e["sha256"] = wrongSha;
        });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = manifestKey, InputStream = new MemoryStream(edited) });

        var cat = await CliRunner.RunAsync("cat", key, Target, "--store", server.StoreUrl(bucket), "--identity", _key.IdentityFile);
        var restored = await CliRunner.RunAsync("restore", key, "--store", server.StoreUrl(bucket), "--to", _temp["mismatch"], "--path", Target, "--identity", _key.IdentityFile);

        Assert.True(cat.ExitCode == 1, cat.ToString());
        Assert.Equal(target, cat.RawOut);
        Assert.Contains($"but the manifest says {target.Length} bytes with sha256 {wrongSha}", cat.Error);
        Assert.True(restored.ExitCode == 1, restored.ToString());
        Assert.Contains("differ from its manifest", restored.Error);
    }

    private async Task<ArchiveManifest> ReadManifestAsync(Amazon.S3.IAmazonS3 client, string bucket, string key)
    {
        await using var stream = Archiver.Encryption.AgeDecryptingStream.Open(new MemoryStream(await S3RangeRestoreTests.ReadAllAsync(client, bucket, ArchiveKeys.ManifestFor(key))), _key.Identities);
        return JsonSerializer.Deserialize<ArchiveManifest>(stream, ArchiveManifest.Json)!;
    }
}
