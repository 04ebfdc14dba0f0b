using System.Formats.Tar;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Archiver.Archives;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// The real CLI sweeping pod directories into the real S3 server (radosgw). Credentials come from a
/// credentials file named in the store URL (see <see cref="S3Server.StoreUrl"/>), so in-process runs
/// never share environment variables.
/// </summary>
[Collection("s3")]
public sealed class S3SweepTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3sweep");

    private string Root => _temp.Sub("data");

    [Fact]
    public async Task Sweep_200MiBDirectory_ManyPartsRoundTripByteForByte()
    {
        var bucket = await server.CreateBucketAsync("big");
        var dir = BigPod("web-0", files: 4, mibEach: 50);
        var originals = HashTree(dir);
        var url = server.StoreUrl(bucket, "archives", "partSize=5MiB");

        var r = await Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", url, "--liveness", "none", "--node", "node-1", "--format", "tar.zst", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(Directory.Exists(dir));
        var key = r.JsonLines.Select(j => j.TryGetProperty("key", out var k) ? k.GetString() : null).First(k => k is not null)!;
        using var client = server.CreateClient();
        var head = await client.GetObjectMetadataAsync(bucket, "archives/" + key);
        Assert.True(head.ContentLength > 200L << 20);
        Assert.EndsWith($"-{(head.ContentLength + (5 << 20) - 1) / (5 << 20)}", head.ETag.Trim('"'));
        Assert.Equal(originals, await HashArchiveAsync(client, bucket, "archives/" + key));

        var verify = await Support.CliRunner.RunAsync("verify", key, "--store", url);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var list = await Support.CliRunner.RunAsync("list", "--store", url, "--node", "node-1", "--json");
        var row = Assert.Single(list.JsonLines);
        Assert.Equal("web-0", row.GetProperty("pod").GetString());
        Assert.Equal(head.ContentLength, row.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Sweep_GatewayKilledMidUpload_NothingDeletedNoUploadLeftAndRetrySucceeds()
    {
        var bucket = await server.CreateBucketAsync("kill");
        var dir = BigPod("job-7", files: 1, mibEach: 40);
        var url = server.StoreUrl(bucket, "", "partSize=5MiB&bandwidth=4MiB&retries=1");
        using var client = server.CreateClient();

        var first = Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", url, "--liveness", "none", "--node", "node-1", "--format", "tar.zst");
        await WaitForUploadWithPartsAsync(client, bucket, first);
        server.KillGateway();
        Support.CliRunner.Result failed;
        try
        {
            failed = await first;
        }
        finally
        {
            await server.RestartGatewayAsync();
        }

        Assert.Equal(1, failed.ExitCode);
        Assert.True(Directory.Exists(dir) && File.Exists(Path.Combine(dir, "big", "f0")), "nothing may be deleted when the upload failed");
        Assert.Single((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);

        var retry = await Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", server.StoreUrl(bucket), "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        Assert.False(Directory.Exists(dir));
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.Equal(2, objects.Count);
    }

    [Fact]
    public async Task Sweep_WrongSecretKey_SaysSoAndDeletesNothing()
    {
        var bucket = await server.CreateBucketAsync("creds");
        var dir = new PodTree(Root).Pod("web-1", DateTimeOffset.UtcNow.AddDays(-3));
        var badCredentials = _temp["bad-credentials"];
        await File.WriteAllTextAsync(badCredentials, $"[archiver-test]\naws_access_key_id = {server.AccessKey}\naws_secret_access_key = not-the-secret-123\n");
        var url = server.StoreUrl(bucket).Replace(Uri.EscapeDataString(server.CredentialsFile), Uri.EscapeDataString(badCredentials), StringComparison.Ordinal);

        var r = await Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", url, "--liveness", "none", "--node", "node-1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("secret key is wrong", r.Out + r.Error);
        Assert.DoesNotContain("not-the-secret-123", r.Out + r.Error);
        Assert.True(File.Exists(Path.Combine(dir, "logs", "app.log")));
        using var client = server.CreateClient();
        Assert.Empty((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [Fact]
    public async Task Sweep_MissingBucket_SaysCreateItAndDeletesNothing()
    {
        var dir = new PodTree(Root).Pod("web-2", DateTimeOffset.UtcNow.AddDays(-3));

        var r = await Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", server.StoreUrl("no-such-bucket-archiver"), "--liveness", "none", "--node", "node-1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("bucket 'no-such-bucket-archiver' does not exist", r.Out + r.Error);
        Assert.True(File.Exists(Path.Combine(dir, "logs", "app.log")));
    }

    [Fact]
    public async Task Sweep_OrphanedUploadUnderNodePrefix_AbortedOnceOlderThanGrace()
    {
        var bucket = await server.CreateBucketAsync("orphan");
        using var client = server.CreateClient();
        var mine = await client.InitiateMultipartUploadAsync(bucket, "p/default/node-1/ns/web-0/web-0-20260101T000000Z.tar.gz");
        var otherNode = await client.InitiateMultipartUploadAsync(bucket, "p/default/node-2/ns/web-0/web-0-20260101T000000Z.tar.gz");
        Directory.CreateDirectory(Root);
        var url = server.StoreUrl(bucket, "p");

        var soon = await Support.CliRunner.RunAsync(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(5)), "sweep", "--root", Root, "--store", url, "--liveness", "none", "--node", "node-1");
        var pendingSoon = (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads.Select(u => u.UploadId).ToList();
        var later = await Support.CliRunner.RunAsync(new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2)), "sweep", "--root", Root, "--store", url, "--liveness", "none", "--node", "node-1");
        var pendingLater = (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads.Select(u => u.UploadId).ToList();

        Assert.True(soon.ExitCode == 0 && later.ExitCode == 0, soon + "\n" + later);
        Assert.Contains(mine.UploadId, pendingSoon);
        Assert.Equal([otherNode.UploadId], pendingLater);
    }

    /// <summary>Waits until the running sweep has an upload in the bucket with at least one part stored.</summary>
    private static async Task WaitForUploadWithPartsAsync(Amazon.S3.IAmazonS3 client, string bucket, Task running)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            var uploads = (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? [];
            foreach (var u in uploads)
                if (((await client.ListPartsAsync(bucket, u.Key, u.UploadId)).Parts ?? []).Count > 0) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"no upload with parts appeared in {bucket} (sweep finished: {running.IsCompleted})");
    }

    private string BigPod(string name, int files, int mibEach) =>
        new PodTree(Root).Pod(name, DateTimeOffset.UtcNow.AddDays(-3), dir =>
        {
            Directory.CreateDirectory(Path.Combine(dir, "big"));
            var chunk = new byte[1 << 20];
            var random = new Random(name.Length);
            for (var f = 0; f < files; f++)
            {
                using var fs = File.Create(Path.Combine(dir, "big", $"f{f}"));
                for (var m = 0; m < mibEach; m++)
                {
                    random.NextBytes(chunk);
                    fs.Write(chunk);
                }
            }
            File.WriteAllText(Path.Combine(dir, "small.txt"), "hello");
        });

    private static SortedDictionary<string, string> HashTree(string dir)
    {
        var name = Path.GetFileName(dir);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            using var s = File.OpenRead(f);
            result[name + "/" + Path.GetRelativePath(dir, f)] = Convert.ToHexStringLower(SHA256.HashData(s));
        }
        return result;
    }

    private static async Task<SortedDictionary<string, string>> HashArchiveAsync(Amazon.S3.IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        await using var tar = Compression.Decompress(response.ResponseStream, ArchiveFormat.TarZst);
        using var reader = new TarReader(tar);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (await reader.GetNextEntryAsync() is { } entry)
            if (entry.EntryType == TarEntryType.RegularFile)
                result[entry.Name] = Convert.ToHexStringLower(entry.DataStream is null ? SHA256.HashData([]) : SHA256.HashData(entry.DataStream));
        return result;
    }

    public void Dispose() => _temp.Dispose();
}
